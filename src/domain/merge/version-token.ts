// The opaque `version` token clients read and pass back as `expectedVersion`. It is the ticket's
// causal context (a version vector) in a URL-safe form. Opaque on purpose: clients compare tokens
// for equality only, and the encoding can change behind the `v1.` prefix.

import { InvalidVersionToken } from '../errors.ts';
import { isVersionVector, normalise, type VersionVector } from './version-vector.ts';

const prefix = 'v1.';

function toBase64Url(text: string): string {
  let binary = '';
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

function fromBase64Url(data: string): string {
  if (!/^[A-Za-z0-9_-]*$/.test(data)) throw new InvalidVersionToken('not base64url');
  const binary = atob(data.replaceAll('-', '+').replaceAll('_', '/'));
  const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
  return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
}

/** The token for `vector`; equal vectors give equal tokens. */
export function encodeVersion(vector: VersionVector): string {
  return prefix + toBase64Url(JSON.stringify(normalise(vector)));
}

/** The vector inside `token`; throws InvalidVersionToken when it cannot be decoded. */
export function decodeVersion(token: string): VersionVector {
  if (!token.startsWith(prefix)) throw new InvalidVersionToken('unknown format');
  let parsed: unknown;
  try {
    parsed = JSON.parse(fromBase64Url(token.slice(prefix.length)));
  } catch (error) {
    if (error instanceof InvalidVersionToken) throw error;
    throw new InvalidVersionToken('not a version token');
  }
  if (!isVersionVector(parsed)) throw new InvalidVersionToken('not a version vector');
  return parsed;
}
