// The simulated world of the peer convergence suite: 2-3 Lockstep hubs, fully peered, each running
// the real domain code on its twin of one ticket, plus a pull-only Jira-like project on hub 0 whose
// writes must travel on to the other hubs with their own dots. State messages sit in per-link
// queues; a schedule delivers them once, twice, late, not at all (the sender learns it failed and
// sends again) or with the acknowledgement lost. Ground truth for lost edits: every write's dot is
// mapped to the user edits the writer had seen (`knows`), so a value that disappears from a hub is
// checked against the values that replaced it.

import type { Conflict, ConflictStrategy } from '#domain/conflict/conflict.ts';
import type { JsonValue } from '#domain/json.ts';
import type { Sibling } from '#domain/merge/register.ts';
import { covers, type VersionVector } from '#domain/merge/version-vector.ts';
import { applyExternalReport } from '#domain/sync/apply-external.ts';
import { SyncMapping } from '#domain/sync/mapping.ts';
import { applyPeerState } from '#domain/sync/peer-apply.ts';
import { acknowledgePeerPush, failPeerPush, startPeerPush } from '#domain/sync/peer-push.ts';
import { peerTicketState, type PeerTicketState } from '#domain/sync/peer-state.ts';
import { createTwin } from '#domain/sync/peer-twin.ts';
import type { ProjectPolicy } from '#domain/sync/policy.ts';
import { Ticket } from '#domain/ticket/ticket.ts';
import { simFields, type SimField } from './world.ts';

export type Delivery = 'once' | 'dup' | 'drop' | 'lost_ack';

/** One step; `hub`, `to`, `pick` and `choice` index into whatever exists when the step runs. */
export type PeerStep =
  | { readonly t: 'local'; readonly hub: number; readonly field: SimField; readonly value: JsonValue; readonly dt: number }
  | { readonly t: 'jira'; readonly field: SimField; readonly value: JsonValue; readonly dt: number }
  | { readonly t: 'send'; readonly hub: number; readonly to: number; readonly dt: number }
  | { readonly t: 'deliver'; readonly hub: number; readonly to: number; readonly pick: number; readonly mode: Delivery; readonly dt: number }
  | { readonly t: 'resolve'; readonly hub: number; readonly pick: number; readonly choice: number; readonly dt: number };

/** Per hub: its skew and its strategy toward each peer (default and per field). */
export interface HubSetup {
  readonly skewMs: number;
  readonly strategy: ConflictStrategy;
  readonly fieldStrategies: Partial<Record<SimField, ConflictStrategy>>;
}

interface Link {
  readonly policy: ProjectPolicy;
  readonly mapping: SyncMapping;
  readonly queue: Array<{ id: number; state: PeerTicketState }>;
  inFlight: number | null;
  sent: number;
  failed: number;
}

interface Hub {
  readonly replica: string;
  readonly skewMs: number;
  readonly ticket: Ticket;
  readonly conflicts: Conflict[];
  readonly links: Map<number, Link>;
}

const initial = { title: 'alpha', status: 'open', priority: 'p3', assignee: null, labels: ['x'], description: 'l1\nl2\nl3' } as const;
const dotKey = (s: Sibling) => `${s.dot.replica}#${s.dot.counter}`;

/** The peered hubs and the ground truth of one run. */
export class PeerWorld {
  readonly hubs: Hub[] = [];
  readonly jira: { policy: ProjectPolicy; mapping: SyncMapping; knows: Record<SimField, Set<number>>; store: Record<SimField, JsonValue>; key: number };
  readonly edits: Array<{ id: number; field: SimField }> = [];
  /** Per write (dot key): the user edits it made and the writes it accounts for (seen, or won over). */
  readonly writes = new Map<string, { edits: Set<number>; parents: Set<string> }>();
  readonly losses: string[] = [];
  readonly detected: Array<Conflict['candidates']> = [];
  readonly delivered: Array<{ to: number; from: number; state: PeerTicketState }> = [];
  userChanges = 0;
  now = 1_000_000;
  private ids = 0;
  private messages = 0;

