// The conflict inbox: list conflicts, and let a reviewer settle one. Resolution locks the ticket,
// applies the chosen value as a write that dominates every candidate, and commits ticket,
// conflict and events together.
import { LockMode } from '@mikro-orm/core';
import type { FilterQuery } from '@mikro-orm/postgresql';
import { Conflict, type ConflictStatus } from '#domain/conflict/conflict.ts';
import { Ticket } from '#domain/ticket/ticket.ts';
import { NotFoundError } from './errors.ts';
import type { Caller } from '#infra/auth/tokens.ts';
import type { UnitOfWork } from '#infra/persistence/unit-of-work.ts';
import { isHubId } from './ids.ts';
import { keyset, type KeysetPage } from './keyset.ts';
import { createPlainReads } from '#infra/persistence/plain-reads.ts';

/** Filters of the conflict list. `projectId: null` selects conflicts between hub writers. */
export interface ConflictFilter {
  readonly status?: ConflictStatus;
  readonly projectId?: string | null;
  readonly ticketId?: string;
}

/** Keyset page over conflicts, newest first. */
export type ConflictPage = KeysetPage;

/** The conflict use cases. */
export interface ConflictService {
  get(id: string): Promise<Conflict | null>;
  list(filter: ConflictFilter, page: ConflictPage): Promise<Conflict[]>;
  openForTicket(ticketId: string): Promise<Conflict[]>;
  /** The open conflicts of many tickets in one query, oldest first, by ticket id. */
  openForTickets(ticketIds: readonly string[]): Promise<Map<string, Conflict[]>>;
  resolve(conflictId: string, value: unknown, caller: Caller): Promise<{ conflict: Conflict; ticket: Ticket }>;
}

/** Conflict service writing through `uow`; `replica` is the hub's own replica id. */
export function createConflictService(uow: UnitOfWork, replica: string): ConflictService {
  // The open conflicts of a page of tickets are only displayed: read without hydration.
  const plain = createPlainReads(uow.reader());
  return {
    get: async (id) => (isHubId(id) ? uow.reader().findOne(Conflict, { id }) : null),

    async list(filter, page) {
      const where: FilterQuery<Conflict>[] = [];
      if (filter.status) where.push({ status: filter.status });
      if (filter.projectId !== undefined) {
        if (filter.projectId !== null && !isHubId(filter.projectId)) return [];
        where.push({ projectId: filter.projectId });
      }
      if (filter.ticketId !== undefined) {
        if (!isHubId(filter.ticketId)) return [];
        where.push({ ticketId: filter.ticketId });
      }
      const { where: position, orderBy, limit } = keyset('detectedAt', page);
      return uow.reader().find(Conflict, { $and: [...where, ...position] as FilterQuery<Conflict>[] }, { orderBy, limit });
    },

    openForTicket: (ticketId) =>
      uow.reader().find(Conflict, { ticketId, status: 'open' }, { orderBy: [{ detectedAt: 'asc' }, { id: 'asc' }] }),
    async openForTickets(ticketIds) {
      const ids = ticketIds.filter(isHubId);
      const found = ids.length > 0
        ? await plain.all(Conflict, `select * from conflicts where ticket_id = any($1::uuid[]) and status = 'open' order by detected_at, id`, [ids])
        : [];
      return Map.groupBy(found, (conflict) => conflict.ticketId);
    },

    resolve: (conflictId, value, caller) =>
      uow.run(async (em) => {
        const found = isHubId(conflictId) ? await em.findOne(Conflict, { id: conflictId }) : null;
        if (!found) throw new NotFoundError(`No conflict with id "${conflictId}"`);
        const ticket = await em.findOne(Ticket, { id: found.ticketId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
        if (!ticket) throw new NotFoundError(`The ticket of conflict "${conflictId}" no longer exists`);
        // Re-read under the ticket lock so two reviewers cannot both resolve it.
        await em.refresh(found);
        const { events } = ticket.resolveConflict(found, value, { replica, actor: caller.name, nowMs: Date.now() });
        return { result: { conflict: found, ticket }, events };
      }),
  };
}
