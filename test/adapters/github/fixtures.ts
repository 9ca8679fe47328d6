// Loads the real GitHub deliveries in ./fixtures (see its README for where each came from) as raw
// bytes, the way the webhook route hands them to the connector, optionally reshaped by a test.
import { readFileSync } from 'node:fs';
import type { InboundDelivery } from '#domain/project/connector.ts';
import { signatureHeader } from '#adapters/shared/signatures.ts';

/** A fixture's JSON (`issues.edited`, `issue_comment.created`, `ping`...). */
export function fixture(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(`./fixtures/${name}.json`, import.meta.url), 'utf8')) as Record<
    string,
    unknown
  >;
}

/** A delivery of `body` as GitHub posts it: event and delivery headers, signed with `secret` when given. */
export function githubDelivery(
  event: string,
  body: unknown,
  options: { id?: string; secret?: string } = {},
): InboundDelivery {
  const raw = typeof body === 'string' ? body : JSON.stringify(body);
  const headers: Record<string, string> = { 'x-github-event': event, 'content-type': 'application/json' };
  if (options.id !== undefined) headers['x-github-delivery'] = options.id;
  if (options.secret !== undefined) headers['x-hub-signature-256'] = signatureHeader(options.secret, raw);
  return { headers, query: {}, rawBody: new TextEncoder().encode(raw) };
}
