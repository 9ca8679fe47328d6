// The tickets a batch of reports touches, locked with every live link they have and read with their
// open conflicts in three queries before the batch applies, instead of four queries per item: the
// appliers take a ticket, its conflicts and its other links from here. Locks are taken tickets
// first, then links, each in id order, the order every other writer of a ticket and its links
// takes them in, so transactions over overlapping tickets queue instead of deadlocking.
import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Conflict } from '#domain/conflict/conflict.ts';
import { SyncMapping } from '#domain/sync/mapping.ts';
import { Ticket } from '#domain/ticket/ticket.ts';

/** Locked tickets of one batch, their live links and their open conflicts, kept current as the batch applies. */
export interface HeldTickets {
  /** Every held ticket, in id order. */
  tickets(): readonly Ticket[];
  ticket(id: string): Ticket | undefined;
  /** Live links of ticket `id` (as loaded, minus those unlinked since). */
  linksOf(id: string): SyncMapping[];
  /** Open conflicts of ticket `id`, those opened by this batch included. */
  openConflictsOf(id: string): Conflict[];
  /** A conflict this batch opened (persisted by the caller). */
  opened(conflict: Conflict): void;
}

/** The tickets linked to items `externalIds` of project `projectId`, locked in id order and loaded: one statement. */
const LOCK_LINKED_TICKETS = `
  select t.* from tickets t
   where t.id in (select m.ticket_id from sync_mappings m where m.project_id = ? and m.external_id in (?) and m.status = 'linked')
   order by t.id for update of t`;

/** Locks the tickets linked to items `externalIds` of `projectId`, all their live links, and reads their open conflicts. */
export async function holdLinkedTickets(em: EntityManager, projectId: string, externalIds: readonly string[]): Promise<HeldTickets> {
  const rows = await em.getConnection().execute<Array<Record<string, unknown>>>(LOCK_LINKED_TICKETS, [projectId, externalIds], 'all', em.getTransactionContext());
  return hold(em, rows.map((row) => em.map(Ticket, row)));
}

async function hold(em: EntityManager, tickets: readonly Ticket[]): Promise<HeldTickets> {
  const ids = tickets.map((ticket) => ticket.id);
  const lock = { lockMode: LockMode.PESSIMISTIC_WRITE } as const;
  const links = ids.length === 0 ? [] : await em.find(SyncMapping, { ticketId: { $in: ids }, status: 'linked' }, { ...lock, orderBy: { id: 'asc' } });
  const conflicts = ids.length === 0 ? [] : await em.find(Conflict, { ticketId: { $in: ids }, status: 'open' });
  const byId = new Map(tickets.map((ticket) => [ticket.id, ticket]));
  const group = <T extends { ticketId: string }>(rows: readonly T[]) => {
    const grouped = new Map<string, T[]>();
    for (const row of rows) grouped.set(row.ticketId, [...(grouped.get(row.ticketId) ?? []), row]);
    return grouped;
  };
  const linksByTicket = group(links);
  const conflictsByTicket = group(conflicts);
  return {
    tickets: () => tickets,
    ticket: (id) => byId.get(id),
    linksOf: (id) => (linksByTicket.get(id) ?? []).filter((link) => link.status === 'linked'),
    openConflictsOf: (id) => (conflictsByTicket.get(id) ?? []).filter((conflict) => conflict.isOpen()),
    opened(conflict) {
      conflictsByTicket.set(conflict.ticketId, [...(conflictsByTicket.get(conflict.ticketId) ?? []), conflict]);
    },
  };
}
