// Reading sync errors: per link (ticket and project) and per project, newest first, a keyset page at a time.
import { SyncErrorRecord } from '#infra/persistence/sync-records.ts';
import { pagePerKey } from '#infra/persistence/page-per-key.ts';
import { createPlainReads } from '#infra/persistence/plain-reads.ts';
import type { UnitOfWork } from '#infra/persistence/unit-of-work.ts';
import { isHubId } from './ids.ts';
import { keyset, type KeysetPage } from './keyset.ts';

/** Sync error queries. */
export interface SyncErrorService {
  list(filter: { projectId?: string; ticketId?: string }, page: KeysetPage): Promise<SyncErrorRecord[]>;
  /** The newest `limit` errors of each ticket's link with `projectId`, in one query. */
  listForLinks(projectId: string, ticketIds: readonly string[], limit: number): Promise<Map<string, SyncErrorRecord[]>>;
}

/** Sync error queries over `uow`. */
export function createSyncErrorService(uow: UnitOfWork): SyncErrorService {
  // Pages of tickets' errors are only displayed: read without hydration.
  const plain = createPlainReads(uow.reader());
  return {
    listForLinks: async (projectId, ticketIds, limit) =>
      isHubId(projectId)
        ? pagePerKey(plain, SyncErrorRecord, { key: 'ticketId', ids: ticketIds.filter(isHubId), orderBy: 'at', direction: 'desc', limit, where: { projectId } })
        : new Map(),

    async list(filter, page) {
      if ([filter.projectId, filter.ticketId].some((id) => id !== undefined && !isHubId(id))) return [];
      const where: object[] = [];
      if (filter.projectId !== undefined) where.push({ projectId: filter.projectId });
      if (filter.ticketId !== undefined) where.push({ ticketId: filter.ticketId });
      const { where: position, orderBy, limit } = keyset('at', page);
      return uow.reader().find(SyncErrorRecord, { $and: [...where, ...position] }, { orderBy, limit });
    },
  };
}
