// The opaque `version` token clients read and pass back as `expectedVersion`. It is the ticket's
// causal context (a version vector) in a URL-safe form. Opaque on purpose: clients compare tokens
// for equality only, and the encoding can change behind the `v1.` prefix.

import { InvalidVersionToken } from '../errors.ts';
import { isVersionVector, normalise, type VersionVector } from './version-vector.ts';

const prefix = 'v1.';
const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const utf8 = new TextEncoder();

/** `text` as a string of its UTF-8 bytes (one char per byte); ASCII text, the usual case, is that already. */
function utf8Binary(text: string): string {
  let binary = '';
  for (const byte of utf8.encode(text)) binary += String.fromCharCode(byte);
  return binary;
}

/** Unpadded base64url of `text`'s UTF-8 bytes (tokens are built for every event, so done by hand, not via btoa). */
function toBase64Url(text: string, ascii: boolean): string {
  const bytes = ascii ? text : utf8Binary(text);
  const at = (i: number) => bytes.charCodeAt(i);
  let out = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (at(i) << 16) | (at(i + 1) << 8) | at(i + 2);
    out += alphabet.charAt(n >>> 18) + alphabet.charAt((n >>> 12) & 63) + alphabet.charAt((n >>> 6) & 63) + alphabet.charAt(n & 63);
  }
  const rest = bytes.length - i;
  if (rest > 0) {
    const n = (at(i) << 16) | (rest === 2 ? at(i + 1) << 8 : 0);
    out += alphabet.charAt(n >>> 18) + alphabet.charAt((n >>> 12) & 63);
    if (rest === 2) out += alphabet.charAt((n >>> 6) & 63);
  }
  return out;
}

const isIndexLike = (key: string) => key.charCodeAt(0) <= 57 && /^(?:0|[1-9]\d*)$/.test(key);

/** `{"a":1,"b":2}`: the vector's non-zero entries in key order, as JSON (what normalise + stringify gave). */
function canonicalJson(vector: VersionVector): { json: string; ascii: boolean } {
  const keys = Object.keys(vector);
  // Integer-like keys come first in any JS object, whatever the insertion order: keep that form.
  if (keys.some(isIndexLike)) return { json: JSON.stringify(normalise(vector)), ascii: false };
  sortStrings(keys);
  let out = '{';
  let ascii = true;
  for (const replica of keys) {
    const counter = vector[replica] ?? 0;
    if (!(counter > 0)) continue;
    const number = Number.isSafeInteger(counter) ? String(counter) : JSON.stringify(counter);
    const id = quoted(replica);
    ascii &&= id.ascii;
    out += `${out.length > 1 ? ',' : ''}${id.json}:${number}`;
  }
  return { json: `${out}}`, ascii };
}

/** In place, by UTF-16 code units (as Array#sort does for strings); vectors hold a handful of replicas. */
function sortStrings(keys: string[]): void {
  for (let i = 1; i < keys.length; i++) {
    const key = keys[i] as string;
    let j = i - 1;
    for (; j >= 0 && (keys[j] as string) > key; j--) keys[j + 1] = keys[j] as string;
    keys[j + 1] = key;
  }
}

/** True when every UTF-16 unit of `text` is ASCII (so its UTF-8 bytes are its characters). */
function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0x7f) return false;
  return true;
}

/** Replica ids as JSON strings, and whether that is ASCII; a process knows few replicas, so they are remembered (up to a bound). */
const quotedIds = new Map<string, { json: string; ascii: boolean }>();
function quoted(replica: string): { json: string; ascii: boolean } {
  let id = quotedIds.get(replica);
  if (id === undefined) {
    if (quotedIds.size >= 1024) quotedIds.clear();
    const json = JSON.stringify(replica);
    id = { json, ascii: isAscii(json) };
    quotedIds.set(replica, id);
  }
  return id;
}

function fromBase64Url(data: string): string {
  if (!/^[A-Za-z0-9_-]*$/.test(data)) throw new InvalidVersionToken('not base64url');
  const binary = atob(data.replaceAll('-', '+').replaceAll('_', '/'));
  const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
  return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
}

/** The token for `vector`; equal vectors give equal tokens. */
export function encodeVersion(vector: VersionVector): string {
  const { json, ascii } = canonicalJson(vector);
  return prefix + toBase64Url(json, ascii);
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
