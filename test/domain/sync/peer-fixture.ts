// Two peered hubs with twin tickets, for the peer sync unit tests. Hub A owns the original ticket
// and knows hub B as project `peer-b`; hub B holds the twin and knows A as project `peer-a`.
import type { Conflict, ConflictStrategy } from '#domain/conflict/conflict.ts';
import type { ApplyContext } from '#domain/sync/apply-external.ts';
import { SyncMapping } from '#domain/sync/mapping.ts';
import { applyPeerState, type PeerApplyResult } from '#domain/sync/peer-apply.ts';
import { acknowledgePeerPush, startPeerPush } from '#domain/sync/peer-push.ts';
import { peerTicketState, type PeerTicketState } from '#domain/sync/peer-state.ts';
import { createTwin } from '#domain/sync/peer-twin.ts';
import { mirroredFields } from '#domain/ticket/fields.ts';
import { Ticket, type WriteContext } from '#domain/ticket/ticket.ts';
import { policy } from './fixture.ts';

export const hubA = 'hub:aaaaaaaa';
export const hubB = 'hub:bbbbbbbb';

/** One hub's ticket, its mapping and policy toward the other hub, and its conflicts. */
export interface PeerHub {
  readonly replica: string;
  readonly ticket: Ticket;
  readonly mapping: SyncMapping;
  readonly policy: ReturnType<typeof policy>;
  readonly conflicts: Conflict[];
}

export function peered(strategyA: ConflictStrategy = 'manual', strategyB: ConflictStrategy = strategyA) {
  let n = 0;
  let now = 50_000;
  const newId = () => `id-${++n}`;
  const write = (replica: string): WriteContext => ({ replica, actor: `user@${replica}`, nowMs: (now += 10), newId });
  const applyCtx = (hub: PeerHub): ApplyContext => ({ hub: hub.replica, nowMs: (now += 10), newId, openConflicts: hub.conflicts.filter((c) => c.isOpen()) });

  const original = Ticket.create({ title: 'Checkout is slow', description: 'one\ntwo', labels: ['web'] }, write(hubA)).ticket;
  const policyA = policy('peer-b', strategyA);
  const policyB = policy('peer-a', strategyB);
  const mappingA = SyncMapping.link({ id: 'ma', ticket: original, projectId: 'peer-b', externalId: 'pending', fields: mirroredFields, nowMs: now });
  const a: PeerHub = { replica: hubA, ticket: original, mapping: mappingA, policy: policyA, conflicts: [] };
  // linkTicket: the mapping starts at the ticket's version, which is exactly what the twin gets.
  const init = peerTicketState(original, policyA, hubA);
  if (init === null) throw new Error('the ticket may not leave');
  const twin = createTwin(init, policyB, { hub: hubB, nowMs: (now += 10), newId });
  const mappingB = SyncMapping.link({ id: 'mb', ticket: twin.ticket, projectId: 'peer-a', externalId: original.id, fields: mirroredFields, nowMs: now });
  const b: PeerHub = { replica: hubB, ticket: twin.ticket, mapping: mappingB, policy: policyB, conflicts: [] };

  /** `from` plans and sends its state; `to` applies it; the push is acknowledged. Null: nothing to send. */
  const send = (from: PeerHub, to: PeerHub): PeerApplyResult | null => {
    const state = startPeerPush(from.ticket, from.mapping, from.policy, from.replica);
    if (state === null) return null;
    const result = deliver(state, to);
    acknowledgePeerPush(from.mapping, from.policy.mappedFields);
    return result;
  };
  /** `to` applies `state` (a first delivery, a duplicate or a late one). */
  const deliver = (state: PeerTicketState, to: PeerHub): PeerApplyResult => {
    const result = applyPeerState(to.ticket, to.mapping, to.policy, state, applyCtx(to));
    for (const c of result.conflicts) if (!to.conflicts.includes(c)) to.conflicts.push(c);
    return result;
  };
  const edit = (hub: PeerHub, patch: Parameters<Ticket['edit']>[0]) => {
    const result = hub.ticket.edit(patch, write(hub.replica));
    hub.conflicts.push(...result.conflicts);
    return result;
  };
  const resolve = (hub: PeerHub, conflict: Conflict, value: unknown) =>
    hub.ticket.resolveConflict(conflict, value, { replica: hub.replica, actor: 'reviewer', nowMs: (now += 10) });
  return { a, b, twin, send, deliver, edit, resolve, write, applyCtx, at: () => (now += 10) };
}
