// Group commit for a statement that every request makes (the webhook door's insert): requests that
// arrive while earlier statements are still in flight go together in the next one, so a burst costs
// one round trip and one commit per batch instead of one per request. A lone request waits for
// nothing but the end of the current event-loop turn.

/** How one request of a batch came out: its value, or the error that refused it alone. */
export type Settled<O> = { readonly ok: true; readonly value: O } | { readonly ok: false; readonly error: unknown };

export interface GroupCommitOptions<I> {
  /** Statements in flight at once; requests arriving meanwhile wait and go together. */
  readonly maxInFlight: number;
  /** At most this much weight in one batch (a batch always takes at least one request). */
  readonly maxWeight: number;
  /** The weight of one request (its bytes, say); 1 when not given. */
  readonly weigh?: (input: I) => number;
}

/**
 * Sends requests to `runBatch` in batches. `runBatch` answers each input in order; when it
 * throws, every request of that batch fails with its error.
 */
export function createGroupCommit<I, O>(
  runBatch: (inputs: readonly I[]) => Promise<readonly Settled<O>[]>,
  options: GroupCommitOptions<I>,
): (input: I) => Promise<O> {
  const weigh = options.weigh ?? (() => 1);
  const waiting: Array<{ input: I; resolve: (value: O) => void; reject: (error: unknown) => void }> = [];
  let inFlight = 0;
  let scheduled = false;

  const takeBatch = () => {
    let weight = 0;
    let count = 0;
    while (count < waiting.length) {
      const next = weigh((waiting[count] as (typeof waiting)[number]).input);
      if (count > 0 && weight + next > options.maxWeight) break;
      weight += next;
      count += 1;
    }
    return waiting.splice(0, count);
  };

  const send = (): void => {
    scheduled = false;
    while (inFlight < options.maxInFlight && waiting.length > 0) {
      const batch = takeBatch();
      inFlight += 1;
      void runBatch(batch.map((entry) => entry.input))
        .then(
          (outcomes) => {
            batch.forEach((entry, index) => {
              const outcome = outcomes[index];
              if (!outcome) entry.reject(new Error(`group commit: no outcome for request ${index} of ${batch.length}`));
              else if (outcome.ok) entry.resolve(outcome.value);
              else entry.reject(outcome.error);
            });
          },
          (error: unknown) => {
            for (const entry of batch) entry.reject(error);
          },
        )
        .finally(() => {
          inFlight -= 1;
          send();
        });
    }
  };

  return (input) =>
    new Promise<O>((resolve, reject) => {
      waiting.push({ input, resolve, reject });
      // Requests that arrive in the same turn (one socket read, several requests) share a batch.
      if (!scheduled && inFlight < options.maxInFlight) {
        scheduled = true;
        setImmediate(send);
      }
    });
}
