// Applies a peer hub's ticket state (peer-state.ts) to the receiving hub's twin ticket: each
// mapped field is merged with `mergePeerRegister`, keeping the sender's dots and HLC stamps, then
// the receiver's clock joins the sender's context, so its own later writes cover what it received
// and its own counters keep increasing. This replaces `applyExternalReport` for LOCKSTEP_PEER
// projects: a peer is not one opaque replica but a hub whose writes already carry global dots.
//
// Conflicts: a merge that leaves several values opens a conflict (candidates with their real
// dots); an incoming write that covers every candidate of an open conflict closes it as resolved
// by the peer; a merge that leaves equal values closes it as an agreement. The mapping's per-field
// base joins the sender's context, so the peer planner never sends the peer what it came with.

import type { Conflict, ConflictStrategy } from '../conflict/conflict.ts';
import { ConflictMismatch } from '../errors.ts';
import type { DomainEvent, FieldChange } from '../events.ts';
import { jsonEquals } from '../json.ts';
import { hlcToIso, maxHlc, receive } from '../merge/hlc.ts';
import type { FieldRegister, Sibling } from '../merge/register.ts';
import { dominates, join, type VersionVector } from '../merge/version-vector.ts';
import { isFieldKey, normaliseField, type FieldKey } from '../ticket/fields.ts';
import { candidateOf, type Ticket } from '../ticket/ticket.ts';
import type { ApplyContext } from './apply-external.ts';
import type { SyncMapping } from './mapping.ts';
import { mergePeerRegister, sameDot, type DecidingStrategy, type SettledHow } from './peer-merge.ts';
import { fromPeerSibling, type PeerTicketState } from './peer-state.ts';
import { allowsPull, strategyFor, type ProjectPolicy } from './policy.ts';

/** What a peer state did to one field. */
export type PeerFieldKind = 'duplicate' | 'conflict' | 'resolved' | SettledHow | DecidingStrategy;

/** What applying a peer state did. */
export interface PeerApplyResult {
  /** `ignored`: the project does not pull; `duplicate`: nothing new (replays, echoes, older states). */
  readonly kind: 'ignored' | 'duplicate' | 'applied';
  readonly fields: Readonly<Partial<Record<FieldKey, PeerFieldKind>>>;
  readonly events: DomainEvent[];
  /** Conflicts opened, whose candidates changed, or closed by this state: persist each. */
  readonly conflicts: Conflict[];
}

/** The sender's siblings of every mapped field it sent, values normalised; throws InvalidTicketInput. */
export function incomingFields(state: PeerTicketState, policy: ProjectPolicy): Array<[FieldKey, Sibling[]]> {
  const out: Array<[FieldKey, Sibling[]]> = [];
  for (const field of policy.mappedFields) {
    const sent = state.fields[field];
    if (sent === undefined || sent.siblings.length === 0 || !isFieldKey(field)) continue;
    out.push([field, sent.siblings.map((s) => ({ ...fromPeerSibling(s), value: normaliseField(field, s.value) }))]);
  }
  return out;
}

/** Merges `state` from `policy`'s peer into `ticket` and advances `mapping`'s bases. */
export function applyPeerState(ticket: Ticket, mapping: SyncMapping, policy: ProjectPolicy, state: PeerTicketState, ctx: ApplyContext): PeerApplyResult {
  if (!allowsPull(policy.direction)) return { kind: 'ignored', fields: {}, events: [], conflicts: [] };
  const incoming = incomingFields(state, policy);
  const result = mergePeerFields(ticket, policy, state, incoming, ctx);
  for (const [field] of incoming) {
    const side = mapping.side(field);
    if (dominates(side.base.version, state.context)) continue;
    const base = { value: ticket.fieldValue(field), version: join(side.base.version, state.context) };
    mapping.setSide(field, { ...side, base });
  }
  return result;
}

