// Reading sync errors: per link (ticket and project) and per project, newest first, a keyset page at a time.
import { SyncErrorRecord } from '#infra/persistence/sync-records.ts';
import type { UnitOfWork } from '#infra/persistence/unit-of-work.ts';
import { isHubId } from './ids.ts';
import { keyset, type KeysetPage } from './keyset.ts';

/** Sync error queries. */
export interface SyncErrorService {
  list(filter: { projectId?: string; ticketId?: string }, page: KeysetPage): Promise<SyncErrorRecord[]>;
}

/** Sync error queries over `uow`. */
export function createSyncErrorService(uow: UnitOfWork): SyncErrorService {
  return {
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
