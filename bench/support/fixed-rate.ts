// An open-loop load: `count` operations started at a fixed rate whether or not the earlier ones
// have finished, so a slow system meets the same offered load as a fast one instead of being
// asked less (a closed loop would hide exactly the queueing a latency figure is meant to show).
import { setTimeout as sleep } from 'node:timers/promises';
import { summarize, type LatencySummary } from './latency.ts';

/** What one paced run produced. */
export interface PacedRun<T> {
  /** Each operation's result, in start order. */
  readonly results: readonly T[];
  /** How late (ms) each operation started against its slot; timer jitter, or a blocked event loop. */
  readonly lateness: LatencySummary;
}

/** The load: `count` operations, `perSecond` of them each second. */
export interface FixedRate {
  readonly count: number;
  readonly perSecond: number;
}

/**
 * Starts `operate(0)`, `operate(1)`... one every `1000 / perSecond` ms and resolves once all have
 * settled. A rejection is rethrown only then, so nothing is still running when the caller cleans up.
 */
export async function runAtFixedRate<T>(rate: FixedRate, operate: (index: number) => Promise<T>): Promise<PacedRun<T>> {
  const interval = 1000 / rate.perSecond;
  const start = performance.now();
  const running: Array<Promise<T>> = [];
  const late: number[] = [];
  for (let index = 0; index < rate.count; index += 1) {
    const due = start + index * interval;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    late.push(performance.now() - due);
    running.push(operate(index));
  }
  const settled = await Promise.allSettled(running);
  const results: T[] = [];
  for (const outcome of settled) {
    if (outcome.status === 'rejected') throw outcome.reason;
    results.push(outcome.value);
  }
  return { results, lateness: summarize(late) };
}
