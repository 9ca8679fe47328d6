// A create answered after a person unlinked the ticket (unlinkTicket ended the job while the call
// was in flight): the item exists there now, so it is recorded as an ended link with a tombstone,
// and its deliveries are ignored like those of any unlinked item instead of imported as a twin.
import type { EntityManager } from '@mikro-orm/postgresql';
import { SyncMapping } from '#domain/sync/mapping.ts';
import { Ticket } from '#domain/ticket/ticket.ts';
import { AuditEntry, type PushJob } from '#infra/persistence/sync-records.ts';
import { newHubId } from '#infra/services/ids.ts';

/** True for a create that unlinkTicket ended (the only way a create job ends superseded). */
export function isCreateEndedByUnlink(job: PushJob): boolean {
  return job.operation === 'create' && job.status === 'superseded';
}

/** Records `externalId`, created by `job` after the unlink, as an unlinked item (inside the caller's transaction). */
export async function recordCreateAfterUnlink(
  em: EntityManager,
  job: PushJob,
  externalId: string,
  externalUrl: string | null,
): Promise<void> {
  if ((await em.count(SyncMapping, { projectId: job.projectId, externalId })) > 0) return;
  const ticket = await em.findOne(Ticket, { id: job.ticketId });
  if (!ticket) return;
  // Who unlinked it: the latest `link` entry of the ticket's history with the project.
  const where = { ticketId: job.ticketId, projectId: job.projectId, field: 'link' };
  const unlinked = await em.find(AuditEntry, where, { orderBy: { at: 'desc' }, limit: 1 });
  const mapping = SyncMapping.link({
    id: newHubId(),
    ticket,
    projectId: job.projectId,
    externalId,
    fields: [],
    nowMs: Date.now(),
    externalUrl,
  });
  mapping.stop(unlinked[0]?.actor ?? 'unlinkTicket', Date.now());
  em.persist(mapping);
}
