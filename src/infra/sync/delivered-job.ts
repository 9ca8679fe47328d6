// The statements of a delivered push, written by hand (this runs once per change): the job's end,
// which is also its row lock and gives its lease back, and one locked read of the ticket and the
// mapping the acknowledgement changes. Locks are taken job, ticket, mapping: every writer's order.
import type { EntityManager } from '@mikro-orm/postgresql';
import { SyncMapping } from '#domain/sync/mapping.ts';
import { Ticket } from '#domain/ticket/ticket.ts';
import { preparedPerSchema, runPrepared } from '#infra/persistence/prepared-statement.ts';
import type { PushJob } from '#infra/persistence/sync-records.ts';
import { entityFrom, prefixedColumns, type PrefixedRow } from './claimed-rows.ts';
import type { LeaseHolder } from './job-lease.ts';

/**
 * Marks the job delivered (and gives its lease back) if it is still pending and `holder` still holds
 * it; false otherwise (unlinked or ended meanwhile, or the lease was lost to another process, whose
 * run then records the push). `mappingId` is the link a create made.
 */
export async function markDelivered(em: EntityManager, holder: LeaseHolder, nowMs: number, mappingId: string | null): Promise<boolean> {
  const now = new Date(nowMs);
  const rows = await em.getConnection().execute<Array<{ id: string }>>(
    `update push_jobs set status = 'delivered', delivered_at = ?, updated_at = ?, mapping_id = coalesce(?, mapping_id),
            lease_owner = null, lease_until = null
      where id = ? and status = 'pending' and lease_owner = ?
      returning id`,
    [now, now, mappingId, holder.jobId, holder.owner],
    'all',
    em.getTransactionContext(),
  );
  return rows.length > 0;
}

/** The job's status, under its row lock (after `markDelivered` found it no longer ours to end). */
export async function lockedJobStatus(em: EntityManager, jobId: string): Promise<PushJob['status'] | null> {
  const rows = await em
    .getConnection()
    .execute<Array<{ status: PushJob['status'] }>>('select status from push_jobs where id = ? for update', [jobId], 'all', em.getTransactionContext());
  return rows[0]?.status ?? null;
}

const ticketAndMapping = preparedPerSchema(
  (em) => `select ${prefixedColumns(em, Ticket, 't', 'ticket')}, ${prefixedColumns(em, SyncMapping, 'm', 'mapping')}
       from tickets t join sync_mappings m on m.id = $1
      where t.id = $2
        for update of t, m`,
);

/** Ticket `ticketId` and mapping `mappingId`, locked in that order by one statement; null when either is gone. */
export async function lockTicketAndMapping(
  em: EntityManager,
  ticketId: string,
  mappingId: string,
): Promise<{ ticket: Ticket; mapping: SyncMapping } | null> {
  const rows = await runPrepared<PrefixedRow>(em, ticketAndMapping(em), [mappingId, ticketId]);
  const row = rows[0];
  if (!row) return null;
  const ticket = entityFrom(em, Ticket, row, 'ticket');
  const mapping = entityFrom(em, SyncMapping, row, 'mapping');
  return ticket && mapping ? { ticket, mapping } : null;
}
