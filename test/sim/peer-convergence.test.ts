// Peer convergence simulation: 2-3 fully peered hubs running the real domain code on twin tickets,
// random local edits, Jira edits on hub 0, reviewer resolutions, and state messages delivered
// once, twice, reordered, dropped (then sent again) or with their acknowledgement lost, under
// random strategies per hub. fast-check shrinks any failure to a minimal schedule.
// PEER_SIM_SEED, PEER_SIM_RUNS and PEER_SIM_STEPS override the seed, run count and schedule length.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { conflictStrategies } from '#domain/conflict/conflict.ts';
import { PeerWorld, type HubSetup, type PeerStep } from './peer-world.ts';
import { fieldValues, simSettings, simulationTimeoutMs } from './settings.ts';
import { simFields, type SimField } from './world.ts';

const { seed, numRuns, maxSteps } = simSettings('PEER_SIM', { seed: 20260301, runs: 2_000, steps: 40 });
// Whole descriptions: peers exchange states, not three-way text merges.
const values: Record<SimField, fc.Arbitrary<unknown>> = { ...fieldValues, description: fc.constantFrom('l1\nl2\nl3', 'L1\nl2\nl3', 'l1\nl2\nL3') };
const fieldValue = fc.constantFrom(...simFields).chain((field) => values[field].map((value) => ({ field, value: value as never })));
const dt = fc.integer({ min: 1, max: 40 });
const hub = fc.nat({ max: 2 });

const step: fc.Arbitrary<PeerStep> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ t: fc.constant('local' as const), hub, fv: fieldValue, dt }).map(({ fv, ...s }) => ({ ...s, ...fv })) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('jira' as const), fv: fieldValue, dt }).map(({ fv, ...s }) => ({ ...s, ...fv })) },
  { weight: 4, arbitrary: fc.record({ t: fc.constant('send' as const), hub, to: fc.nat({ max: 1 }), dt }) },
  {
    weight: 5,
    arbitrary: fc.record({
      t: fc.constant('deliver' as const), hub, to: fc.nat({ max: 1 }), pick: fc.nat(),
      mode: fc.constantFrom('once' as const, 'once' as const, 'dup' as const, 'drop' as const, 'lost_ack' as const), dt,
    }),
  },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('resolve' as const), hub, pick: fc.nat(), choice: fc.nat(), dt }) },
);
const strategy = fc.constantFrom(...conflictStrategies);
const hubSetup: fc.Arbitrary<HubSetup> = fc.record({
  strategy,
  fieldStrategies: fc.dictionary(fc.constantFrom(...simFields), strategy, { maxKeys: 2 }) as fc.Arbitrary<HubSetup['fieldStrategies']>,
  skewMs: fc.integer({ min: -30, max: 30 }),
});
const scenario = fc.record({ hubs: fc.array(hubSetup, { minLength: 2, maxLength: 3 }), steps: fc.array(step, { minLength: 4, maxLength: maxSteps, size: 'max' }) });

/** Runs one schedule and checks the properties; throws (with a reason) on a violation. */
function check({ hubs, steps }: { hubs: HubSetup[]; steps: PeerStep[] }): void {
  const world = new PeerWorld(hubs);
  for (const s of steps) world.run(s);
  if (!world.quiesce()) throw new Error('no quiescence: peers keep sending (ping-pong)');
  const divergent = world.divergent();
  if (divergent.length > 0) throw new Error(`diverged: ${divergent.join('; ')}`);

  // replaying any delivered state changes nothing
  const settled = world.state();
  for (const { to, from, state } of [...world.delivered]) {
    world.receive(to, from, state);
    if (world.state() !== settled) throw new Error(`replaying a state from hub${from} on hub${to} changed it`);
  }
  // reviewers settle what is left, each time on one hub only; the twins close by themselves
  for (let round = 0; round < 6 && world.openConflicts().length > 0; round++) {
    const first = world.openConflicts()[0];
    for (const { hub: at, conflict } of world.openConflicts()) {
      if (at === first?.hub && conflict.isOpen()) world.resolve(at, conflict, conflict.candidates[0]?.value ?? null);
    }
    if (!world.quiesce()) throw new Error('no quiescence after resolving conflicts');
  }
  const open = world.openConflicts();
  if (open.length > 0) throw new Error(`conflicts left open: ${open.map((o) => `${o.conflict.field}@hub${o.hub}`).join(', ')}`);
  const after = world.divergent();
  if (after.length > 0) throw new Error(`diverged after resolution: ${after.join('; ')}`);
  const registers = world.hubs.map((h) => JSON.stringify(simFields.map((f) => h.ticket.registers[f])));
  if (new Set(registers).size > 1) throw new Error('registers differ between hubs after quiescence');

  if (world.losses.length > 0) throw new Error(`lost edits: ${world.losses.join('; ')}`);
  const unaccounted = world.unaccounted();
  if (unaccounted.length > 0) throw new Error(`edits not accounted for: ${unaccounted.join(', ')}`);
  for (const candidates of world.detected) {
    if (new Set(candidates.map((c) => JSON.stringify(c.value))).size < 2) throw new Error('conflict between equal values');
  }
  // no ping-pong: every change costs each link a bounded number of states (a crossing costs one more)
  for (const { from, to, link } of world.links()) {
    const bound = 2 * world.userChanges + link.failed + 1;
    if (link.sent > bound) throw new Error(`ping-pong: ${link.sent} states hub${from}->hub${to} for ${world.userChanges} changes`);
  }
}

describe('peer convergence simulation', () => {
  it(`converges without loops or lost edits over ${numRuns} seeded schedules`, () => {
    fc.assert(fc.property(scenario, (s) => check(s)), { seed, numRuns });
  }, simulationTimeoutMs);

  it('the lost-edit check notices a hub that takes a peer write over one it never saw', () => {
    const world = new PeerWorld([{ skewMs: 0, strategy: 'manual', fieldStrategies: {} }, { skewMs: 0, strategy: 'manual', fieldStrategies: {} }]);
    world.run({ t: 'local', hub: 0, field: 'title', value: 'beta', dt: 1 });
    world.run({ t: 'local', hub: 1, field: 'title', value: 'gamma', dt: 1 });
    world.send(0, 1);
    // Forge a state that claims hub 0 had seen hub 1's write: hub 1 drops its own value.
    const link = world.hubs[0]?.links.get(1);
    const message = link?.queue[0]?.state;
    if (!message) throw new Error('nothing sent');
    world.receive(1, 0, { ...message, context: { ...message.context, 'hub:00000001': 99 } });
    expect(world.losses.join()).toMatch(/title@hub1/);
  });
});
