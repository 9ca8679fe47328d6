// Twin creation: when `linkTicket` on one hub asks its peer for a twin, the peer builds the new
// ticket from the sender's state (peer-state.ts) with the sender's dots, HLC stamps and clock, so
// both hubs share the ticket's history from the start and the first edit on either side is a plain
// fast-forward on the other, not a conflict. Fields the peer does not mirror get the receiving
// hub's defaults, written by the receiving hub.

import type { Conflict } from '../conflict/conflict.ts';
import { InvalidTicketInput } from '../errors.ts';
import type { DomainEvent } from '../events.ts';
import { cloneJson, type JsonValue } from '../json.ts';
import { hlcToIso, initialHlc } from '../merge/hlc.ts';
import { createRegister } from '../merge/register.ts';
import { ticketDefaults, ticketFields, type TicketField } from '../ticket/fields.ts';
import { Ticket } from '../ticket/ticket.ts';
import type { ApplyContext } from './apply-external.ts';
import { incomingFields, mergePeerFields, type PeerFieldKind } from './peer-apply.ts';
import type { PeerTicketState } from './peer-state.ts';
import type { ProjectPolicy } from './policy.ts';

/** The new twin, its events (ticket.created, conflict.detected) and conflicts to persist. */
export interface TwinResult {
  readonly ticket: Ticket;
  readonly events: DomainEvent[];
  readonly conflicts: Conflict[];
  readonly fields: Readonly<Partial<Record<TicketField, PeerFieldKind>>>;
}

/**
 * The twin of the sender's ticket on this hub. Its id comes from `ctx.newId`; the sender's mapped
 * fields keep their dots (a held field opens the twin conflict under this hub's strategy). Throws
 * InvalidTicketInput when the state carries no title or an invalid value.
 */
export function createTwin(state: PeerTicketState, policy: ProjectPolicy, ctx: ApplyContext): TwinResult {
  const incoming = incomingFields(state, policy);
  if (!incoming.some(([field]) => field === 'title')) throw new InvalidTicketInput('title', 'is required');
  const ticket = new Ticket();
  ticket.id = ctx.newId();
  ticket.customFields = {};
  ticket.registers = {};
  ticket.clock = { vector: {}, hlc: initialHlc(ctx.hub) };
  // Imported through the peer's project: sync rules name that project as the ticket's origin.
  ticket.originReplica = policy.projectId;
  ticket.createdAt = new Date(ctx.nowMs);
  ticket.updatedAt = ticket.createdAt;
  const merged = mergePeerFields(ticket, policy, state, incoming, ctx);

  const missing = ticketFields.filter((field) => field !== 'title' && ticket.registers[field] === undefined);
  if (missing.length > 0) {
    const write = ticket.issue({ replica: ctx.hub, actor: 'lockstep:defaults' }, ctx.nowMs);
    const defaults = ticketDefaults as Readonly<Record<string, JsonValue>>;
    for (const field of missing) ticket.setRegister(field, createRegister({ value: cloneJson(defaults[field] ?? null), ...write }));
  }
  const created: DomainEvent = {
    type: 'ticket.created',
    ticketId: ticket.id,
    at: hlcToIso(ticket.clock.hlc),
    version: ticket.version,
    origin: { replica: state.from },
    snapshot: ticket.snapshot(),
  };
  const detected = merged.events.filter((e) => e.type === 'conflict.detected');
  return { ticket, events: [created, ...detected], conflicts: merged.conflicts, fields: merged.fields };
}
