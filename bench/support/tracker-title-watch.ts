// Waits for particular summaries to appear on Jira simulator issues: "OPS-7 is now titled X". The
// arrival time is the issue's own `updatedMs`, stamped by the simulator as the edit was applied,
// so how often the watch looks only decides when a waiter wakes, never the latency it reports.
import type { JiraSimulator } from '#simulators/jira/simulator.ts';

/** How often the watch looks at the awaited issues. */
const SCAN_EVERY_MS = 5;

/** When an awaited summary was found. */
export interface SummaryArrival {
  /** The simulator's stamp of the edit that set it (ms since the epoch). */
  readonly updatedMs: number;
  /** When the watch saw it; `updatedMs` is never later than this in a sane run. */
  readonly seenAtMs: number;
}

/** Summaries awaited by issue key. */
export interface SummaryWatch {
  /** The moment `key` got `summary`; undefined when it did not within `timeoutMs`. */
  expect(key: string, summary: string, timeoutMs: number): Promise<SummaryArrival | undefined>;
  /** Stops looking; whoever still waits gets undefined. */
  stop(): void;
}

interface Waiter {
  readonly key: string;
  readonly summary: string;
  readonly deadline: number;
  readonly resolve: (arrival: SummaryArrival | undefined) => void;
}

/** Watches the issues of `jira` from now on. */
export function watchSummaries(jira: JiraSimulator): SummaryWatch {
  const waiters = new Set<Waiter>();

  function scan(): void {
    const now = Date.now();
    for (const waiter of waiters) {
      const issue = jira.issue(waiter.key);
      if (issue?.summary === waiter.summary) {
        waiters.delete(waiter);
        waiter.resolve({ updatedMs: issue.updatedMs, seenAtMs: now });
      } else if (now > waiter.deadline) {
        waiters.delete(waiter);
        waiter.resolve(undefined);
      }
    }
  }

  const scanner = setInterval(scan, SCAN_EVERY_MS);

  return {
    expect(key, summary, timeoutMs) {
      return new Promise((resolve) => waiters.add({ key, summary, deadline: Date.now() + timeoutMs, resolve }));
    },
    stop() {
      clearInterval(scanner);
      for (const waiter of waiters) waiter.resolve(undefined);
      waiters.clear();
    },
  };
}
