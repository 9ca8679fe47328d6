// Applies stored deliveries to the hub through `applyItems` (and `applyComments`, `applyAlerts`). An
// unknown item is only imported once no create of ours for that project is still in flight, so our own
// create's delivery never becomes a twin; comments wait the same way for our own comment writes. Ticket,
// links, conflicts, comments, audit entries and events commit together; a processed delivery is
// never applied twice. Values the hub cannot accept fail the delivery visibly. Items that are alerts
// until a ticket holds them go one way or the other (alert-items.ts); a side that only shows
// tickets is redrawn after a person's request from it (redraw.ts).
import { LockMode } from '@mikro-orm/core';
import { DomainError } from '#domain/errors.ts';
import type { DomainEvent } from '#domain/events.ts';
import type { ExternalProject } from '#domain/project/external-project.ts';
import type { ExternalComment, ExternalItem } from '#domain/project/connector.ts';
import type { ProjectService } from '#infra/services/projects.ts';
import type { Outcome } from '#infra/bus/durable-consumer.ts';
import type { Logger } from '#infra/logger.ts';
import { prepared, preparedQuery } from '#infra/persistence/prepared-statement.ts';
import { InboxDelivery, PushJob } from '#infra/persistence/sync-records.ts';
import type { SqlPool } from '#infra/persistence/sql-pool.ts';
import type { UnitOfWork } from '#infra/persistence/unit-of-work.ts';
import type { EngineEvent } from './engine-events.ts';
import { applyAlerts } from './alert-applier.ts';
import { linkAlertTickets, splitAlertItems } from './alert-items.ts';
import { redrawDisplays } from './redraw.ts';
import { applyComments } from './comment-applier.ts';
import { mirrorsCommentsOf } from './comment-planner.ts';
import { applyItems } from './item-applier.ts';

/** Applies one inbox delivery by id; safe to call again. */
export type DeliveryProcessor = (inboxId: string, deliveryCount?: number) => Promise<Outcome>;

/** The inbound processor over `uow`; `hub` is the hub's replica id. */
/**
 * The stored delivery, and how many of the items it reports (or comments on) have no live link
 * here: one statement where reading the row and counting links per item took one each.
 */
const READ_DELIVERY = prepared(`
  select i.project_id as "projectId", i.delivery_id as "deliveryId", i.status, i.items, i.comments, i.alerts,
    (select count(*)::int from (
        select item->>'externalId' as external_id from jsonb_array_elements(i.items) item
        union select comment->>'itemExternalId' from jsonb_array_elements(i.comments) comment) reported
      where not exists (select 1 from sync_mappings m
                         where m.project_id = i.project_id and m.external_id = reported.external_id and m.status = 'linked')) as unknown
    from inbox i where i.id = $1`);

/** Marks a pending delivery processed at the start of the transaction that applies it (rolled back with it). */
const CLAIM_DELIVERY = `update inbox set status = 'processed', processed_at = now(), attempts = attempts + 1 where id = ? and status = 'pending' returning id`;

type StoredDelivery = Pick<InboxDelivery, 'projectId' | 'deliveryId' | 'status' | 'items' | 'comments' | 'alerts'> & { readonly unknown: number };

