// The ids Lockstep chooses for what it creates in Linear. `issueCreate` and `commentCreate` accept a
// client-chosen id (UUID v4 format), so the id is derived from the push's delivery id, which stays
// the same across retries: a retry whose first attempt reached Linear (its answer lost) finds the
// issue under that id, and a create repeated anyway is refused as a duplicate, never a twin.

import { createHash } from 'node:crypto';

/** A UUID in v4 format derived from `parts` (SHA-256, version and variant bits set as v4 needs). */
export function chosenUuid(...parts: readonly string[]): string {
  const bytes = createHash('sha256').update(`lockstep\u0000${parts.join('\u0000')}`).digest().subarray(0, 16);
  bytes[6] = ((bytes[6] as number) & 0x0f) | 0x40;
  bytes[8] = ((bytes[8] as number) & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
