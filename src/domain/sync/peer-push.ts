// The push planner for peer hubs. A peer receives the ticket's whole mirrored state (peer-state.ts)
// whenever some mapped field holds a write the peer has not seen: the mapping's per-field base
// records the peer's known context (joined from every state received from it and every push it
// acknowledged), so a peer's own writes, and writes it forwarded, are never sent back to it, while
// writes that came from anywhere else (this hub, its Jira projects, a third hub) go on with their
// original dots. Unlike external sides, held fields do not stop the push: the twin conflict and its
// resolution have to reach the peer. One state is in flight per peer at a time.

import { isCoveredBy } from '../merge/register.ts';
import { join, type ReplicaId } from '../merge/version-vector.ts';
import type { FieldKey } from '../ticket/fields.ts';
import type { Ticket } from '../ticket/ticket.ts';
import type { SyncMapping } from './mapping.ts';
import { peerTicketState, type PeerTicketState } from './peer-state.ts';
import { allowsPush, mayLeave, type ProjectPolicy } from './policy.ts';

/** Why a peer gets (`push`) or does not get the ticket's state now. */
export type PeerPushVerdict = 'push' | 'direction' | 'privacy' | 'in_flight' | 'up_to_date';

/** The verdict for one ticket and one peer mapping. */
export function peerPushVerdict(ticket: Ticket, mapping: SyncMapping, policy: ProjectPolicy): PeerPushVerdict {
  if (!allowsPush(policy.direction)) return 'direction';
  if (!mayLeave(ticket.privacy, policy)) return 'privacy';
  if (policy.mappedFields.some((field) => mapping.side(field).pending !== null)) return 'in_flight';
  const unseen = policy.mappedFields.some((field) => {
    const register = ticket.registers[field];
    return register !== undefined && !isCoveredBy(register, mapping.side(field).base.version);
  });
  return unseen ? 'push' : 'up_to_date';
}

/** The state to send to the peer now, or null. `from` is this hub's replica id. */
export function planPeerPush(ticket: Ticket, mapping: SyncMapping, policy: ProjectPolicy, from: ReplicaId): PeerTicketState | null {
  return peerPushVerdict(ticket, mapping, policy) === 'push' ? peerTicketState(ticket, policy, from) : null;
}

/**
 * Records a push of the ticket's current state as in flight on every mapped field, when one is due;
 * the state itself is built when it is sent (a later state only covers more). True when due.
 */
export function beginPeerPush(ticket: Ticket, mapping: SyncMapping, policy: ProjectPolicy): boolean {
  if (peerPushVerdict(ticket, mapping, policy) !== 'push') return false;
  for (const field of policy.mappedFields) mapping.recordPushSent(field, ticket.fieldValue(field), ticket.clock.vector);
  return true;
}

/** Plans the push and records it as in flight on every mapped field. */
export function startPeerPush(ticket: Ticket, mapping: SyncMapping, policy: ProjectPolicy, from: ReplicaId): PeerTicketState | null {
  const state = planPeerPush(ticket, mapping, policy, from);
  if (state !== null) beginPeerPush(ticket, mapping, policy);
  return state;
}

/** The peer applied the state in flight: its bases now cover the state's context. */
export function acknowledgePeerPush(mapping: SyncMapping, fields: readonly FieldKey[]): void {
  for (const field of fields) {
    const side = mapping.side(field);
    if (side.pending === null) continue;
    const base = { value: side.pending.value, version: join(side.base.version, side.pending.version) };
    mapping.setSide(field, { ...side, base, pending: null });
  }
}

/** The state in flight did not reach the peer (or its answer was lost): it will be planned again. */
export function failPeerPush(mapping: SyncMapping, fields: readonly FieldKey[]): void {
  for (const field of fields) mapping.recordPushFailed(field);
}
