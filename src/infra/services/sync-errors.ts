// Reading sync errors: per link (ticket and project) and per project, newest first.
import { SyncErrorRecord } from '#infra/persistence/sync-records.ts';
import type { UnitOfWork } from '#infra/persistence/unit-of-work.ts';
import { isHubId } from './ids.ts';

/** Sync error queries. */
export interface SyncErrorService {
  list(filter: { projectId?: string; ticketId?: string }, limit: number): Promise<SyncErrorRecord[]>;
}

/** Sync error queries over `uow`. */
export function createSyncErrorService(uow: UnitOfWork): SyncErrorService {
  return {
    async list(filter, limit) {
      if ((filter.projectId !== undefined && !isHubId(filter.projectId)) || (filter.ticketId !== undefined && !isHubId(filter.ticketId))) return [];
      const where = {
        ...(filter.projectId !== undefined ? { projectId: filter.projectId } : {}),
        ...(filter.ticketId !== undefined ? { ticketId: filter.ticketId } : {}),
      };
      return uow.reader().find(SyncErrorRecord, where, { orderBy: [{ at: 'desc' }, { id: 'desc' }], limit: Math.min(Math.max(limit, 1), 100) });
    },
  };
}