  constructor(setups: readonly HubSetup[]) {
    const replica = (i: number) => `hub:0000000${i}`;
    const policyOf = (i: number, j: number): ProjectPolicy => {
      const s = setups[i] as HubSetup;
      return { projectId: `peer-${i}-${j}`, direction: 'bidirectional', allowsShareable: true, mappedFields: simFields, defaultStrategy: s.strategy, fieldStrategies: s.fieldStrategies };
    };
    const original = Ticket.create({ ...initial, labels: [...initial.labels] }, { replica: replica(0), actor: 'user', nowMs: this.now, newId: () => 't0' }).ticket;
    const state = peerTicketState(original, policyOf(0, 1), replica(0)) as PeerTicketState;
    setups.forEach((setup, i) => {
      const ticket = i === 0 ? original : createTwin(state, policyOf(i, 0), { hub: replica(i), nowMs: this.now, newId: () => `t${i}` }).ticket;
      this.hubs.push({ replica: replica(i), skewMs: setup.skewMs, ticket, conflicts: [], links: new Map() });
    });
    this.hubs.forEach((hub, i) => {
      this.hubs.forEach((_, j) => {
        if (i === j) return;
        const mapping = SyncMapping.link({ id: `m${i}${j}`, ticket: hub.ticket, projectId: `peer-${i}-${j}`, externalId: `t${j}`, fields: simFields, nowMs: this.now });
        hub.links.set(j, { policy: policyOf(i, j), mapping, queue: [], inFlight: null, sent: 0, failed: 0 });
      });
    });
    const jiraPolicy: ProjectPolicy = { projectId: 'jira-7f3a', direction: 'pull', allowsShareable: true, mappedFields: simFields, defaultStrategy: 'manual', fieldStrategies: {} };
    const jiraMapping = SyncMapping.link({ id: 'mj', ticket: original, projectId: jiraPolicy.projectId, externalId: 'OPS-1', fields: simFields, nowMs: this.now, orderingKey: 0 });
    const knows = Object.fromEntries(simFields.map((f) => [f, new Set<number>()])) as Record<SimField, Set<number>>;
    const store = Object.fromEntries(simFields.map((f) => [f, original.fieldValue(f)])) as Record<SimField, JsonValue>;
    this.jira = { policy: jiraPolicy, mapping: jiraMapping, knows, store, key: 0 };
  }

  run(step: PeerStep): void {
    this.now += step.dt;
    const hub = 'hub' in step ? step.hub % this.hubs.length : 0;
    switch (step.t) {
      case 'local':
        return this.local(hub, step.field, step.value);
      case 'jira':
        return this.jiraEdit(step.field, step.value);
      case 'send':
        this.send(hub, this.peerOf(hub, step.to));
        return;
      case 'deliver':
        return this.deliver(hub, this.peerOf(hub, step.to), step.pick, step.mode);
      case 'resolve': {
        const open = this.hubs[hub]?.conflicts.filter((c) => c.isOpen()) ?? [];
        const conflict = open[step.pick % Math.max(open.length, 1)];
        const candidate = conflict?.candidates[step.choice % conflict.candidates.length];
        if (conflict && candidate) this.resolve(hub, conflict, candidate.value);
        return;
      }
      default:
        return step satisfies never;
    }
  }

  private peerOf(hub: number, to: number): number {
    return (hub + 1 + (to % (this.hubs.length - 1))) % this.hubs.length;
  }

  private ctx(i: number) {
    const hub = this.hubs[i] as Hub;
    return { hub: hub.replica, nowMs: this.now + hub.skewMs, newId: () => `c${++this.ids}`, openConflicts: hub.conflicts.filter((c) => c.isOpen()) };
  }

  /** The user edits the field's live writes account for (transitively). */
  seen(siblings: readonly Sibling[]): Set<number> {
    const out = new Set<number>();
    const visited = new Set<string>();
    const stack = siblings.map(dotKey);
    for (let key = stack.pop(); key !== undefined; key = stack.pop()) {
      if (visited.has(key)) continue;
      visited.add(key);
      const write = this.writes.get(key);
      for (const e of write?.edits ?? []) out.add(e);
      stack.push(...(write?.parents ?? []));
    }
    return out;
  }

