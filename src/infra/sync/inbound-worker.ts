// Applies stored deliveries to the hub through `applyItems`. An unknown item is only imported once
// no create of ours for that project is still in flight, so our own create's delivery never
// becomes a twin. Ticket, links, conflicts, audit entries and events commit together; a processed
// delivery is never applied twice. Values the hub cannot accept fail the delivery visibly.
import { LockMode } from '@mikro-orm/core';
import { DomainError } from '#domain/errors.ts';
import type { DomainEvent } from '#domain/events.ts';
import { ExternalProject } from '#domain/project/external-project.ts';
import type { ExternalItem } from '#domain/project/connector.ts';
import type { ProjectService } from '#infra/services/projects.ts';
import { SyncMapping } from '#domain/sync/mapping.ts';
import type { Outcome } from '#infra/bus/durable-consumer.ts';
import type { Logger } from '#infra/logger.ts';
import { InboxDelivery, PushJob } from '#infra/persistence/sync-records.ts';
import type { UnitOfWork } from '#infra/persistence/unit-of-work.ts';
import type { EngineEvent } from './engine-events.ts';
import { applyItems } from './item-applier.ts';

/** How long a delivery about an unknown item waits for our own creates to be linked. */
const createSettleMs = 30_000;

/** Applies one inbox delivery by id; safe to call again. */
export type DeliveryProcessor = (inboxId: string) => Promise<Outcome>;

/** The inbound processor over `uow`; `hub` is the hub's replica id. */
export function createInboundWorker(uow: UnitOfWork, projects: ProjectService, hub: string, logger: Logger): DeliveryProcessor {
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

  return async (inboxId) => {
    const em = uow.reader();
    const delivery = await em.findOne(InboxDelivery, { id: inboxId });
    if (!delivery || delivery.status !== 'pending') return 'done';
    const project = await em.findOne(ExternalProject, { id: delivery.projectId });
    if (!project) return 'done';
    if (!project.isSyncing()) return 'done'; // stays pending; sent again when the project resumes
    let unknown = 0;
    for (const item of delivery.items) {
      unknown += (await em.count(SyncMapping, { projectId: project.id, externalId: item.externalId, status: 'linked' })) === 0 ? 1 : 0;
    }
    if (unknown > 0 && Date.now() - delivery.receivedAt.getTime() < createSettleMs) {
      const creating = await em.count(PushJob, { projectId: project.id, operation: 'create', status: 'pending' });
      if (creating > 0) return { retryInMs: 250 };
    }

    // Read before the transaction: a transient failure here retries the delivery later.
    const items = await complete(project, delivery.items);
    try {
      return await uow.run(async (tx) => {
        const inbox = await tx.findOne(InboxDelivery, { id: inboxId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
        if (!inbox || inbox.status !== 'pending') return { result: 'done' as Outcome, events: [] };
        const events: Array<DomainEvent | EngineEvent> = [];
        await applyItems(tx, project, items, { hub, deliveryId: inbox.deliveryId, dryRun: false }, events);
        inbox.status = 'processed';
        inbox.processedAt = new Date();
        inbox.attempts += 1;
        return { result: 'done' as Outcome, events };
      });
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      logger.warn({ inboxId, err: error.message }, 'delivery refused by the domain');
      await uow.run(async (tx) => {
        const inbox = await tx.findOne(InboxDelivery, { id: inboxId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
        if (inbox && inbox.status === 'pending') Object.assign(inbox, { status: 'failed', error: error.message, attempts: inbox.attempts + 1 });
        return { result: undefined, events: [] };
      });
      return 'done';
    }
  };
}
