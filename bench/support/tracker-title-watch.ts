// Waits for particular titles to appear on simulator items: "OPS-7 is now titled X". The arrival
// time is the item's own change stamp, set by the simulator as the edit was applied, so how often
// the watch looks only decides when a waiter wakes, never the latency it reports.
import type { TrackerSimulator } from './tracker-driver.ts';

/** How often the watch looks at the awaited items. */
const SCAN_EVERY_MS = 5;

/** When an awaited title was found. */
export interface TitleArrival {
  /** The simulator's stamp of the edit that set it (ms since the epoch). */
  readonly updatedMs: number;
  /** When the watch saw it; `updatedMs` is never later than this in a sane run. */
  readonly seenAtMs: number;
}

/** Titles awaited by externalId. */
export interface TitleWatch {
  /** The moment `externalId` got `title`; undefined when it did not within `timeoutMs`. */
  expect(externalId: string, title: string, timeoutMs: number): Promise<TitleArrival | undefined>;
  /** Stops looking; whoever still waits gets undefined. */
  stop(): void;
}

interface Waiter {
  readonly externalId: string;
  readonly title: string;
  readonly deadline: number;
  readonly resolve: (arrival: TitleArrival | undefined) => void;
}

/** Watches the items of `simulator` from now on. */
export function watchTitles(simulator: TrackerSimulator): TitleWatch {
  const waiters = new Set<Waiter>();

  function scan(): void {
    const now = Date.now();
    for (const waiter of waiters) {
      const item = simulator.titleOf(waiter.externalId);
      if (item?.title === waiter.title) {
        waiters.delete(waiter);
        waiter.resolve({ updatedMs: item.changedMs, seenAtMs: now });
      } else if (now > waiter.deadline) {
        waiters.delete(waiter);
        waiter.resolve(undefined);
      }
    }
  }

  const scanner = setInterval(scan, SCAN_EVERY_MS);

  return {
    expect(externalId, title, timeoutMs) {
      return new Promise((resolve) => waiters.add({ externalId, title, deadline: Date.now() + timeoutMs, resolve }));
    },
    stop() {
      clearInterval(scanner);
      for (const waiter of waiters) waiter.resolve(undefined);
      waiters.clear();
    },
  };
}