  /** `winner` now accounts for `loser` too (a strategy or equal values settled them). */
  private credit(winner: Sibling, loser: Sibling): void {
    this.writes.get(dotKey(winner))?.parents.add(dotKey(loser));
  }

  /** Records the writes a step created on `field`: they saw `before` and made `edits`. */
  private written(ticket: Ticket, field: SimField, before: readonly Sibling[], edits: Iterable<number>): void {
    for (const s of ticket.registers[field]?.siblings ?? []) {
      if (!this.writes.has(dotKey(s))) this.writes.set(dotKey(s), { edits: new Set(edits), parents: new Set(before.map(dotKey)) });
    }
  }

  private local(i: number, field: SimField, value: JsonValue): void {
    const hub = this.hubs[i] as Hub;
    if (hub.ticket.isHeld(field)) return;
    const before = hub.ticket.registers[field]?.siblings ?? [];
    const { events, conflicts } = hub.ticket.edit({ [field]: value }, { ...this.ctx(i), replica: hub.replica, actor: 'user' });
    this.record(hub, conflicts);
    if (events.length === 0) return;
    const id = this.edits.push({ id: this.edits.length, field }) - 1;
    this.written(hub.ticket, field, before, [id]);
    this.userChanges += 1;
  }

  private jiraEdit(field: SimField, value: JsonValue): void {
    const hub = this.hubs[0] as Hub;
    if (JSON.stringify(this.jira.store[field]) === JSON.stringify(value)) return;
    this.jira.store[field] = value;
    const id = this.edits.push({ id: this.edits.length, field }) - 1;
    this.jira.knows[field].add(id);
    this.userChanges += 1;
    const before = hub.ticket.registers[field]?.siblings ?? [];
    const report = { field, value, orderingKey: ++this.jira.key, observedAtMs: this.now };
    const result = applyExternalReport(hub.ticket, this.jira.mapping, this.jira.policy, report, this.ctx(0));
    if (result.conflict) this.record(hub, [result.conflict]);
    this.written(hub.ticket, field, before, this.jira.knows[field]);
    // A report of the value the hub already shows creates no write: that write accounts for it.
    const shown = hub.ticket.registers[field]?.siblings[0];
    if (shown && JSON.stringify(shown.value) === JSON.stringify(value)) this.writes.get(dotKey(shown))?.edits.add(id);
  }

  resolve(i: number, conflict: Conflict, value: JsonValue): void {
    const hub = this.hubs[i] as Hub;
    const before = hub.ticket.registers[conflict.field]?.siblings ?? [];
    hub.ticket.resolveConflict(conflict, value, { replica: hub.replica, actor: 'reviewer', nowMs: this.now + hub.skewMs });
    this.written(hub.ticket, conflict.field as SimField, before, []);
    this.userChanges += 1;
  }

  send(i: number, j: number): boolean {
    const link = (this.hubs[i] as Hub).links.get(j) as Link;
    const hub = this.hubs[i] as Hub;
    const state = startPeerPush(hub.ticket, link.mapping, link.policy, hub.replica);
    if (state === null) return false;
    const id = ++this.messages;
    link.queue.push({ id, state: structuredClone(state) });
    link.inFlight = id;
    link.sent += 1;
    return true;
  }

  deliver(i: number, j: number, pick: number, mode: Delivery): void {
    const link = (this.hubs[i] as Hub).links.get(j) as Link;
    if (link.queue.length === 0) return;
    const at = pick % link.queue.length;
    const message = link.queue[at] as Link['queue'][number];
    if (mode !== 'dup') link.queue.splice(at, 1);
    if (mode !== 'drop') this.receive(j, i, message.state);
    if (link.inFlight !== message.id) return;
    link.inFlight = null;
    if (mode === 'once' || mode === 'dup') acknowledgePeerPush(link.mapping, link.policy.mappedFields);
    else {
      failPeerPush(link.mapping, link.policy.mappedFields);
      link.failed += 1;
    }
  }

