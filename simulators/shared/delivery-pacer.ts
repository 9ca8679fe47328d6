// What every simulator's webhook sender does the same way: POST a delivery and record the status
// answered, and pace deliveries (now or after a delay, twice when duplicating), tracked until
// answered so tests can wait for them to settle. The vendor-specific part (headers, signatures,
// bodies, holding and releasing) stays in each simulator's webhooks.ts.

/** POSTs `body` to `url` and records the status (0 when no answer came) in `statuses`. */
export async function postDelivery(url: string, headers: Record<string, string>, body: string, statuses: number[]): Promise<void> {
  try {
    const response = await fetch(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(10_000) });
    await response.arrayBuffer();
    statuses.push(response.status);
  } catch {
    statuses.push(0);
  }
}

/** Paces and tracks deliveries. */
export interface DeliveryPacer {
  /** Runs `send` now, or after `delayMs`; `times` sends for a duplicate. */
  dispatch(send: () => Promise<unknown>, options: { readonly delayMs?: number; readonly duplicate?: boolean }): void;
  /** Resolves when every dispatched delivery has been answered. */
  settled(): Promise<void>;
  /** Drops delayed deliveries not yet sent. */
  stop(): void;
  readonly stopped: boolean;
}

/** A pacer with nothing in flight. */
export function createDeliveryPacer(): DeliveryPacer {
  const pending = new Set<Promise<void>>();
  const timers = new Set<NodeJS.Timeout>();
  let stopped = false;

  function track(work: Promise<void>): void {
    pending.add(work);
    void work.finally(() => pending.delete(work));
  }

  return {
    dispatch(send, options) {
      const times = options.duplicate ? 2 : 1;
      const run = async (): Promise<void> => {
        for (let i = 0; i < times; i += 1) await send();
      };
      const delay = options.delayMs ?? 0;
      if (delay <= 0) return track(run());
      track(
        new Promise<void>((resolve) => {
          const timer = setTimeout(() => {
            timers.delete(timer);
            void run().then(resolve);
          }, delay);
          timers.add(timer);
        }),
      );
    },
    async settled() {
      while (pending.size > 0) await Promise.all([...pending]);
    },
    stop() {
      stopped = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
    },
    get stopped() {
      return stopped;
    },
  };
}
