// The simulated world of the convergence suite: one hub (the real domain code: Ticket, SyncMapping,
// applyExternalReport, startPushes) and 1-4 external replicas that are plain in-memory stores
// without conditional writes (like Jira or GitHub: a write always lands), so the hub reads a side
// before writing to it, as the push worker does (precondition.ts). The
// world runs a schedule of steps and keeps the ground truth the properties are checked against:
// which edits each replica's current value accounts for, every delivery the hub processed (to
// replay), and how many pushes landed on each side.

import type { Conflict, ConflictStrategy } from '#domain/conflict/conflict.ts';
import { FieldHeldByConflict } from '#domain/errors.ts';
import type { JsonValue } from '#domain/json.ts';
import { applyExternalReport } from '#domain/sync/apply-external.ts';
import type { ClassifyOptions, ExternalReport } from '#domain/sync/classify.ts';
import { SyncMapping } from '#domain/sync/mapping.ts';
import type { ProjectPolicy } from '#domain/sync/policy.ts';
import { movedSinceBase, writePrecondition } from '#domain/sync/precondition.ts';
import { startPushes } from '#domain/sync/push-plan.ts';
import { Ticket, type WriteContext } from '#domain/ticket/ticket.ts';
import type { MirroredField } from '#domain/ticket/fields.ts';

export const simFields = ['title', 'description', 'status', 'priority', 'assignee', 'labels'] as const satisfies readonly MirroredField[];
export type SimField = (typeof simFields)[number];

export type PushOutcome = 'ok' | 'fail' | 'lost_ack';

/** The classifier's test-only switches, plus `readBeforeWrite: false` to write without the precondition check. */
export interface WorldOptions extends ClassifyOptions {
  readonly readBeforeWrite?: boolean;
}

/** One step of a schedule; `pick`/`choice` index into whatever exists when the step runs. */
export type Step =
  | { readonly t: 'local'; readonly field: SimField; readonly value: JsonValue; readonly stale: number | null; readonly dt: number }
  | { readonly t: 'external'; readonly side: number; readonly field: SimField; readonly value: JsonValue; readonly dt: number }
  | { readonly t: 'deliver'; readonly side: number; readonly pick: number; readonly mode: 'once' | 'dup' | 'drop'; readonly dt: number }
  | { readonly t: 'push'; readonly side: number; readonly outcomes: readonly PushOutcome[]; readonly dt: number }
  | { readonly t: 'reconcile'; readonly side: number; readonly dt: number }
  | { readonly t: 'resolve'; readonly pick: number; readonly choice: number; readonly dt: number };

export interface SideSetup {
  readonly strategy: ConflictStrategy;
  readonly fieldStrategies: Partial<Record<SimField, ConflictStrategy>>;
  readonly skewMs: number;
}

interface Delivery {
  readonly report: ExternalReport;
  readonly knows: ReadonlySet<number>;
}

interface Side {
  readonly policy: ProjectPolicy;
  readonly mapping: SyncMapping;
  readonly skewMs: number;
  readonly store: Record<SimField, { value: JsonValue; key: number }>;
  readonly knows: Record<SimField, Set<number>>;
  readonly queue: Delivery[];
  clock: number;
  pushesLanded: number;
}

const initial = { title: 'alpha', status: 'open', priority: 'p3', assignee: null, labels: ['x'], description: 'l1\nl2\nl3' } as const;

/** The hub, its sides, and the ground truth of one simulated run. */
export class World {
  readonly ticket: Ticket;
  readonly sides: Side[];
  readonly conflicts: Conflict[] = [];
  /** The candidates of every conflict as they were when it was detected. */
  readonly detected: Array<Conflict['candidates']> = [];
  readonly hubKnows: Record<SimField, Set<number>>;
  readonly edits: Array<{ id: number; field: SimField }> = [];
  readonly processed: Array<{ side: number; report: ExternalReport }> = [];
  readonly versions: string[] = [];
  userChanges = 0;
  now = 1_000_000;
  private ids = 0;
  private readonly options: WorldOptions;

