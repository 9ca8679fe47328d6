// Applies one external report of one field to the hub ticket and the mapping's bookkeeping. The
// side's write gets a dot of the side's replica and, as causal context, the side's base: it has
// seen exactly what it last acknowledged. Covered: fast-forward. Not covered: the field's strategy
// decides; strategy outcomes are recorded as hub writes that see both values, so the result
// dominates both and the planner pushes it where it is missing.

import type { Conflict } from '../conflict/conflict.ts';
import { ConflictMismatch } from '../errors.ts';
import type { DomainEvent, FieldChange } from '../events.ts';
import { jsonEquals } from '../json.ts';
import type { Hlc } from '../merge/hlc.ts';
import { registerVersion, shownSibling, siblingOf, type FieldRegister, type Sibling } from '../merge/register.ts';
import { decideConcurrent, type StrategyDecision } from '../merge/strategies.ts';
import { join, withDot, type ReplicaId, type VersionVector } from '../merge/version-vector.ts';
import { isFieldKey, normaliseField, type FieldKey } from '../ticket/fields.ts';
import { candidateOf, type Ticket } from '../ticket/ticket.ts';
import { classifyExternalReport, type ClassifyOptions, type ExternalReport, type ReportKind } from './classify.ts';
import { newerKey, type SyncMapping } from './mapping.ts';
import { allowsPull, compareOrderingKeys, strategyFor, type ProjectPolicy } from './policy.ts';

/** Time, ids, the hub's replica id, and the ticket's open conflicts (needed when a field is held). */
export interface ApplyContext {
  readonly hub: ReplicaId;
  readonly nowMs: number;
  readonly newId: () => string;
  readonly openConflicts?: readonly Conflict[];
}

/** What applying a report did. */
export interface ApplyResult {
  /** The classification, or `ignored` when the project does not pull this field. */
  readonly kind: ReportKind | 'ignored';
  /** The strategy's decision, for concurrent reports on a field without an open conflict. */
  readonly decision?: StrategyDecision['kind'];
  readonly events: DomainEvent[];
  /** A conflict opened, or an open one whose candidates changed; persist it. */
  readonly conflict?: Conflict;
}

/** Applies `report` from `policy`'s project to `ticket` and `mapping`. Throws InvalidTicketInput. */
export function applyExternalReport(
  ticket: Ticket,
  mapping: SyncMapping,
  policy: ProjectPolicy,
  report: ExternalReport,
  ctx: ApplyContext,
  options: ClassifyOptions = {},
): ApplyResult {
  const field = report.field;
  if (!isFieldKey(field) || !allowsPull(policy.direction) || !policy.mappedFields.includes(field)) {
    return { kind: 'ignored', events: [] };
  }
  const value = normaliseField(field, report.value);
  const side = mapping.side(field);
  const register = ticket.registers[field];
  const compareKeys = policy.compareKeys ?? compareOrderingKeys;
  const verdict = classifyExternalReport({ register, side, compareKeys }, { ...report, value }, options);
  switch (verdict.kind) {
    case 'stale':
      return { kind: 'stale', events: [] };
    case 'echo':
    case 'no_change':
      mapping.setSide(field, verdict.side);
      return { kind: verdict.kind, events: [] };
    case 'fast_forward':
    case 'concurrent':
      break;
    default:
      return verdict satisfies never;
  }

  const origin = report.actor === undefined ? { replica: policy.projectId } : { replica: policy.projectId, actor: report.actor };
  const stamp: Hlc = { wall: report.observedAtMs, logical: 0, node: policy.projectId };
  const before = ticket.clock.vector;
  const write = ticket.issue(origin, ctx.nowMs, stamp);
  const remote: Sibling = siblingOf(value, write);
  const seen = side.base.version;
  const orderingKey = options.guardOrdering === false ? report.orderingKey : newerKey(side.orderingKey, report.orderingKey, compareKeys);
  const settle = (version: VersionVector) =>
    mapping.setSide(field, { base: { value, version: withDot(version, write.dot) }, pending: null, orderingKey });

  if (verdict.kind === 'fast_forward') {
    const context = register ? join(seen, registerVersion(register)) : seen;
    const change = ticket.writeField(field, remote, context);
    settle(context);
    return { kind: 'fast_forward', events: change ? [ticket.updatedEvent([change], write.at)] : [] };
  }

  const current = register as FieldRegister;
  settle(seen);
  if (verdict.held) return { kind: 'concurrent', ...joinConflict(ticket, field, remote, seen, ctx) };

  const local = shownSibling(current);
  const strategy = strategyFor(policy, field);
  const decision = decideConcurrent(strategy, { base: side.base.value, local, remote });
  const events: DomainEvent[] = [];
  const record = (change: FieldChange | undefined, at: Hlc) => {
    if (change) events.push(ticket.updatedEvent([change], at));
  };
  switch (decision.kind) {
    case 'take_external':
      record(ticket.writeField(field, remote, ticket.clock.vector), write.at);
      return { kind: 'concurrent', decision: decision.kind, events };
    case 'keep_local':
    case 'write_merged': {
      ticket.writeField(field, remote, seen);
      const chosen = decision.kind === 'keep_local' ? local.value : decision.value;
      const settled = ticket.issue({ replica: ctx.hub, actor: `strategy:${strategy}` }, ctx.nowMs);
      ticket.writeField(field, siblingOf(chosen, settled), ticket.clock.vector);
      // The side's value is in the history even when it did not win: it arrived, then the strategy settled.
      const arrived: FieldChange = { field, from: local.value, to: remote.value, origin: remote.origin };
      const decided: FieldChange = { field, from: remote.value, to: ticket.fieldValue(field), origin: settled.origin };
      const changes = [arrived, decided].filter((change) => !jsonEquals(change.from, change.to));
      if (changes.length > 0) events.push(ticket.updatedEvent(changes, settled.at));
      return { kind: 'concurrent', decision: decision.kind, events };
    }
    case 'manual': {
      ticket.writeField(field, remote, seen);
      const conflict = ticket.openConflict(
        field,
        [{ sibling: local, version: before }, { sibling: remote, version: seen }],
        { projectId: policy.projectId, strategy: decision.strategy, nowMs: ctx.nowMs, newId: ctx.newId },
      );
      events.push(ticket.detectedEvent(conflict));
      return { kind: 'concurrent', decision: decision.kind, events, conflict };
    }
    default:
      return decision satisfies never;
  }
}

/**
 * A newer write of a side whose field is held: it replaces that side's earlier candidate. When
 * every live candidate then holds the same value, the sides agree and the conflict settles itself.
 */
function joinConflict(ticket: Ticket, field: FieldKey, remote: Sibling, seen: VersionVector, ctx: ApplyContext) {
  const conflictId = ticket.openConflictId(field) ?? '';
  const conflict = ctx.openConflicts?.find((c) => c.id === conflictId);
  if (!conflict) throw new ConflictMismatch(conflictId, ticket.id);
  ticket.writeField(field, remote, seen);
  const live = (ticket.registers[field] as FieldRegister).siblings;
  const kept = conflict.candidates.filter((c) => live.some((s) => s.dot.replica === c.dot.replica && s.dot.counter === c.dot.counter));
  conflict.updateCandidates([...kept, candidateOf(remote, seen)]);
  if (!live.every((s) => jsonEquals(s.value, remote.value))) return { events: [], conflict };
  const settled = ticket.resolveConflict(conflict, remote.value, { replica: ctx.hub, actor: 'lockstep:agreement', nowMs: ctx.nowMs });
  return { events: settled.events, conflict };
}
