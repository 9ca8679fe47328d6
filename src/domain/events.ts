// Domain events: what happened to the hub's records, as plain JSON. They are written to the
// outbox in the same transaction as the state change and relayed to JetStream, so every field is
// JSON-serialisable (ISO strings, not Dates). New kinds (SyncStarted, ExternalTicketUpdated...)
// join the `DomainEvent` union; consumers switch on `type` exhaustively.

import type { JsonValue } from './json.ts';
import type { Origin } from './merge/register.ts';
import type { FieldKey, TicketValues } from './ticket/fields.ts';

/** A ticket's values, as carried by `ticket.created`. */
export type TicketSnapshot = { readonly id: string; readonly version: string } & Readonly<TicketValues>;

/** One field's change in a `ticket.updated` event. */
export interface FieldChange {
  readonly field: FieldKey;
  readonly from: JsonValue;
  readonly to: JsonValue;
  readonly origin: Origin;
}

/** A ticket was created on the hub (or imported from a project). */
export interface TicketCreated {
  readonly type: 'ticket.created';
  readonly ticketId: string;
  readonly at: string;
  readonly version: string;
  readonly origin: Origin;
  readonly snapshot: TicketSnapshot;
}

/** Field values of a ticket changed; never emitted for equal values. */
export interface TicketUpdated {
  readonly type: 'ticket.updated';
  readonly ticketId: string;
  readonly at: string;
  readonly version: string;
  readonly changes: readonly FieldChange[];
}

/** Concurrent values of a field were kept side by side for a reviewer. */
export interface ConflictDetected {
  readonly type: 'conflict.detected';
  readonly ticketId: string;
  readonly at: string;
  readonly conflictId: string;
  /** The external project involved; null when two writers on the hub collided. */
  readonly projectId: string | null;
  readonly field: FieldKey;
}

/** A reviewer (or a later rule) settled a conflict. */
export interface ConflictResolved {
  readonly type: 'conflict.resolved';
  readonly ticketId: string;
  readonly at: string;
  readonly conflictId: string;
  readonly projectId: string | null;
  readonly field: FieldKey;
  readonly value: JsonValue;
  readonly by: string;
  readonly version: string;
}

/** A project was connected or its settings or lifecycle status changed. */
export interface ProjectConfigured {
  readonly type: 'project.configured';
  readonly projectId: string;
  readonly at: string;
  readonly status: string;
}

/** A ticket was linked to an item of a project (created there, or an existing one). */
export interface ExternalTicketCreated {
  readonly type: 'external_ticket.created';
  readonly ticketId: string;
  readonly projectId: string;
  readonly externalId: string;
  readonly at: string;
}

/** Fields of a ticket were delivered to (and acknowledged by) a project. */
export interface ExternalTicketUpdated {
  readonly type: 'external_ticket.updated';
  readonly ticketId: string;
  readonly projectId: string;
  readonly externalId: string;
  readonly fields: readonly FieldKey[];
  readonly at: string;
}

/** The external item was deleted: the link ended, the ticket was kept. */
export interface ExternalTicketUnlinked {
  readonly type: 'external_ticket.unlinked';
  readonly ticketId: string;
  readonly projectId: string;
  readonly externalId: string;
  readonly at: string;
}

/** A sync session with a project started, progressed, completed or failed. */
export interface SyncSessionEvent {
  readonly type: 'sync.started' | 'sync.progress' | 'sync.completed' | 'sync.failed';
  readonly projectId: string;
  readonly sessionId: string;
  readonly at: string;
}

/** A value could not be synced with a project (unmappable, or refused); it is recorded, never dropped silently. */
export interface SyncErrorRaised {
  readonly type: 'sync.error';
  readonly projectId: string;
  readonly ticketId: string | null;
  readonly field: string | null;
  readonly message: string;
  readonly at: string;
}

/** A comment was added to a ticket, edited or deleted (on the hub or on a connected side). */
export interface CommentChanged {
  readonly type: 'comment.added' | 'comment.edited' | 'comment.deleted';
  readonly ticketId: string;
  readonly commentId: string;
  /** `hub`, or the id of the project the write came from. */
  readonly origin: string;
  readonly author: string;
  readonly at: string;
}

/** Every event the domain emits. */
export type DomainEvent =
  | TicketCreated
  | TicketUpdated
  | ConflictDetected
  | ConflictResolved
  | ProjectConfigured
  | ExternalTicketCreated
  | ExternalTicketUpdated
  | ExternalTicketUnlinked
  | SyncSessionEvent
  | SyncErrorRaised
  | CommentChanged;
