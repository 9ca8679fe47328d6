// Ticket use cases: create, edit (optionally against the version the caller read), read, list.
// Each loads the aggregate under a row lock, lets the domain decide, and commits the ticket, any
// new conflicts and the events in one transaction.
import type { EntityManager } from '@mikro-orm/postgresql';
import { Conflict } from '#domain/conflict/conflict.ts';
import type { TicketInput, TicketKind, TicketPatch, TicketStatus, Priority } from '#domain/ticket/fields.ts';
import { Ticket } from '#domain/ticket/ticket.ts';
import { NotFoundError } from './errors.ts';
import type { Caller } from '#infra/auth/tokens.ts';
import type { UnitOfWork } from '#infra/persistence/unit-of-work.ts';
import { isHubId, newHubId } from './ids.ts';
import type { KeysetPage } from './keyset.ts';
import { createPlainReads } from '#infra/persistence/plain-reads.ts';
import { withLinksPlanned } from '#infra/sync/engine-events.ts';
import { ticketListStatement } from './tickets-list.ts';

/**
 * Read under the ticket's row lock with each edit: whether the ticket has a live link. Without one
 * the edit's `ticket.updated` says its links are planned (there are none), so the push planner has
 * nothing to read for it. Whatever links the ticket later takes that lock first and plans from the
 * state it reads then, which includes this edit.
 */
const liveLinkRead = (ticketId: string) => ({
  sql: `select exists (select 1 from sync_mappings where ticket_id = ? and status = 'linked') as linked`,
  values: [ticketId],
});

/** Filters of the ticket list; absent means "any". */
export interface TicketFilter {
  readonly status?: readonly TicketStatus[];
  readonly kind?: readonly TicketKind[];
  readonly priority?: readonly Priority[];
  readonly assignee?: string;
  readonly label?: string;
  /** Case-insensitive substring of title or description. */
  readonly text?: string;
}

/** Keyset page: tickets newest first, strictly after/before the given cursor position. */
export type TicketPage = KeysetPage;

/** The ticket use cases. */
export interface TicketService {
  create(input: TicketInput, caller: Caller): Promise<Ticket>;
  update(id: string, patch: TicketPatch, expectedVersion: string | undefined, caller: Caller): Promise<{ ticket: Ticket; conflicts: Conflict[] }>;
  get(id: string): Promise<Ticket | null>;
  /** Throws NotFoundError when there is no such ticket. */
  require(id: string, em?: EntityManager): Promise<Ticket>;
  list(filter: TicketFilter, page: TicketPage): Promise<Ticket[]>;
  /** The tickets with these ids that exist, in one query. */
  getMany(ids: readonly string[]): Promise<Map<string, Ticket>>;
}

/** Ticket service writing through `uow`; `replica` is the hub's own replica id. */
export function createTicketService(uow: UnitOfWork, replica: string): TicketService {
  // Reads only display what they load: plain statements, no hydration (see plain-reads.ts).
  const plain = createPlainReads(uow.reader());
  const context = (caller: Caller) => ({ replica, actor: caller.name, nowMs: Date.now(), newId: newHubId });

  async function require(id: string, em: EntityManager = uow.reader()): Promise<Ticket> {
    const ticket = isHubId(id) ? await em.findOne(Ticket, { id }) : null;
    if (!ticket) throw new NotFoundError(`No ticket with id "${id}"`);
    return ticket;
  }

  return {
    async create(input, caller) {
      const { ticket, events } = Ticket.create(input, context(caller));
      // A new ticket and its events: one statement, no transaction and no change set.
      await uow.insertWithEvents(Ticket, ticket, events);
      return ticket;
    },

    async update(id, patch, expectedVersion, caller) {
      if (!isHubId(id)) throw new NotFoundError(`No ticket with id "${id}"`);
      // The row locked and read (with whether it has a live link), the domain's decision, the row,
      // its new conflicts and its events committed: two round trips.
      return uow.editLocked(
        Ticket,
        id,
        (ticket, [links]) => {
          if (!ticket) throw new NotFoundError(`No ticket with id "${id}"`);
          const { events, conflicts } = ticket.edit(patch, {
            ...context(caller),
            ...(expectedVersion !== undefined ? { expectedVersion } : {}),
          });
          return { result: { ticket, conflicts }, events: links?.['linked'] === false ? events.map(withLinksPlanned) : events, added: conflicts };
        },
        liveLinkRead(id),
      );
    },

    get: async (id) => (isHubId(id) ? ((await plain.all(Ticket, 'select * from tickets where id = $1', [id]))[0] ?? null) : null),

    require: (id, em) => require(id, em),

    async getMany(ids) {
      const valid = ids.filter(isHubId);
      const found = valid.length > 0 ? await plain.all(Ticket, 'select * from tickets where id = any($1::uuid[])', [valid]) : [];
      return new Map(found.map((ticket) => [ticket.id, ticket]));
    },

    list(filter, page) {
      const { sql, params } = ticketListStatement(filter, page);
      return plain.all(Ticket, sql, params);
    },
  };
}
