// Webhook signatures: proof that a delivery comes from someone holding the project's secret. Most
// sources (the generic webhook, Jira's `X-Hub-Signature`, GitHub) sign the raw body with
// HMAC-SHA256 and send `sha256=<hex>`; sources that cannot sign pass `?secret=` instead. Several
// secrets may be accepted at once so a rotation does not drop deliveries signed with the old one.
// Every comparison is constant-time, so the answer time says nothing about how close a guess was.

import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { InboundDelivery } from '#domain/project/connector.ts';

const digestBytes = 32;
const hexDigest = /^[0-9a-f]{64}$/i;
const prefix = 'sha256=';

/** Bytes as signed: a string is taken as UTF-8. */
export type SignedBody = Uint8Array | string;

/** Lower-case hex HMAC-SHA256 of `body` keyed with `secret`. */
export function hmacSha256Hex(secret: string, body: SignedBody): string {
  return createHmac('sha256', secret).update(body).digest('hex');
}

/** The `sha256=<hex>` header value signing `body` with `secret`. */
export function signatureHeader(secret: string, body: SignedBody): string {
  return `${prefix}${hmacSha256Hex(secret, body)}`;
}

/** True when `header` is `sha256=<hex>` of `body` under one of `secrets` (empty secrets never match). */
export function verifySignatureHeader(header: string | undefined, body: SignedBody, secrets: readonly string[]): boolean {
  if (header === undefined) return false;
  const value = header.trim();
  if (value.slice(0, prefix.length).toLowerCase() !== prefix) return false;
  const hex = value.slice(prefix.length);
  if (!hexDigest.test(hex)) return false;
  const given = Buffer.from(hex, 'hex');
  let matched = false;
  // Check every secret, not stopping at the first match, so timing does not tell which one it was.
  for (const secret of secrets) {
    if (secret.length === 0) continue;
    const expected = createHmac('sha256', secret).update(body).digest();
    if (expected.length === digestBytes && timingSafeEqual(expected, given)) matched = true;
  }
  return matched;
}

/** True when the `?secret=` value equals one of `secrets`, compared in constant time. */
export function verifyQuerySecret(value: string | undefined, secrets: readonly string[]): boolean {
  if (value === undefined || value.length === 0) return false;
  // Hashing first gives equal-length inputs to timingSafeEqual whatever the lengths were.
  const given = sha256(value);
  let matched = false;
  for (const secret of secrets) {
    if (secret.length === 0) continue;
    if (timingSafeEqual(sha256(secret), given)) matched = true;
  }
  return matched;
}

/** A request header by name, whatever the case the transport kept. */
export function headerValue(headers: Readonly<Record<string, string | undefined>>, name: string): string | undefined {
  const lower = name.toLowerCase();
  const exact = headers[lower];
  if (exact !== undefined) return exact;
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === lower) return value;
  }
  return undefined;
}

/**
 * True when the delivery carries a valid `sha256=<hex>` signature in `header`, or a matching
 * `?secret=` query parameter; the common check of HMAC-signing sources.
 */
export function verifySignedDelivery(delivery: InboundDelivery, header: string, secrets: readonly string[]): boolean {
  const bySignature = verifySignatureHeader(headerValue(delivery.headers, header), delivery.rawBody, secrets);
  const byQuery = verifyQuerySecret(delivery.query['secret'], secrets);
  return bySignature || byQuery;
}

function sha256(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