  constructor(setups: readonly SideSetup[], options: WorldOptions = {}) {
    this.options = options;
    this.ticket = Ticket.create({ ...initial, labels: [...initial.labels] }, this.hub()).ticket;
    this.hubKnows = emptyKnowledge();
    this.versions.push(this.ticket.version);
    this.sides = setups.map((setup, i) => {
      const projectId = `p${i}`;
      const policy: ProjectPolicy = {
        projectId, direction: 'bidirectional', allowsShareable: true, mappedFields: simFields,
        defaultStrategy: setup.strategy, fieldStrategies: setup.fieldStrategies,
      };
      const mapping = SyncMapping.link({ id: `m${i}`, ticket: this.ticket, projectId, externalId: `X-${i}`, fields: simFields, nowMs: this.now, orderingKey: 0 });
      const store = Object.fromEntries(simFields.map((f) => [f, { value: this.ticket.fieldValue(f), key: 0 }])) as Side['store'];
      return { policy, mapping, skewMs: setup.skewMs, store, knows: emptyKnowledge(), queue: [], clock: 0, pushesLanded: 0 };
    });
  }

  hub(): WriteContext {
    return { replica: 'hub', actor: 'user', nowMs: this.now, newId: () => `c${++this.ids}` };
  }

  openConflicts(): Conflict[] {
    return this.conflicts.filter((c) => c.isOpen());
  }

  run(step: Step): void {
    this.now += step.dt;
    switch (step.t) {
      case 'local':
        return this.localEdit(step.field, step.value, step.stale);
      case 'external':
        return this.externalEdit(this.sideAt(step.side), step.field, step.value);
      case 'deliver':
        return this.deliver(step.side % this.sides.length, step.pick, step.mode);
      case 'push':
        this.push(step.side % this.sides.length, step.outcomes);
        return;
      case 'reconcile':
        return this.reconcile(step.side % this.sides.length);
      case 'resolve': {
        const open = this.openConflicts();
        const conflict = open[step.pick % Math.max(open.length, 1)];
        if (!conflict) return;
        const candidate = conflict.candidates[step.choice % conflict.candidates.length];
        if (candidate) this.resolve(conflict, candidate.value);
        return;
      }
      default:
        return step satisfies never;
    }
  }

  resolve(conflict: Conflict, value: JsonValue): void {
    this.ticket.resolveConflict(conflict, value, { replica: 'hub', actor: 'reviewer', nowMs: this.now });
    this.userChanges += 1;
    this.versions.push(this.ticket.version);
  }

  private record(conflicts: readonly Conflict[]): void {
    for (const conflict of conflicts) {
      if (this.conflicts.includes(conflict)) continue;
      this.conflicts.push(conflict);
      this.detected.push([...conflict.candidates]);
    }
  }

  private sideAt(index: number): Side {
    return this.sides[index % this.sides.length] as Side;
  }

  private localEdit(field: SimField, value: JsonValue, stale: number | null): void {
    const expectedVersion = stale === null ? undefined : this.versions[stale % this.versions.length];
    try {
      const ctx = { ...this.hub(), ...(expectedVersion ? { expectedVersion } : {}) };
      const { events, conflicts } = this.ticket.edit({ [field]: value }, ctx);
      this.record(conflicts);
      if (events.length === 0) return;
    } catch (error) {
      if (error instanceof FieldHeldByConflict) return;
      throw error;
    }
    const id = this.edits.push({ id: this.edits.length, field }) - 1;
    this.hubKnows[field].add(id);
    this.userChanges += 1;
    this.versions.push(this.ticket.version);
  }

  private externalEdit(side: Side, field: SimField, value: JsonValue): void {
    if (JSON.stringify(side.store[field].value) === JSON.stringify(value)) return;
    const id = this.edits.push({ id: this.edits.length, field }) - 1;
    side.knows[field].add(id);
    this.userChanges += 1;
    this.write(side, field, value);
  }

  /** The side's store changes (a user edit or a landed push) and it sends a webhook. */
  private write(side: Side, field: SimField, value: JsonValue): number {
    const key = ++side.clock;
    side.store[field] = { value, key };
    const report = { field, value, orderingKey: key, observedAtMs: this.now + side.skewMs };
    side.queue.push({ report, knows: new Set(side.knows[field]) });
    return key;
  }

  private deliver(index: number, pick: number, mode: 'once' | 'dup' | 'drop'): void {
    const side = this.sides[index] as Side;
    if (side.queue.length === 0) return;
    const at = pick % side.queue.length;
    const delivery = side.queue[at] as Delivery;
    if (mode !== 'dup') side.queue.splice(at, 1);
    if (mode !== 'drop') this.receive(index, delivery);
  }

