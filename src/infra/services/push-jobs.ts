// Outbound deliveries as operators see them: list push jobs (pending, delivered, dead) and retry
// a dead one. A dead create is queued again under the same delivery id; a dead update is replaced
// by a fresh plan of the ticket, since the hub's values may have moved on since it failed.
import { LockMode } from '@mikro-orm/core';
import { BadInputError, NotFoundError } from './errors.ts';
import { AuditEntry, PushJob } from '#infra/persistence/sync-records.ts';
import { pagePerKey } from '#infra/persistence/page-per-key.ts';
import { createPlainReads } from '#infra/persistence/plain-reads.ts';
import type { UnitOfWork } from '#infra/persistence/unit-of-work.ts';
import type { PushRequested } from '#infra/sync/engine-events.ts';
import { Ticket } from '#domain/ticket/ticket.ts';
import { SyncMapping } from '#domain/sync/mapping.ts';
import { planTicketPushes } from '#infra/sync/push-planner.ts';
import { isHubId } from './ids.ts';
import { keyset, type KeysetPage } from './keyset.ts';

/** Filters of the push job list. */
export interface PushJobFilter {
  readonly projectId?: string;
  readonly ticketId?: string;
  readonly status?: PushJob['status'];
}

/** Push job and audit queries, and the dead-letter retry. */
export interface PushJobService {
  list(filter: PushJobFilter, page: KeysetPage): Promise<PushJob[]>;
  retry(jobId: string): Promise<PushJob | null>;
  /** The latest `limit` history entries of each ticket, in one query. */
  historyOfTickets(ticketIds: readonly string[], limit: number): Promise<Map<string, AuditEntry[]>>;
}

/** Push job service over `uow`. */
export function createPushJobService(uow: UnitOfWork): PushJobService {
  // Pages of tickets' history are only displayed: read without hydration.
  const plain = createPlainReads(uow.reader());
  return {
    list(filter, page) {
      // An id that is not a hub id names nothing: an empty list, not a query.
      if ([filter.projectId, filter.ticketId].some((id) => id !== undefined && !isHubId(id))) return Promise.resolve([]);
      const where: object[] = [];
      if (filter.projectId !== undefined) where.push({ projectId: filter.projectId });
      if (filter.ticketId !== undefined) where.push({ ticketId: filter.ticketId });
      if (filter.status !== undefined) where.push({ status: filter.status });
      const { where: position, orderBy, limit } = keyset('createdAt', page);
      return uow.reader().find(PushJob, { $and: [...where, ...position] }, { orderBy, limit });
    },

    retry: (jobId) =>
      uow.run<PushJob | null>(async (em) => {
        const job = isHubId(jobId) ? await em.findOne(PushJob, { id: jobId }, { lockMode: LockMode.PESSIMISTIC_WRITE }) : null;
        if (!job) throw new NotFoundError(`No push job with id "${jobId}"`);
        if (job.status !== 'dead') throw new BadInputError(`push job ${jobId} is ${job.status}; only dead jobs can be retried`);
        if (job.operation === 'create') {
          Object.assign(job, { status: 'pending', attempts: 0, lastError: null, nextAttemptAt: new Date(), updatedAt: new Date() });
          const message: PushRequested = { type: 'push.requested', projectId: job.projectId, ticketId: job.ticketId, jobId: job.id };
          return { result: job, events: [message] };
        }
        const ticket = await em.findOne(Ticket, { id: job.ticketId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
        const mappings = job.mappingId ? await em.find(SyncMapping, { id: job.mappingId }, { lockMode: LockMode.PESSIMISTIC_WRITE }) : [];
        if (!ticket) return { result: null, events: [] };
        const requested = await planTicketPushes(em, ticket, mappings);
        const next = requested[0] ? await em.findOne(PushJob, { id: requested[0].jobId }) : null;
        return { result: next, events: requested };
      }),

    historyOfTickets: (ticketIds, limit) =>
      pagePerKey(plain, AuditEntry, { key: 'ticketId', ids: ticketIds.filter(isHubId), orderBy: 'id', direction: 'desc', limit }),

  };
}
