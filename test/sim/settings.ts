// What both convergence simulations share: run settings overridable from the environment, the
// timeout a CPU-bound property needs on a shared two-core machine, and the values fields take.
import fc from 'fast-check';
import type { SimField } from './world.ts';

/** Seed, run count and schedule length, each overridable as `<PREFIX>_SEED`, `_RUNS`, `_STEPS`. */
export function simSettings(prefix: string, defaults: { seed: number; runs: number; steps: number }) {
  const read = (name: string, fallback: number) => Number(process.env[`${prefix}_${name}`] ?? fallback);
  return { seed: read('SEED', defaults.seed), numRuns: read('RUNS', defaults.runs), maxSteps: read('STEPS', defaults.steps) };
}

/** CPU-bound: on two cores shared with the rest of the suite a run can take several times its solo time. */
export const simulationTimeoutMs = 300_000;

/** Small value sets, so that writers often collide and often agree. */
export const fieldValues: Record<SimField, fc.Arbitrary<unknown>> = {
  title: fc.constantFrom('alpha', 'beta', 'gamma', 'delta'),
  status: fc.constantFrom('open', 'blocked', 'resolved', 'closed'),
  priority: fc.constantFrom('p1', 'p2', 'p3'),
  assignee: fc.constantFrom(null, 'ann', 'bob'),
  labels: fc.subarray(['x', 'y', 'z']),
  description: fc.tuple(fc.constantFrom('l1', 'L1'), fc.constantFrom('l2', 'L2'), fc.constantFrom('l3', 'L3')).map((l) => l.join('\n')),
};
