// What one Lockstep hub sends a peer hub about a ticket. Peers share one global dot namespace
// (a hub's replica id is `hub:<8 hex>`, a project's is its UUID), so a field travels as the
// register the sender holds: every live sibling with its own dot, HLC stamp and origin. The whole
// mirrored state travels together under ONE causal context, the sender's ticket clock, because
// that is the only context a receiver may safely join into its own clock: a per-field message
// whose context covers writes to other fields that were dropped or are still in flight would
// make the receiver claim writes it never applied (and later discard them as duplicates, or let
// its own edits silently supersede them). Held fields travel too, with all their siblings, so
// the receiver can open (or close) the twin conflict. The shape is plain JSON.

import type { ConflictStrategy } from '../conflict/conflict.ts';
import { cloneJson, type JsonValue } from '../json.ts';
import type { Hlc } from '../merge/hlc.ts';
import type { Origin, Sibling } from '../merge/register.ts';
import type { Dot, ReplicaId, VersionVector } from '../merge/version-vector.ts';
import type { FieldKey } from '../ticket/fields.ts';
import type { Ticket } from '../ticket/ticket.ts';
import { allowsPush, mayLeave, strategyFor, type ProjectPolicy } from './policy.ts';

/** One live value of a field on the wire: the write that produced it, with its global dot. */
export interface PeerSibling {
  readonly value: JsonValue;
  readonly dot: Dot;
  readonly at: Hlc;
  readonly origin: Origin;
}

/** One field as the sender holds it: one sibling when settled, several while a conflict holds it. */
export interface PeerFieldState {
  readonly siblings: readonly PeerSibling[];
  /** The sender's strategy for this field toward the receiver (lets `local_wins` pair with `external_wins`). */
  readonly strategy: ConflictStrategy;
}

/** A ticket's mirrored state as sent to a peer; also the payload that creates the twin. */
export interface PeerTicketState {
  /** The sending hub's own replica id (`hub:<8 hex>`). */
  readonly from: ReplicaId;
  /** The ticket's id on the sending hub. */
  readonly ticketId: string;
  /** The sender's ticket clock: every write its field states account for. */
  readonly context: VersionVector;
  /** Mapped fields, keyed by field name (`customFields.<name>` for custom fields). */
  readonly fields: Readonly<Record<string, PeerFieldState>>;
}

/** The wire form of a register sibling (a deep copy). */
export function toPeerSibling(sibling: Sibling): PeerSibling {
  return { value: cloneJson(sibling.value), dot: { ...sibling.dot }, at: { ...sibling.at }, origin: { ...sibling.origin } };
}

/** The register sibling for a wire sibling (a deep copy). */
export function fromPeerSibling(sibling: PeerSibling): Sibling {
  return { value: cloneJson(sibling.value), dot: { ...sibling.dot }, at: { ...sibling.at }, origin: { ...sibling.origin } };
}

/** True when `ticket` may go to the peer of `policy` at all (direction and privacy). */
export function mayShareWithPeer(ticket: Ticket, policy: ProjectPolicy): boolean {
  return allowsPush(policy.direction) && mayLeave(ticket.privacy, policy);
}

/**
 * The state to send to the peer of `policy`: every mapped field the ticket has, with all its live
 * siblings, under the ticket's clock. Null when direction or privacy keep the ticket home.
 */
export function peerTicketState(ticket: Ticket, policy: ProjectPolicy, from: ReplicaId): PeerTicketState | null {
  if (!mayShareWithPeer(ticket, policy)) return null;
  const fields: Record<string, PeerFieldState> = {};
  for (const field of policy.mappedFields) {
    const register = ticket.registers[field];
    if (register === undefined) continue;
    fields[field] = { siblings: register.siblings.map(toPeerSibling), strategy: strategyFor(policy, field as FieldKey) };
  }
  return { from, ticketId: ticket.id, context: { ...ticket.clock.vector }, fields };
}
