// What the appliers of external items and of peer states share: loading a linked ticket with its
// open conflicts, turning applied changes into audit entries, and planning pushes to every link.
import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Conflict } from '#domain/conflict/conflict.ts';
import type { DomainEvent } from '#domain/events.ts';
import type { ItemOutcome } from '#domain/project/sync-session.ts';
import { SyncMapping } from '#domain/sync/mapping.ts';
import { Ticket } from '#domain/ticket/ticket.ts';
import { AuditEntry } from '#infra/persistence/sync-records.ts';
import type { HeldTickets } from './held-tickets.ts';
import { planTicketPushes, type ProjectLookup } from './push-planner.ts';

/** Where the items came from and whether to plan follow-up pushes. */
export interface ApplyItemsContext {
  readonly hub: string;
  readonly deliveryId: string;
  /** Dry runs neither plan pushes nor write audit entries (nothing is flushed anyway). */
  readonly dryRun: boolean;
  /** Projects for planning pushes, read-only (a recent copy); read in the transaction when absent. */
  readonly projectOf?: ProjectLookup;
}

/** An item that changed nothing. */
export const none: ItemOutcome = { created: 0, updated: 0, unchanged: 1, conflicts: 0, entries: [] };

/** The linked ticket (locked unless dry) and its open conflicts, or null when it is gone; from `held` when it holds them. */
export async function loadLinkedTicket(
  em: EntityManager,
  mapping: SyncMapping,
  ctx: ApplyItemsContext,
  held?: HeldTickets,
): Promise<{ ticket: Ticket; openConflicts: Conflict[] } | null> {
  const kept = held?.ticket(mapping.ticketId);
  if (kept && held) return { ticket: kept, openConflicts: held.openConflictsOf(kept.id) };
  const ticket = await em.findOne(Ticket, { id: mapping.ticketId }, ctx.dryRun ? {} : { lockMode: LockMode.PESSIMISTIC_WRITE });
  if (!ticket) return null;
  return { ticket, openConflicts: await em.find(Conflict, { ticketId: ticket.id, status: 'open' }) };
}

/** One audit entry per applied field change. */
export function auditOf(events: readonly DomainEvent[], projectId: string, deliveryId: string): AuditEntry[] {
  return events.flatMap((event) =>
    event.type !== 'ticket.updated'
      ? []
      : event.changes.map((change) =>
          Object.assign(new AuditEntry(), {
            ticketId: event.ticketId,
            projectId,
            field: change.field,
            fromValue: change.from,
            toValue: change.to,
            origin: change.origin.replica,
            actor: change.origin.actor ?? null,
            deliveryId,
            at: new Date(event.at),
          }),
        ),
  );
}

/**
 * Plans pushes to every live link of the ticket in the same transaction that applied the change,
 * instead of waiting for the planner to hear about it: one commit-and-relay hop fewer per change.
 */
export async function planAllLinks(em: EntityManager, ticket: Ticket, reporting: SyncMapping, ctx: ApplyItemsContext, held?: HeldTickets) {
  const others = held?.ticket(ticket.id)
    ? held.linksOf(ticket.id).filter((link) => link.id !== reporting.id)
    : await em.find(SyncMapping, { ticketId: ticket.id, status: 'linked', id: { $ne: reporting.id } }, { lockMode: LockMode.PESSIMISTIC_WRITE });
  return planTicketPushes(em, ticket, [reporting, ...others], ctx.projectOf);
}

