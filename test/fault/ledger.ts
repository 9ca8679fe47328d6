// The counts a fault test checks once Lockstep has recovered: what is still waiting (inbox, push
// jobs, sessions, outbox), what each source delivered and each receiver got, so a test can say
// "every accepted delivery applied once, every change pushed once, no twin, nothing stuck".
import type { GenericWebhookSimulator } from '#simulators/generic-webhook/simulator.ts';
import { query } from '#test/support/databases.ts';
import { finalTitles, type PlannedDelivery } from './burst-sender.ts';

/** Work that has not reached its end state; all zero once Lockstep has caught up. */
export interface Backlog {
  readonly pendingPushJobs: number;
  readonly deadPushJobs: number;
  readonly pendingInbox: number;
  readonly failedInbox: number;
  readonly runningSessions: number;
  readonly unpublishedOutbox: number;
}

const count = async (db: string, sql: string, params: unknown[] = []): Promise<number> =>
  Number((await query<{ n: string }>(db, sql, params))[0]?.n ?? 0);

/** What is still waiting in the database `db`. */
export async function backlog(db: string): Promise<Backlog> {
  return {
    pendingPushJobs: await count(db, `select count(*) as n from push_jobs where status = 'pending'`),
    deadPushJobs: await count(db, `select count(*) as n from push_jobs where status = 'dead'`),
    pendingInbox: await count(db, `select count(*) as n from inbox where status = 'pending'`),
    failedInbox: await count(db, `select count(*) as n from inbox where status = 'failed'`),
    runningSessions: await count(db, `select count(*) as n from sync_sessions where status = 'running'`),
    unpublishedOutbox: await count(db, 'select count(*) as n from outbox where published_at is null'),
  };
}

export const caughtUp: Backlog = {
  pendingPushJobs: 0,
  deadPushJobs: 0,
  pendingInbox: 0,
  failedInbox: 0,
  runningSessions: 0,
  unpublishedOutbox: 0,
};

/** How an inbound burst landed in project `projectId`. */
export interface InboundLedger {
  /** Inbox rows, one per distinct delivery id. */
  readonly inboxRows: number;
  /** Items with more than one linked ticket, or with none. */
  readonly itemsWithoutOneTicket: string[];
  /** Items whose ticket does not hold the newest title sent. */
  readonly staleItems: string[];
  /** Delivery ids applied more than once (a field changed twice under one delivery id). */
  readonly appliedTwice: string[];
}

/** Counts what the burst `planned` left in project `projectId` of database `db`. */
export async function inboundLedger(
  db: string,
  projectId: string,
  planned: readonly PlannedDelivery[],
): Promise<InboundLedger> {
  const inboxRows = await count(db, 'select count(*) as n from inbox where project_id = $1', [projectId]);
  const links = await query<{ external_id: string; tickets: string; title: string }>(
    db,
    `select m.external_id, count(*) as tickets, min(t.title) as title
       from sync_mappings m join tickets t on t.id = m.ticket_id
      where m.project_id = $1 and m.status = 'linked' group by m.external_id`,
    [projectId],
  );
  const byItem = new Map(links.map((link) => [link.external_id, link]));
  const titles = finalTitles(planned);
  const twice = await query<{ delivery_id: string }>(
    db,
    `select delivery_id from audit_entries where project_id = $1 and delivery_id is not null
      group by delivery_id, field, ticket_id having count(*) > 1`,
    [projectId],
  );
  return {
    inboxRows,
    itemsWithoutOneTicket: [...titles.keys()].filter((id) => Number(byItem.get(id)?.tickets ?? 0) !== 1),
    staleItems: [...titles].filter(([id, title]) => byItem.get(id)?.title !== title).map(([id]) => id),
    appliedTwice: twice.map((row) => row.delivery_id),
  };
}

/** How the pushes of project `projectId` reached the receiving simulator. */
export interface PushLedger {
  readonly jobs: number;
  /** Jobs delivered that the receiver never answered 2xx (a change reported pushed but lost). */
  readonly deliveredButNotReceived: number;
  /** Delivery ids the receiver accepted that are no job of the project. */
  readonly unknownDeliveryIds: number;
  /** Tickets created on the receiver under more than one delivery id (twins). */
  readonly ticketsCreatedTwice: string[];
  /** Items on the receiver. */
  readonly receiverItems: number;
  /** Linked tickets whose title on the receiver differs from the hub's. */
  readonly divergent: string[];
  /** Delivery ids received more than once (a retry after a crash; harmless, shown for context). */
  readonly redelivered: number;
}

/** Counts what project `projectId` pushed to `receiver`. */
export async function pushLedger(
  db: string,
  projectId: string,
  receiver: GenericWebhookSimulator,
): Promise<PushLedger> {
  const jobs = await query<{ id: string; status: string }>(
    db,
    'select id, status from push_jobs where project_id = $1',
    [projectId],
  );
  const accepted = receiver.deliveries.filter((delivery) => delivery.status < 300 && delivery.signatureValid);
  const idOf = (body: unknown) => String((body as { deliveryId?: unknown } | undefined)?.deliveryId ?? '');
  const received = new Map<string, number>();
  for (const delivery of accepted) received.set(idOf(delivery.body), (received.get(idOf(delivery.body)) ?? 0) + 1);
  const creates = new Map<string, Set<string>>();
  for (const delivery of accepted.filter((d) => d.event === 'ticket.created')) {
    const ticketId = String((delivery.body as { ticket?: { id?: unknown } }).ticket?.id ?? '');
    creates.set(ticketId, (creates.get(ticketId) ?? new Set()).add(idOf(delivery.body)));
  }
  const jobIds = new Set(jobs.map((job) => job.id));
  const links = await query<{ ticket_id: string; external_id: string; title: string }>(
    db,
    `select m.ticket_id, m.external_id, t.title from sync_mappings m join tickets t on t.id = m.ticket_id
      where m.project_id = $1 and m.status = 'linked'`,
    [projectId],
  );
  return {
    jobs: jobs.length,
    deliveredButNotReceived: jobs.filter((job) => job.status === 'delivered' && !received.has(job.id)).length,
    unknownDeliveryIds: [...received.keys()].filter((id) => !jobIds.has(id)).length,
    ticketsCreatedTwice: [...creates].filter(([, ids]) => ids.size > 1).map(([ticketId]) => ticketId),
    receiverItems: receiver.items.size,
    divergent: links
      .filter((link) => receiver.items.get(link.external_id)?.fields['title'] !== link.title)
      .map((link) => link.ticket_id),
    redelivered: [...received.values()].filter((times) => times > 1).length,
  };
}
