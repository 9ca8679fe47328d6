import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  headerValue,
  hmacSha256Hex,
  signatureHeader,
  verifyQuerySecret,
  verifySignatureHeader,
  verifySignedDelivery,
} from '#adapters/shared/signatures.ts';

const body = new TextEncoder().encode('{"deliveryId":"d-1","externalId":"X-1"}');

describe('HMAC-SHA256 signatures', () => {
  it('signs the raw body as lower-case hex, the same for bytes and their UTF-8 string', () => {
    const expected = createHmac('sha256', 's3cret').update(body).digest('hex');
    expect(hmacSha256Hex('s3cret', body)).toBe(expected);
    expect(hmacSha256Hex('s3cret', new TextDecoder().decode(body))).toBe(expected);
    expect(signatureHeader('s3cret', body)).toBe(`sha256=${expected}`);
  });

  it('accepts a good signature, in either hex case', () => {
    const header = signatureHeader('s3cret', body);
    expect(verifySignatureHeader(header, body, ['s3cret'])).toBe(true);
    expect(verifySignatureHeader(`SHA256=${header.slice(7).toUpperCase()}`, body, ['s3cret'])).toBe(true);
  });

  it('refuses a wrong secret, a tampered body, a missing or malformed header', () => {
    const header = signatureHeader('s3cret', body);
    expect(verifySignatureHeader(header, body, ['other'])).toBe(false);
    const tampered = new TextEncoder().encode('{"deliveryId":"d-1","externalId":"X-2"}');
    expect(verifySignatureHeader(header, tampered, ['s3cret'])).toBe(false);
    expect(verifySignatureHeader(undefined, body, ['s3cret'])).toBe(false);
    expect(verifySignatureHeader(header.slice(7), body, ['s3cret'])).toBe(false);
    expect(verifySignatureHeader('sha1=abc', body, ['s3cret'])).toBe(false);
    expect(verifySignatureHeader(`${header.slice(0, -2)}zz`, body, ['s3cret'])).toBe(false);
    expect(verifySignatureHeader(header.slice(0, -2), body, ['s3cret'])).toBe(false);
  });

  it('accepts any of several secrets, so a rotation keeps old senders working, but never an empty one', () => {
    expect(verifySignatureHeader(signatureHeader('old', body), body, ['new', 'old'])).toBe(true);
    expect(verifySignatureHeader(signatureHeader('new', body), body, ['new', 'old'])).toBe(true);
    expect(verifySignatureHeader(signatureHeader('retired', body), body, ['new', 'old'])).toBe(false);
    expect(verifySignatureHeader(signatureHeader('', body), body, [''])).toBe(false);
    expect(verifySignatureHeader(signatureHeader('new', body), body, [])).toBe(false);
  });
});

describe('the ?secret= fallback', () => {
  it('matches one of the secrets exactly, whatever the lengths', () => {
    expect(verifyQuerySecret('s3cret', ['s3cret'])).toBe(true);
    expect(verifyQuerySecret('old', ['new', 'old'])).toBe(true);
    expect(verifyQuerySecret('s3cre', ['s3cret'])).toBe(false);
    expect(verifyQuerySecret('s3cret-and-more', ['s3cret'])).toBe(false);
    expect(verifyQuerySecret(undefined, ['s3cret'])).toBe(false);
    expect(verifyQuerySecret('', [''])).toBe(false);
  });
});

describe('verifying a delivery', () => {
  const signed = { headers: { 'x-lockstep-signature': signatureHeader('s3cret', body) }, query: {}, rawBody: body };

  it('accepts the signature header or the query secret', () => {
    expect(verifySignedDelivery(signed, 'X-Lockstep-Signature', ['s3cret'])).toBe(true);
    expect(verifySignedDelivery({ headers: {}, query: { secret: 's3cret' }, rawBody: body }, 'x-lockstep-signature', ['s3cret'])).toBe(true);
  });

  it('refuses an unsigned delivery, a tampered one and a wrong query secret', () => {
    expect(verifySignedDelivery({ headers: {}, query: {}, rawBody: body }, 'x-lockstep-signature', ['s3cret'])).toBe(false);
    expect(verifySignedDelivery({ ...signed, rawBody: new TextEncoder().encode('{}') }, 'x-lockstep-signature', ['s3cret'])).toBe(false);
    expect(verifySignedDelivery({ headers: {}, query: { secret: 'guess' }, rawBody: body }, 'x-lockstep-signature', ['s3cret'])).toBe(false);
  });

  it('finds headers whatever case the transport kept', () => {
    expect(headerValue({ 'X-Hub-Signature': 'sha256=ab' }, 'x-hub-signature')).toBe('sha256=ab');
    expect(headerValue({ 'x-hub-signature': 'sha256=cd' }, 'X-Hub-Signature')).toBe('sha256=cd');
    expect(headerValue({}, 'x-hub-signature')).toBeUndefined();
  });
});
