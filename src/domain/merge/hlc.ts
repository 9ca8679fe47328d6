// Hybrid logical clock, as pure functions. Causality between writes comes from version vectors;
// the HLC only orders writes that are causally concurrent (`newest_wins`) and stamps origins
// with a time that is close to wall-clock yet never goes backwards on one ticket, even when the
// machine clock does. Ties are broken by node (replica) id, so every replica picks the same winner.

import type { ReplicaId } from './version-vector.ts';

/** A timestamp: wall-clock milliseconds, a logical counter within that millisecond, the issuer. */
export interface Hlc {
  readonly wall: number;
  readonly logical: number;
  readonly node: ReplicaId;
}

/** How far ahead of local time a remote timestamp may pull this clock (a clock far ahead does not drag ours). */
export const maxClockDriftMs = 5 * 60_000;

/** `remote` with its wall time held to at most `maxClockDriftMs` past `nowMs`. */
export function boundedRemote(remote: Hlc, nowMs: number): Hlc {
  const limit = nowMs + maxClockDriftMs;
  return remote.wall > limit ? { wall: limit, logical: 0, node: remote.node } : remote;
}

/** The clock before any event, for `node`. */
export function initialHlc(node: ReplicaId): Hlc {
  return { wall: 0, logical: 0, node };
}

/** A local event at `nowMs`: strictly after `last`, issued by `node` (defaults to last.node). */
export function tick(last: Hlc, nowMs: number, node: ReplicaId = last.node): Hlc {
  if (nowMs > last.wall) return { wall: nowMs, logical: 0, node };
  return { wall: last.wall, logical: last.logical + 1, node };
}

/** Receiving `remote` at `nowMs`: strictly after both `last` and `remote` (held to the drift bound). */
export function receive(last: Hlc, received: Hlc, nowMs: number, node: ReplicaId = last.node): Hlc {
  const remote = boundedRemote(received, nowMs);
  const wall = Math.max(last.wall, remote.wall, nowMs);
  let logical = 0;
  if (wall === last.wall && wall === remote.wall) logical = Math.max(last.logical, remote.logical) + 1;
  else if (wall === last.wall) logical = last.logical + 1;
  else if (wall === remote.wall) logical = remote.logical + 1;
  return { wall, logical, node };
}

/** Total order: wall, then logical, then node id. Negative when a < b. */
export function compareHlc(a: Hlc, b: Hlc): number {
  if (a.wall !== b.wall) return a.wall < b.wall ? -1 : 1;
  if (a.logical !== b.logical) return a.logical < b.logical ? -1 : 1;
  if (a.node === b.node) return 0;
  return a.node < b.node ? -1 : 1;
}

/** The later of two timestamps by `compareHlc`. */
export function maxHlc(a: Hlc, b: Hlc): Hlc {
  return compareHlc(a, b) >= 0 ? a : b;
}

const dayMs = 86_400_000;
/** The last day rendered, as `YYYY-MM-DDT`: events of one ticket cluster in time. */
let cachedDay = Number.NaN;
let cachedDayPrefix = '';

/** '00'..'59' and '000'..'999', so a stamp is a few lookups and one concatenation. */
const twoDigits = Array.from({ length: 60 }, (_, n) => String(n).padStart(2, '0'));
const threeDigits = Array.from({ length: 1000 }, (_, n) => String(n).padStart(3, '0'));

/** ISO-8601 rendering of the wall-clock part (for events and GraphQL); the same text as Date#toISOString. */
export function hlcToIso(hlc: Hlc): string {
  const wall = hlc.wall;
  // Years 0000-9999 only; outside them (and for fractions) toISOString's own form applies.
  if (!Number.isInteger(wall) || wall < -62_167_219_200_000 || wall >= 253_402_300_800_000) return new Date(wall).toISOString();
  const day = Math.floor(wall / dayMs);
  if (day !== cachedDay) {
    cachedDayPrefix = new Date(day * dayMs).toISOString().slice(0, 11);
    cachedDay = day;
  }
  const inDay = wall - day * dayMs;
  const ms = inDay % 1000;
  const seconds = Math.floor(inDay / 1000);
  const hours = twoDigits[Math.floor(seconds / 3600)] as string;
  const minutes = twoDigits[Math.floor(seconds / 60) % 60] as string;
  return `${cachedDayPrefix}${hours}:${minutes}:${twoDigits[seconds % 60] as string}.${threeDigits[ms] as string}Z`;
}
