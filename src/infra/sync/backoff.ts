// Retry timing for calls to external systems: exponential with full jitter, capped, and never
// sooner than the side asked (Retry-After).

/** Attempts after which a push goes to the dead-letter state. */
export const maxPushAttempts = 8;

/** Milliseconds to wait before attempt `attempt + 1` (attempt counts from 1). */
export function backoffMs(attempt: number, retryAfterMs?: number, random: () => number = Math.random): number {
  const ceiling = Math.min(60_000, 250 * 2 ** Math.max(0, attempt - 1));
  const jittered = Math.round(ceiling / 2 + (random() * ceiling) / 2);
  return Math.max(jittered, retryAfterMs ?? 0);
}
