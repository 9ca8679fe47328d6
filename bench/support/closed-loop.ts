// A closed-loop load: `concurrency` senders, each starting its next operation as soon as its last
// one was answered, so the system is offered as much as it can take with that many requests in
// flight (its capacity at that concurrency). The counterpart of fixed-rate.ts, which offers a set
// rate whatever the answers do; use this one for "as fast as possible", that one for latency.

/** What one closed-loop run produced. */
export interface ClosedLoopRun<T> {
  /** Each operation's result, by index. */
  readonly results: readonly T[];
  /** From the first start to the last answer. */
  readonly ms: number;
}

/**
 * Runs `operate(0)` ... `operate(count - 1)` in index order with at most `concurrency` in flight.
 * A rejection is rethrown once every sender has stopped, so nothing runs when the caller cleans up.
 */
export async function runClosedLoop<T>(count: number, concurrency: number, operate: (index: number) => Promise<T>): Promise<ClosedLoopRun<T>> {
  const results: T[] = [];
  let next = 0;
  let failure: { error: unknown } | undefined;
  const sender = async () => {
    while (next < count && !failure) {
      const index = next;
      next += 1;
      try {
        results[index] = await operate(index);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  const start = performance.now();
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, sender));
  const ms = performance.now() - start;
  if (failure) throw failure.error;
  return { results, ms };
}
