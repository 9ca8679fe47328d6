// Capacity by ramping an open-loop load: each step offers a fixed rate for a few seconds, and the
// rate grows until p99 passes the limit or anything is lost; a failed step is offered once more
// before it counts (a shared 2-core machine has stalls that are not the system's), and one more
// step between the last good rate and the first bad one narrows it. Capacity is the highest rate that passed; the latency a
// system shows at half of it is what it feels like with headroom.
import { setTimeout as sleep } from 'node:timers/promises';
import { summarize, type LatencySummary } from './latency.ts';

/** What one step saw: a latency per change that arrived, and how many did not. */
export interface StepOutcome {
  readonly latencies: readonly number[];
  /** Changes refused at the door or never delivered within the arrival limit. */
  readonly lost: number;
  /** CPU time this process spent per offered change (user + system), ms. */
  readonly cpuMsPerChange: number;
}

/** One offered rate and how it went. */
export interface RampStep {
  readonly perSecond: number;
  readonly count: number;
  readonly latency: LatencySummary;
  readonly lost: number;
  readonly cpuMsPerChange: number;
  readonly passed: boolean;
}

export interface RampResult {
  readonly steps: readonly RampStep[];
  /** The highest offered rate that passed; 0 when even the first failed. */
  readonly capacity: number;
  /** A run at half the capacity (at the first rate when nothing passed). */
  readonly half: RampStep;
}

export interface RampOptions {
  /** The p99 (ms) a step may not pass. */
  readonly p99LimitMs: number;
  readonly startPerSecond: number;
  readonly factor: number;
  readonly maxPerSecond: number;
  /** How long each step offers its rate, s. */
  readonly stepSeconds: number;
  /** Fewest changes in a step, so a p99 means something at low rates. */
  readonly minCount: number;
  /** Pause between steps, so a failed step's backlog does not land on the next one. */
  readonly settleMs: number;
}

export const defaultRamp: RampOptions = {
  p99LimitMs: 250,
  startPerSecond: 10,
  factor: 1.5,
  maxPerSecond: 3000,
  stepSeconds: 5,
  minCount: 100,
  settleMs: 1500,
};

/** Runs `offer(perSecond, count, step)` at growing rates, then once at half the capacity found. */
export async function rampLoad(
  offer: (perSecond: number, count: number, step: number) => Promise<StepOutcome>,
  options: RampOptions = defaultRamp,
): Promise<RampResult> {
  const steps: RampStep[] = [];
  const once = async (perSecond: number): Promise<RampStep> => {
    const rate = Math.max(1, Math.round(perSecond));
    const count = Math.max(options.minCount, Math.round(rate * options.stepSeconds));
    const outcome = await offer(rate, count, steps.length);
    const latency = summarize(outcome.latencies);
    const passed = outcome.lost === 0 && latency.p99 <= options.p99LimitMs;
    const step = { perSecond: rate, count, latency, lost: outcome.lost, cpuMsPerChange: outcome.cpuMsPerChange, passed };
    steps.push(step);
    // Progress on stderr, so a long ramp shows where it is without touching the figures on stdout.
    console.error(`  ramp ${rate}/s: p99 ${latency.p99.toFixed(0)} ms, ${outcome.lost} lost, ${step.passed ? 'ok' : 'FAIL'}`);
    await sleep(options.settleMs);
    return step;
  };
  const run = async (perSecond: number): Promise<RampStep> => {
    const step = await once(perSecond);
    return step.passed ? step : once(perSecond);
  };

  let good = 0;
  let bad: number | undefined;
  for (let rate = options.startPerSecond; rate <= options.maxPerSecond; rate *= options.factor) {
    const step = await run(rate);
    if (!step.passed) {
      bad = step.perSecond;
      break;
    }
    good = step.perSecond;
  }
  if (bad !== undefined && good > 0) {
    const between = await run(Math.sqrt(good * bad));
    if (between.passed) good = between.perSecond;
  }
  const half = await once(good > 0 ? good / 2 : options.startPerSecond);
  steps.pop();
  return { steps, capacity: good, half };
}

/** `10/s ok p99 40 ms, 15/s ok ..., 34/s p99 412 ms` for a figure's detail. */
export function describeRamp(result: RampResult): string {
  return result.steps
    .map((step) => `${step.perSecond}/s ${step.passed ? 'ok' : 'FAIL'} p99 ${step.latency.p99.toFixed(0)} ms${step.lost > 0 ? ` lost ${step.lost}` : ''}`)
    .join(', ');
}