  /** The hub processes one report from side `index` (webhook, duplicate, or reconcile read). */
  receive(index: number, delivery: Delivery): void {
    const side = this.sides[index] as Side;
    const ctx = { hub: 'hub', nowMs: this.now, newId: () => `c${++this.ids}`, openConflicts: this.openConflicts() };
    const result = applyExternalReport(this.ticket, side.mapping, side.policy, delivery.report, ctx, this.options);
    if (result.conflict) this.record([result.conflict]);
    if (result.kind !== 'stale' && result.kind !== 'ignored') {
      for (const id of delivery.knows) this.hubKnows[delivery.report.field as SimField].add(id);
    }
    this.processed.push({ side: index, report: delivery.report });
    this.versions.push(this.ticket.version);
  }

  push(index: number, outcomes: readonly PushOutcome[]): number {
    const side = this.sides[index] as Side;
    const plan = startPushes(this.ticket, side.mapping, side.policy);
    if (plan.length === 0) return 0;
    if (this.options.readBeforeWrite ?? true) {
      // The side holds a change the hub has not seen: the push gives way, and what was read is
      // applied as a report (the field's strategy decides); the next round plans again.
      const current = Object.fromEntries(simFields.map((field) => [field, side.store[field].value]));
      if (movedSinceBase(writePrecondition(side.mapping, plan), plan, current).length > 0) {
        for (const push of plan) side.mapping.recordPushFailed(push.field);
        this.reconcile(index);
        return 0;
      }
      // The read saw each field at its base: whatever the side did to it since (A-B-A) nets out,
      // and the hub has now observed that state.
      for (const push of plan) for (const id of side.knows[push.field as SimField]) this.hubKnows[push.field as SimField].add(id);
    }
    let landed = 0;
    plan.forEach((push, i) => {
      const field = push.field as SimField;
      const outcome = outcomes[i % Math.max(outcomes.length, 1)] ?? 'ok';
      if (outcome === 'fail') {
        side.mapping.recordPushFailed(field);
        return;
      }
      if (JSON.stringify(side.store[field].value) === JSON.stringify(push.value)) {
        // The side already holds the value (a person set it too): nothing changes there, both edits count.
        for (const id of this.hubKnows[field]) side.knows[field].add(id);
        if (outcome === 'ok') side.mapping.recordPushAcknowledged(field, side.store[field].key);
        return;
      }
      side.knows[field] = new Set(this.hubKnows[field]);
      const key = this.write(side, field, push.value);
      side.pushesLanded += 1;
      landed += 1;
      if (outcome === 'ok') side.mapping.recordPushAcknowledged(field, key);
    });
    return landed;
  }

  reconcile(index: number): void {
    const side = this.sides[index] as Side;
    for (const field of simFields) {
      const { value, key } = side.store[field];
      this.receive(index, { report: { field, value, orderingKey: key, observedAtMs: this.now + side.skewMs }, knows: new Set(side.knows[field]) });
    }
  }

  /** Delivers everything, reconciles and pushes until nothing moves; false if it never settles. */
  quiesce(maxRounds = 12): boolean {
    for (let round = 0; round < maxRounds; round++) {
      const before = this.ticket.version;
      let moved = 0;
      this.sides.forEach((side, i) => {
        for (const delivery of side.queue.splice(0)) this.receive(i, delivery);
        this.reconcile(i);
      });
      this.sides.forEach((_, i) => (moved += this.push(i, ['ok'])));
      if (moved === 0 && before === this.ticket.version && this.sides.every((s) => s.queue.length === 0)) return true;
    }
    return false;
  }

  /** The fields on which some side disagrees with the hub (held fields excluded). */
  divergent(): string[] {
    const out: string[] = [];
    for (const field of simFields) {
      if (this.ticket.isHeld(field)) continue;
      const hub = JSON.stringify(this.ticket.fieldValue(field));
      this.sides.forEach((side, i) => {
        if (JSON.stringify(side.store[field].value) !== hub) out.push(`${field}@p${i}: ${JSON.stringify(side.store[field].value)} != hub ${hub}`);
      });
    }
    return out;
  }

  /** Edits the hub's state does not account for. */
  lostEdits(): number[] {
    return this.edits.filter((e) => !this.hubKnows[e.field].has(e.id)).map((e) => e.id);
  }

  /** A JSON picture of everything replaying must not change. */
  state(): string {
    return JSON.stringify({ ticket: { ...this.ticket }, mappings: this.sides.map((s) => s.mapping.fields) });
  }
}

function emptyKnowledge(): Record<SimField, Set<number>> {
  return Object.fromEntries(simFields.map((f) => [f, new Set<number>()])) as Record<SimField, Set<number>>;
}
