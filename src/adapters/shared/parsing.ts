// Untrusted input at the connector edge, parsed once with zod: a project's config and credentials
// (typed in by an admin) and webhook bodies (sent by anyone who can reach the URL). Failures become
// the port's typed errors with a message that names the field and the problem, because that
// message is what the admin sees in GraphQL and what a webhook sender gets back with its 400.

import { z } from 'zod';
import { InvalidConnectorSettings, InvalidDelivery } from '#domain/project/connector.ts';
import type { JsonValue } from '#domain/json.ts';

const maxIssues = 3;

/** A zod error: `is required` when the value is missing, else `must be <what>`. */
export function expected(what: string): (issue: { readonly input?: unknown }) => string {
  return (issue) => (issue.input === undefined ? 'is required' : `must be ${what}`);
}

/** An http: or https: URL, normalised by the URL parser. */
export const httpUrl = z
  .string({ error: expected('a URL starting with http:// or https://') })
  .trim()
  .refine((value) => URL.canParse(value) && ['http:', 'https:'].includes(new URL(value).protocol), {
    error: 'must be a URL starting with http:// or https://',
  })
  .transform((value) => new URL(value).toString());

/** A string with something in it. */
export const nonEmptyString = z.string({ error: expected('a string') }).min(1, { error: 'must not be empty' });

/** `section`.`field`: `problem`, for each of the first few issues of `error`. */
export function describeIssues(error: z.ZodError, section: string): string {
  const shown = error.issues.slice(0, maxIssues).map((issue) => `${pathOf(section, issue.path)}: ${issue.message}`);
  const more = error.issues.length - shown.length;
  return more > 0 ? `${shown.join('; ')} (and ${more} more)` : shown.join('; ');
}

/** `value` parsed as a project's `section` ('config' or 'credentials'); throws InvalidConnectorSettings. */
export function parseSettings<S extends z.ZodType<Record<string, JsonValue>>>(
  schema: S,
  value: unknown,
  section: 'config' | 'credentials',
): z.output<S> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidConnectorSettings(`${section}: must be an object`);
  }
  const result = schema.safeParse(value);
  if (!result.success) throw new InvalidConnectorSettings(describeIssues(result.error, section));
  return result.data;
}

/** The raw body as JSON; throws InvalidDelivery `body: not JSON`. */
export function parseJsonBody(rawBody: Uint8Array): unknown {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(rawBody);
  } catch {
    throw new InvalidDelivery('body: not UTF-8 text');
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new InvalidDelivery('body: not JSON');
  }
}

/** `body` parsed with `schema`; throws InvalidDelivery naming the first problems. */
export function parseDeliveryBody<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new InvalidDelivery('body: must be a JSON object');
  const result = schema.safeParse(body);
  if (!result.success) throw new InvalidDelivery(describeIssues(result.error, ''));
  return result.data;
}

/** `key` as a JSON string with its whitespace escaped too (`" "` reads as `"\u0020"`). */
function quotedKey(key: string): string {
  return JSON.stringify(key).replace(/\s/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function pathOf(section: string, path: readonly PropertyKey[]): string {
  let out = section;
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    // A key a person could not read as a name (empty, spaced, dotted: any label name is possible)
    // is shown quoted, so the path stays one word and the message still says where.
    else if (!/^[\w$-]+$/.test(String(key))) out += `[${quotedKey(String(key))}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out === '' ? 'body' : out;
}
