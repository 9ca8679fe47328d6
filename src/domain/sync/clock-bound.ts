// Bounded clocks: a report dated in the future (a side's clock far ahead, or a forged delivery dated
// 2099) would make every later real report of its item look stale for ever. Reports dated beyond
// the skew bound are refused, naming the date; the item's next real report then applies.

import type { OrderingKey } from './policy.ts';

/** How far ahead of the hub's clock a side's clock may run. */
export const maxClockSkewMs = 5 * 60_000;

const isoInstant = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?/;

/** The instant an ordering key spells (ISO-8601 keys, with or without a `#tiebreak` suffix), or null. */
export function instantOfKey(key: OrderingKey): number | null {
  if (typeof key !== 'string') return null;
  const match = isoInstant.exec(key);
  if (!match) return null;
  const ms = Date.parse(match[0]);
  return Number.isNaN(ms) ? null : ms;
}

/** Why a report dated `observedAtMs` with `orderingKey` is beyond the bound at `nowMs`, or null when it is not. */
export function futureDated(report: { readonly observedAtMs: number; readonly orderingKey: OrderingKey }, nowMs: number, skewMs = maxClockSkewMs): string | null {
  const limit = nowMs + skewMs;
  const keyed = instantOfKey(report.orderingKey);
  const claimed = Math.max(report.observedAtMs, keyed ?? -Infinity);
  if (claimed <= limit) return null;
  const minutes = Math.round(skewMs / 60_000);
  return `dated ${new Date(claimed).toISOString()}, more than ${minutes} minutes ahead of Lockstep's clock: not applied`;
}