/** The field merges and clock join shared by `applyPeerState` and twin creation. */
export function mergePeerFields(
  ticket: Ticket,
  policy: ProjectPolicy,
  state: PeerTicketState,
  incoming: ReadonlyArray<[FieldKey, Sibling[]]>,
  ctx: ApplyContext,
): PeerApplyResult {
  const localContext = ticket.clock.vector;
  const fields: Partial<Record<FieldKey, PeerFieldKind>> = {};
  const changes: FieldChange[] = [];
  const opened: Conflict[] = [];
  const touched: Conflict[] = [];
  const closing: Array<{ conflict: Conflict; sibling: Sibling; by: string }> = [];
  let received = false;
  /** The clock moves past every incoming stamp once, before this hub writes or stamps anything. */
  const hlcReceived = () => {
    if (received) return;
    received = true;
    const newest = incoming.flatMap(([, siblings]) => siblings.map((s) => s.at)).reduce(maxHlc, ticket.clock.hlc);
    ticket.clock = { ...ticket.clock, hlc: receive(ticket.clock.hlc, newest, ctx.nowMs, ticket.clock.hlc.node) };
  };
  const held = (conflictId: string) => {
    const conflict = ctx.openConflicts?.find((c) => c.id === conflictId && c.isOpen());
    if (!conflict) throw new ConflictMismatch(conflictId, ticket.id);
    return conflict;
  };

  for (const [field, siblings] of incoming) {
    const register = ticket.registers[field];
    const conflictId = register?.conflictId;
    const local = register?.siblings ?? [];
    const merge = mergePeerRegister({
      local, localContext, held: conflictId !== undefined, incoming: siblings, incomingContext: state.context,
      strategy: strategyFor(policy, field), peerStrategy: state.fields[field]?.strategy ?? strategyFor(policy, field),
    });
    if (merge.kind === 'duplicate') {
      fields[field] = 'duplicate';
      continue;
    }
    const from = register === undefined ? undefined : ticket.fieldValue(field);
    if (merge.kind === 'decided') {
      // A new write of this hub that has seen every candidate (the clock joins the sender's below).
      hlcReceived();
      const write = ticket.issue({ replica: ctx.hub, actor: `strategy:${merge.how}` }, ctx.nowMs);
      ticket.setRegister(field, { siblings: [{ value: merge.winner.value, ...write }] });
      fields[field] = merge.how;
    } else if (merge.kind === 'settled') {
      ticket.setRegister(field, { siblings: [merge.sibling] });
      if (conflictId === undefined) fields[field] = merge.how;
      else {
        const by = merge.how === 'agreement' ? 'lockstep:agreement' : `peer:${state.from}`;
        closing.push({ conflict: held(conflictId), sibling: merge.sibling, by });
        fields[field] = 'resolved';
      }
    } else {
      const version = (s: Sibling) => (local.some((l) => sameDot(l.dot, s.dot)) ? localContext : state.context);
      const next: FieldRegister = { siblings: [...merge.siblings] };
      ticket.setRegister(field, conflictId === undefined ? next : { ...next, conflictId });
      if (conflictId === undefined) {
        opened.push(openConflict(ticket, field, merge.siblings, version, policy.projectId, merge.strategy, ctx));
      } else {
        const conflict = held(conflictId);
        conflict.updateCandidates(merge.siblings.map((s) => conflict.candidates.find((c) => sameDot(c.dot, s.dot)) ?? candidateOf(s, version(s))));
        touched.push(conflict);
      }
      fields[field] = 'conflict';
    }
    const to = ticket.fieldValue(field);
    const shown = ticket.registers[field]?.siblings[0];
    if (from !== undefined && shown && !jsonEquals(from, to)) changes.push({ field, from, to, origin: shown.origin });
  }

  const moved = Object.values(fields).some((k) => k !== 'duplicate');
  if (!moved && dominates(ticket.clock.vector, state.context)) return { kind: 'duplicate', fields, events: [], conflicts: [] };
  hlcReceived();
  const hlc = ticket.clock.hlc;
  ticket.clock = { vector: join(ticket.clock.vector, state.context), hlc };
  ticket.updatedAt = new Date(Math.max(ctx.nowMs, ticket.createdAt.getTime()));

  const events: DomainEvent[] = [];
  if (changes.length > 0) events.push(ticket.updatedEvent(changes, hlc));
  for (const conflict of opened) events.push(ticket.detectedEvent(conflict));
  for (const { conflict, sibling, by } of closing) {
    const at = hlcToIso(sibling.at);
    conflict.resolve({ value: sibling.value, by, at, version: ticket.version });
    const { id: conflictId, projectId, field } = conflict;
    events.push({ type: 'conflict.resolved', ticketId: ticket.id, at, conflictId, projectId, field, value: sibling.value, by, version: ticket.version });
  }
  return { kind: 'applied', fields, events, conflicts: [...opened, ...touched, ...closing.map((c) => c.conflict)] };
}

function openConflict(
  ticket: Ticket,
  field: FieldKey,
  siblings: readonly Sibling[],
  version: (s: Sibling) => VersionVector,
  projectId: string,
  strategy: ConflictStrategy,
  ctx: ApplyContext,
): Conflict {
  const candidates = siblings.map((sibling) => ({ sibling, version: version(sibling) }));
  return ticket.openConflict(field, candidates, { projectId, strategy, nowMs: ctx.nowMs, newId: ctx.newId });
}
