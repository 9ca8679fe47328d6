// Applies stored deliveries to the hub. For each reported item: a known link goes through the
// state model (fast-forward, echo, stale, or the field's strategy); an unknown item is imported as
// a new ticket when the project's direction allows pull — but only once no create of ours for that
// project is still in flight, so our own create's delivery never becomes a twin. Ticket, links,
// conflicts, audit entries and events commit together; a processed delivery is never applied twice.
import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Conflict } from '#domain/conflict/conflict.ts';
import type { DomainEvent } from '#domain/events.ts';
import { DomainError } from '#domain/errors.ts';
import type { ExternalItem } from '#domain/project/connector.ts';
import { ExternalProject } from '#domain/project/external-project.ts';
import { applyExternalReport } from '#domain/sync/apply-external.ts';
import { SyncMapping } from '#domain/sync/mapping.ts';
import { allowsPull } from '#domain/sync/policy.ts';
import type { TicketInput } from '#domain/ticket/fields.ts';
import { Ticket } from '#domain/ticket/ticket.ts';
import type { Outcome } from '#infra/bus/durable-consumer.ts';
import type { Logger } from '#infra/logger.ts';
import { AuditEntry, InboxDelivery, PushJob } from '#infra/persistence/sync-records.ts';
import type { UnitOfWork } from '#infra/persistence/unit-of-work.ts';
import { newHubId } from '#infra/services/ids.ts';
import { planTicketPushes } from './push-planner.ts';

/** How long a delivery about an unknown item waits for our own creates to be linked. */
const createSettleMs = 30_000;

/** Applies one inbox delivery by id; safe to call again. */
export type DeliveryProcessor = (inboxId: string) => Promise<Outcome>;

function auditOf(events: readonly DomainEvent[], projectId: string, deliveryId: string): AuditEntry[] {
  return events.flatMap((event) =>
    event.type !== 'ticket.updated'
      ? []
      : event.changes.map((change) =>
          Object.assign(new AuditEntry(), {
            ticketId: event.ticketId,
            projectId,
            field: change.field,
            fromValue: change.from,
            toValue: change.to,
            origin: change.origin.replica,
            actor: change.origin.actor ?? null,
            deliveryId,
            at: new Date(event.at),
          }),
        ),
  );
}

/** The inbound processor over `uow`; `hub` is the hub's replica id. */
export function createInboundWorker(uow: UnitOfWork, hub: string, logger: Logger): DeliveryProcessor {
  async function importItem(em: EntityManager, project: ExternalProject, item: ExternalItem, events: unknown[]): Promise<void> {
    const values = item.fields as Partial<TicketInput>;
    const title = typeof values.title === 'string' && values.title.trim() !== '' ? values.title : `${project.name} ${item.externalId}`;
    const actor = item.actor ?? project.name;
    const created = Ticket.create({ ...values, title }, { replica: project.id, actor, nowMs: Date.now(), newId: newHubId });
    em.persist(created.ticket);
    const mapping = SyncMapping.link({
      id: newHubId(),
      ticket: created.ticket,
      projectId: project.id,
      externalId: item.externalId,
      fields: project.mappedFields,
      nowMs: Date.now(),
      orderingKey: item.orderingKey,
      externalValues: item.fields,
      externalUrl: item.url ?? null,
    });
    em.persist(mapping);
    events.push(...created.events, {
      type: 'external_ticket.created',
      ticketId: created.ticket.id,
      projectId: project.id,
      externalId: item.externalId,
      at: new Date().toISOString(),
    });
    events.push(...(await planTicketPushes(em, created.ticket, [mapping])));
  }

  async function applyItem(em: EntityManager, project: ExternalProject, mapping: SyncMapping, item: ExternalItem, deliveryId: string, events: unknown[]) {
    const ticket = await em.findOne(Ticket, { id: mapping.ticketId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
    if (!ticket) return;
    const openConflicts = await em.find(Conflict, { ticketId: ticket.id, status: 'open' });
    const applied: DomainEvent[] = [];
    for (const [field, value] of Object.entries(item.fields)) {
      if (value === undefined) continue;
      const result = applyExternalReport(
        ticket,
        mapping,
        project.policy(),
        { field, value, orderingKey: item.orderingKey, observedAtMs: item.observedAtMs, ...(item.actor ? { actor: item.actor } : {}) },
        { hub, nowMs: Date.now(), newId: newHubId, openConflicts },
      );
      applied.push(...result.events);
      if (result.conflict) em.persist(result.conflict);
    }
    for (const entry of auditOf(applied, project.id, deliveryId)) em.persist(entry);
    events.push(...applied);
    if (item.deleted) {
      mapping.unlink(Date.now());
      events.push({ type: 'external_ticket.unlinked', ticketId: ticket.id, projectId: project.id, externalId: mapping.externalId, at: new Date().toISOString() });
    } else {
      events.push(...(await planTicketPushes(em, ticket, [mapping])));
    }
  }

  return async (inboxId) => {
    const em = uow.reader();
    const delivery = await em.findOne(InboxDelivery, { id: inboxId });
    if (!delivery || delivery.status !== 'pending') return 'done';
    const project = await em.findOne(ExternalProject, { id: delivery.projectId });
    if (!project) return 'done';
    if (!project.isSyncing()) return 'done'; // stays pending; sent again when the project resumes
    const unknown: string[] = [];
    for (const item of delivery.items) {
      const linked = await em.count(SyncMapping, { projectId: project.id, externalId: item.externalId, status: 'linked' });
      if (linked === 0) unknown.push(item.externalId);
    }
    if (unknown.length > 0 && Date.now() - delivery.receivedAt.getTime() < createSettleMs) {
      const creating = await em.count(PushJob, { projectId: project.id, operation: 'create', status: 'pending' });
      if (creating > 0) return { retryInMs: 250 };
    }

    try {
      return await uow.run(async (tx) => {
        const inbox = await tx.findOne(InboxDelivery, { id: inboxId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
        if (!inbox || inbox.status !== 'pending') return { result: 'done' as Outcome, events: [] };
        const events: unknown[] = [];
        for (const item of inbox.items) {
          const mapping = await tx.findOne(
            SyncMapping,
            { projectId: project.id, externalId: item.externalId, status: 'linked' },
            { lockMode: LockMode.PESSIMISTIC_WRITE },
          );
          if (mapping) await applyItem(tx, project, mapping, item, inbox.deliveryId, events);
          else if (!item.deleted && allowsPull(project.policy().direction)) await importItem(tx, project, item, events);
        }
        inbox.status = 'processed';
        inbox.processedAt = new Date();
        inbox.attempts += 1;
        return { result: 'done' as Outcome, events: events as never[] };
      });
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      // The delivery carries values the hub cannot accept: keep it, visibly failed, and move on.
      logger.warn({ inboxId, err: error.message }, 'delivery refused by the domain');
      await uow.run(async (tx) => {
        const inbox = await tx.findOne(InboxDelivery, { id: inboxId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
        if (inbox && inbox.status === 'pending') {
          inbox.status = 'failed';
          inbox.error = error.message;
          inbox.attempts += 1;
        }
        return { result: undefined, events: [] };
      });
      return 'done';
    }
  };
}