export function createInboundWorker(uow: UnitOfWork, sql: SqlPool, projects: ProjectService, hub: string, logger: Logger): DeliveryProcessor {
  const mirrorsComments = mirrorsCommentsOf(projects);
  /** Items whose delivery could not carry some field faithfully are read from the side instead. */
  async function complete(project: ExternalProject, items: readonly ExternalItem[]): Promise<ExternalItem[]> {
    if (!items.some((item) => (item.needsFetch?.length ?? 0) > 0)) return [...items];
    const { connector, settings } = projects.settingsOf(project);
    if (!connector.capabilities.canFetch) return [...items];
    const session = connector.open(settings);
    return Promise.all(
      items.map(async (item) => {
        if (!item.needsFetch?.length || item.deleted) return item;
        const read = await session.fetchItem(item.externalId, AbortSignal.timeout(15_000));
        return read ?? item;
      }),
    );
  }

  /** Comments whose delivery could not carry the body faithfully are read from the side. */
  async function completeComments(project: ExternalProject, comments: readonly ExternalComment[]): Promise<ExternalComment[]> {
    if (!comments.some((comment) => comment.needsFetch && !comment.deleted)) return [...comments];
    const { connector, settings } = projects.settingsOf(project);
    const channel = connector.capabilities.mirrorsComments ? connector.open(settings).comments : undefined;
    const fetch = channel?.fetch?.bind(channel);
    // Without a way to read them, they stay as they came; applyComments records each as a sync error.
    if (!fetch) return [...comments];
    return Promise.all(
      comments.map(async (comment) => {
        if (!comment.needsFetch || comment.deleted) return comment;
        return (await fetch(comment.itemExternalId, comment.externalId, AbortSignal.timeout(15_000))) ?? { ...comment, deleted: true, needsFetch: false };
      }),
    );
  }

  /** One line per ticket a delivery changed, with the ticket, project and delivery ids. */
  function logChanges(projectId: string, deliveryId: string, events: ReadonlyArray<DomainEvent | EngineEvent>): void {
    for (const event of events) {
      if (event.type === 'ticket.created') logger.info({ ticketId: event.ticketId, projectId, deliveryId }, 'ticket imported from project');
      else if (event.type === 'ticket.updated') {
        const fields = event.changes.map((change) => change.field);
        logger.info({ ticketId: event.ticketId, projectId, deliveryId, fields }, 'ticket changed from project');
      } else if (event.type === 'conflict.detected') {
        const { ticketId, conflictId, field } = event;
        logger.info({ ticketId, projectId, deliveryId, conflictId, field }, 'conflict opened');
      }
    }
  }

  return async (inboxId, deliveryCount = 1) => {
    const { rows } = await sql.query<StoredDelivery>(preparedQuery(READ_DELIVERY, [inboxId]));
    const delivery = rows[0];
    if (!delivery || delivery.status !== 'pending') return 'done';
    const project = await projects.recent(delivery.projectId);
    if (!project) return 'done';
    if (!project.isSyncing()) return 'done'; // stays pending; sent again when the project resumes
    const em = uow.reader();
    // However long our create takes, its item is ours: wait while any create of the project is
    // still pending (it ends delivered, linking the item, or dead), never for a fixed time only.
    const wait = { retryInMs: Math.min(250 * 2 ** Math.floor(deliveryCount / 8), 4_000) };
    if (delivery.unknown > 0) {
      const creating = await em.count(PushJob, { projectId: project.id, operation: 'create', status: 'pending' });
      if (creating > 0) return wait;
    }
    // Our own comment writes come back as deliveries too: wait until their answers are recorded.
    if (delivery.comments.length > 0) {
      const commenting = await em.count(PushJob, { projectId: project.id, operation: 'comment', status: 'pending' });
      if (commenting > 0) return wait;
    }

    // Read before the transaction: a transient failure here retries the delivery later.
    const items = await complete(project, delivery.items);
    const comments = await completeComments(project, delivery.comments);
    let applied: ReadonlyArray<DomainEvent | EngineEvent> = [];
    try {
      return await uow.run(async (tx) => {
        // Claimed first: a second run of the same delivery waits here, then finds it processed.
        const claimed = await tx.getConnection().execute<Array<{ id: string }>>(CLAIM_DELIVERY, [inboxId], 'all', tx.getTransactionContext());
        if (claimed.length !== 1) return { result: 'done' as Outcome, events: [] };
        const events: Array<DomainEvent | EngineEvent> = [];
        applied = events;
        const split = await splitAlertItems(tx, project, items);
        await applyItems(tx, project, split.items, { hub, deliveryId: delivery.deliveryId, dryRun: false, projectOf: projects.recent }, events);
        const connector = projects.connectorOf(project.kind);
        if (connector.capabilities.displaysTicket) await redrawDisplays(tx, project, split.items, events);
        if (comments.length > 0) await applyComments(tx, project, comments, { deliveryId: delivery.deliveryId, mirrorsComments }, events);
        const alerts = [...delivery.alerts, ...split.alerts];
        const alertPolicy = alerts.length > 0 ? connector.alertPolicy?.(project.config) : undefined;
        if (alertPolicy) await applyAlerts(tx, project, alerts, alertPolicy, { deliveryId: delivery.deliveryId }, events);
        if (split.unlinked.length > 0) await linkAlertTickets(tx, project, split.unlinked, events);
        return { result: 'done' as Outcome, events };
      }).then((outcome) => {
        logChanges(delivery.projectId, delivery.deliveryId, applied);
        return outcome;
      });
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      logger.warn({ projectId: delivery.projectId, deliveryId: delivery.deliveryId, inboxId, err: error.message }, 'delivery refused by the domain');
      await uow.run(async (tx) => {
        const inbox = await tx.findOne(InboxDelivery, { id: inboxId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
        if (inbox && inbox.status === 'pending') Object.assign(inbox, { status: 'failed', error: error.message, attempts: inbox.attempts + 1 });
        return { result: undefined, events: [] };
      });
      return 'done';
    }
  };
}
