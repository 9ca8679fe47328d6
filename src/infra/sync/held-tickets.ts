// The tickets a batch of reports touches, locked with every live link they have and read with their
// open conflicts in one statement before the batch applies, instead of four statements per item: the
// appliers take a ticket, its conflicts and its other links from here. Locks are taken tickets
// first, then links, each in id order, the order every other writer of a ticket and its links
// takes them in, so transactions over overlapping tickets queue instead of deadlocking.
import type { EntityManager } from '@mikro-orm/postgresql';
import { Conflict } from '#domain/conflict/conflict.ts';
import { SyncMapping } from '#domain/sync/mapping.ts';
import { Ticket } from '#domain/ticket/ticket.ts';
import { preparedPerSchema, runPrepared } from '#infra/persistence/prepared-statement.ts';
import { heldEntityFrom, prefixedColumns, type PrefixedRow } from './claimed-rows.ts';

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

/**
 * The tickets linked to items `externalIds` of project `projectId`, each with every live link it has
 * and its open conflicts: one statement. Rows come in ticket then link id order, and each ticket is
 * locked before its links (the order every writer of a ticket and its links takes).
 */
const linkedTickets = preparedPerSchema(
  (em) => `select ${prefixedColumns(em, Ticket, 't', 'ticket')}, ${prefixedColumns(em, SyncMapping, 'm', 'link')}, ${prefixedColumns(em, Conflict, 'c', 'conflict')}
      from tickets t
      join sync_mappings m on m.ticket_id = t.id and m.status = 'linked'
      left join conflicts c on c.ticket_id = t.id and c.status = 'open'
     where t.id in (select s.ticket_id from sync_mappings s where s.project_id = $1 and s.external_id = any($2::text[]) and s.status = 'linked')
     order by t.id, m.id
       for update of t, m`,
);

/** Locks the tickets linked to items `externalIds` of `projectId` and all their live links, and reads their open conflicts: one statement. */
export async function holdLinkedTickets(em: EntityManager, projectId: string, externalIds: readonly string[]): Promise<HeldTickets> {
  const rows = await runPrepared<PrefixedRow>(em, linkedTickets(em), [projectId, externalIds]);
  const tickets = new Map<string, Ticket>();
  const links = new Map<string, SyncMapping>();
  const conflicts = new Map<string, Conflict>();
  for (const row of rows) {
    const ticketId = String(row['ticket.id']);
    if (!tickets.has(ticketId)) tickets.set(ticketId, heldEntityFrom(em, Ticket, row, 'ticket') as Ticket);
    const linkId = String(row['link.id']);
    if (!links.has(linkId)) links.set(linkId, heldEntityFrom(em, SyncMapping, row, 'link') as SyncMapping);
    const conflictId = row['conflict.id'];
    if (conflictId !== null && conflictId !== undefined && !conflicts.has(String(conflictId))) {
      conflicts.set(String(conflictId), heldEntityFrom(em, Conflict, row, 'conflict') as Conflict);
    }
  }
  return held([...tickets.values()], [...links.values()], [...conflicts.values()].filter((conflict) => conflict.isOpen()));
}

function held(tickets: readonly Ticket[], links: readonly SyncMapping[], conflicts: readonly Conflict[]): HeldTickets {
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
