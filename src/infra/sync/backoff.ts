// Retry timing for calls to external systems: exponential with full jitter, capped, and never
// sooner than the side asked (Retry-After).

/** How failed pushes are retried. */
export interface RetryPolicy {
  /** Attempts after which a push goes to the dead-letter state. */
  readonly maxAttempts: number;
  /** The first delay; doubled for each further attempt, capped at a minute. */
  readonly baseMs: number;
}

/** Milliseconds to wait before attempt `attempt + 1` (attempt counts from 1). */
export function backoffMs(policy: RetryPolicy, attempt: number, retryAfterMs?: number, random: () => number = Math.random): number {
  const ceiling = Math.min(60_000, policy.baseMs * 2 ** Math.max(0, attempt - 1));
  const jittered = Math.round(ceiling / 2 + (random() * ceiling) / 2);
  return Math.max(jittered, retryAfterMs ?? 0);
}