  /** Hub `to` applies `state` from hub `from`, checking that no value vanishes unaccounted for. */
  receive(to: number, from: number, state: PeerTicketState): void {
    const hub = this.hubs[to] as Hub;
    const link = hub.links.get(from) as Link;
    const clock: VersionVector = hub.ticket.clock.vector;
    const before = Object.fromEntries(simFields.map((f) => [f, hub.ticket.registers[f]?.siblings ?? []]));
    const result = applyPeerState(hub.ticket, link.mapping, link.policy, structuredClone(state), this.ctx(to));
    this.record(hub, result.conflicts);
    this.delivered.push({ to, from, state });
    for (const field of simFields) {
      const after = hub.ticket.registers[field]?.siblings ?? [];
      const unseen = (state.fields[field]?.siblings ?? []).filter((s) => !covers(clock, s.dot));
      const candidates = [...(before[field] ?? []), ...unseen];
      // A strategy's decision is a new write of this hub that saw every candidate.
      this.written(hub.ticket, field, candidates, []);
      const gone = candidates.filter((p) => !after.some((s) => dotKey(s) === dotKey(p)));
      const sameValue = (p: Sibling) => after.find((s) => JSON.stringify(s.value) === JSON.stringify(p.value));
      for (const p of gone) {
        const same = sameValue(p);
        if (same) this.credit(same, p);
      }
      for (const p of gone.filter((g) => sameValue(g) === undefined)) {
        const kept = this.seen(after);
        const lost = [...this.seen([p])].filter((e) => !kept.has(e));
        if (lost.length === 0) continue;
        this.losses.push(`${field}@hub${to}: edits ${lost.join(',')} dropped (${result.fields[field] ?? 'no outcome'})`);
      }
    }
  }

  private record(hub: Hub, conflicts: readonly Conflict[]): void {
    for (const c of conflicts) {
      if (hub.conflicts.includes(c)) continue;
      hub.conflicts.push(c);
      this.detected.push([...c.candidates]);
    }
  }

  openConflicts(): Array<{ hub: number; conflict: Conflict }> {
    return this.hubs.flatMap((h, hub) => h.conflicts.filter((c) => c.isOpen()).map((conflict) => ({ hub, conflict })));
  }

  links(): Array<{ from: number; to: number; link: Link }> {
    return this.hubs.flatMap((h, from) => [...h.links].map(([to, link]) => ({ from, to, link })));
  }

  /**
   * Delivers everything, then lets every hub send at once so the states cross on the wire (the
   * hard case for strategies), until nothing moves; false if it never settles.
   */
  quiesce(maxRounds = 12): boolean {
    const drain = () => {
      for (const { from, to, link } of this.links()) while (link.queue.length > 0) this.deliver(from, to, 0, 'once');
    };
    for (let round = 0; round < maxRounds; round++) {
      drain();
      const moved = this.links().filter(({ from, to }) => this.send(from, to)).length;
      if (moved === 0) return true;
    }
    return false;
  }

  /** Fields whose shown value differs between hubs, where no hub holds a conflict on them. */
  divergent(): string[] {
    const base = this.hubs[0] as Hub;
    return simFields.flatMap((field) => {
      if (this.hubs.some((h) => h.ticket.isHeld(field))) return [];
      const value = JSON.stringify(base.ticket.fieldValue(field));
      return this.hubs.filter((h) => JSON.stringify(h.ticket.fieldValue(field)) !== value).map((h) => `${field}@${h.replica}: ${JSON.stringify(h.ticket.fieldValue(field))} != ${value}`);
    });
  }

  /** Edits the final value of hub 0 does not account for. */
  unaccounted(): number[] {
    const hub = this.hubs[0] as Hub;
    return this.edits.filter((e) => !this.seen(hub.ticket.registers[e.field]?.siblings ?? []).has(e.id)).map((e) => e.id);
  }

  /** A JSON picture of every hub (tickets, mappings, conflicts) that replays must not change. */
  state(): string {
    return JSON.stringify(this.hubs.map((h) => ({ ticket: { ...h.ticket }, links: [...h.links.values()].map((l) => l.mapping.fields), conflicts: h.conflicts })));
  }
}
