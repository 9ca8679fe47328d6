// Reading the alerts of alert-group tickets: a ticket's member alerts, newest first (by when each
// started firing), paged by keyset so the pages stay stable while alerts keep arriving.
import { AlertInstance } from '#domain/alert/alert-instance.ts';
import type { UnitOfWork } from '#infra/persistence/unit-of-work.ts';
import { isHubId } from './ids.ts';
import { keyset, type KeysetPage } from './keyset.ts';

/** The alert read use cases. */
export interface AlertService {
  /** The alerts of ticket `ticketId`, newest first. */
  listForTicket(ticketId: string, page: KeysetPage): Promise<AlertInstance[]>;
}

/** Alert service over `uow`. */
export function createAlertService(uow: UnitOfWork): AlertService {
  return {
    async listForTicket(ticketId, page) {
      if (!isHubId(ticketId)) return [];
      const { where, orderBy, limit } = keyset('startsAt', page);
      return uow.reader().find(AlertInstance, { $and: [{ ticketId }, ...where] }, { orderBy, limit });
    },
  };
}
