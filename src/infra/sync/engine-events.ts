// Messages the sync engine sends itself through the outbox and JetStream: "a delivery is in the
// inbox" and "a push job is waiting". They travel like domain events (committed with the state
// that caused them, so none is lost) but mean nothing outside the engine.
import type { DomainEvent, TicketUpdated } from '#domain/events.ts';

/** A verified delivery was stored in the inbox and awaits processing. */
export interface DeliveryReceived {
  readonly type: 'delivery.received';
  readonly projectId: string;
  readonly inboxId: string;
}

/** A push job was created (or is due again) for a project. */
export interface PushRequested {
  readonly type: 'push.requested';
  readonly projectId: string;
  readonly ticketId: string;
  readonly jobId: string;
}

/** A sync session was started (or must resume) and awaits a worker. */
export interface SessionRequested {
  readonly type: 'session.requested';
  readonly projectId: string;
  readonly sessionId: string;
}

/**
 * A `ticket.updated` whose transaction also planned pushes to every live link of the ticket (an
 * external report applied): the push planner has nothing left to plan for it, only sync rules to ask.
 */
export type LinksPlannedUpdate = TicketUpdated & { readonly linksPlanned: true };

/** `event`, saying its links were planned when it is a `ticket.updated`. */
export function withLinksPlanned(event: DomainEvent): DomainEvent | LinksPlannedUpdate {
  return event.type === 'ticket.updated' ? { ...event, linksPlanned: true } : event;
}

/** Every engine message. */
export type EngineEvent = DeliveryReceived | PushRequested | SessionRequested | LinksPlannedUpdate;
