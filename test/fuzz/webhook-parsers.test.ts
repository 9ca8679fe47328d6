// Every webhook parser, fed arbitrary bytes and real payloads with random changes: it either parses
// or refuses with InvalidDelivery naming the problem (the webhook route's 400), never anything else
// (a 500 a sender would retry forever). Signature checks never throw, accept what the source signs
// and refuse the same body under another secret.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createConnectorRegistry } from '#adapters/registry.ts';
import { InvalidDelivery, type InboundDelivery } from '#domain/project/connector.ts';
import { hostileString, mutatedBodies } from './mutations.ts';
import { webhookSources } from './webhook-sources.ts';

const registry = createConnectorRegistry();
const runs = Number(process.env['FUZZ_RUNS'] ?? 400);

function delivery(
  body: string | Uint8Array,
  signed: { headers: Readonly<Record<string, string>>; query: Readonly<Record<string, string>> },
): InboundDelivery {
  return {
    headers: { ...signed.headers },
    query: { ...signed.query },
    rawBody: typeof body === 'string' ? new TextEncoder().encode(body) : body,
  };
}

/** 'parsed', or the InvalidDelivery message; any other throw fails the property. */
function outcome(parse: () => unknown): string {
  try {
    parse();
    return 'parsed';
  } catch (error) {
    if (error instanceof InvalidDelivery && error.message.length > 0) return error.message;
    throw error;
  }
}

describe.each(webhookSources.map((source) => [source.kind, source] as const))(
  'the %s webhook parser',
  (_kind, source) => {
    const connector = registry.get(source.kind);
    if (!connector) throw new Error(`no connector registered for ${source.kind}`);
    const parse = (body: string | Uint8Array) => () =>
      connector.parseDelivery(delivery(body, source.sign(String(body), 's')), source.config);

    it('parses every real sample', () => {
      for (const sample of source.samples) expect(outcome(parse(sample))).toBe('parsed');
    });

    it('parses or refuses mutated real payloads with a message', () => {
      fc.assert(
        fc.property(mutatedBodies(source.samples), (body) => void outcome(parse(body))),
        { numRuns: runs },
      );
    });

    it('parses or refuses arbitrary bytes with a message', () => {
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => void outcome(parse(bytes))),
        { numRuns: runs },
      );
    });

    it('verifies what the source signs, refuses it under another secret, and never throws', () => {
      fc.assert(
        fc.property(mutatedBodies(source.samples), hostileString, hostileString, (body, secret, other) => {
          // Secrets are keyed as UTF-8: two strings with the same bytes (lone surrogates) are one secret.
          fc.pre(secret.length > 0 && !Buffer.from(other).equals(Buffer.from(secret)));
          const signed = source.sign(body, secret);
          expect(connector.verifyDelivery(delivery(body, signed), [secret])).toBe(true);
          expect(connector.verifyDelivery(delivery(body, signed), other.length > 0 ? [other] : [])).toBe(false);
        }),
        { numRuns: runs },
      );
    });

    it('never throws on arbitrary headers and query parameters', () => {
      const record = fc.dictionary(fc.string({ maxLength: 30 }), hostileString, { maxKeys: 5 });
      fc.assert(
        fc.property(record, record, fc.string({ maxLength: 100 }), (headers, query, body) => {
          expect(typeof connector.verifyDelivery(delivery(body, { headers, query }), ['secret'])).toBe('boolean');
        }),
        { numRuns: runs },
      );
    });
  },
);
