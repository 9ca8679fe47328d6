// Reading the alerts of alert-group tickets: a ticket's member alerts, newest first (by when each
// started firing), paged by keyset so the pages stay stable while alerts keep arriving.
import { AlertInstance } from '#domain/alert/alert-instance.ts';
import { pagePerKey } from '#infra/persistence/page-per-key.ts';
import { createPlainReads } from '#infra/persistence/plain-reads.ts';
import type { UnitOfWork } from '#infra/persistence/unit-of-work.ts';
import { isHubId } from './ids.ts';
import type { KeysetPage } from './keyset.ts';

/** The alert read use cases. */
export interface AlertService {
  /** The same page of each ticket's alerts, newest first, in one query (forwards only: `after`). */
  listForTickets(ticketIds: readonly string[], page: KeysetPage): Promise<Map<string, AlertInstance[]>>;
}

/** Alert service over `uow`. */
export function createAlertService(uow: UnitOfWork): AlertService {
  // Pages of tickets' alerts are only displayed: read without hydration.
  const plain = createPlainReads(uow.reader());
  return {
    listForTickets: (ticketIds, page) =>
      pagePerKey(plain, AlertInstance, {
        key: 'ticketId',
        ids: ticketIds.filter(isHubId),
        orderBy: 'startsAt',
        direction: 'desc',
        ...(page.after ? { after: page.after } : {}),
        limit: page.limit,
      }),
  };
}
