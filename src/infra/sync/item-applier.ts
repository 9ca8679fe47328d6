// Applies what a project reports about its items to the hub: a known link goes through the state
// model field by field (fast-forward, echo, stale, or the field's strategy); an unknown item is
// imported as a new linked ticket when the direction allows pull; a deleted item ends its link.
// Used by the inbound processor (webhooks) and by sync sessions (fetched pages), and, on an
// EntityManager that is never flushed, by dry runs. Returns what happened, for the reports.
import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { DomainEvent } from '#domain/events.ts';
import type { ExternalItem } from '#domain/project/connector.ts';
import type { ExternalProject } from '#domain/project/external-project.ts';
import type { ItemOutcome, PlanEntry } from '#domain/project/sync-session.ts';
import { applyExternalReport } from '#domain/sync/apply-external.ts';
import { SyncMapping } from '#domain/sync/mapping.ts';
import { allowsPull } from '#domain/sync/policy.ts';
import type { TicketInput } from '#domain/ticket/fields.ts';
import { Ticket } from '#domain/ticket/ticket.ts';
import { newHubId } from '#infra/services/ids.ts';
import { auditOf, loadLinkedTicket, none, planAllLinks, type ApplyItemsContext } from './apply-support.ts';
import type { EngineEvent } from './engine-events.ts';
import { applyPeerToLink, importPeerTwin, lockPeerItem } from './peer-applier.ts';
import { planTicketPushes } from './push-planner.ts';
import { recordSyncError } from './sync-errors.ts';

export type { ApplyItemsContext } from './apply-support.ts';
export { importPeerTwin, lockPeerItem } from './peer-applier.ts';

async function importItem(em: EntityManager, project: ExternalProject, item: ExternalItem, ctx: ApplyItemsContext, events: Array<DomainEvent | EngineEvent>): Promise<ItemOutcome> {
  const values = item.fields as Partial<TicketInput>;
  const title = typeof values.title === 'string' && values.title.trim() !== '' ? values.title : `${project.name} ${item.externalId}`;
  const created = Ticket.create({ ...values, title }, { replica: project.id, actor: item.actor ?? project.name, nowMs: Date.now(), newId: newHubId });
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
  em.persist([created.ticket, mapping]);
  const at = new Date().toISOString();
  events.push(...created.events, { type: 'external_ticket.created', ticketId: created.ticket.id, projectId: project.id, externalId: item.externalId, at });
  if (!ctx.dryRun) events.push(...(await planTicketPushes(em, created.ticket, [mapping])));
  const entry: PlanEntry = { action: 'create', direction: 'inbound', externalId: item.externalId, ticketId: null, field: null };
  return { created: 1, updated: 0, unchanged: 0, conflicts: 0, entries: [entry] };
}

async function applyToLink(
  em: EntityManager,
  project: ExternalProject,
  mapping: SyncMapping,
  item: ExternalItem,
  ctx: ApplyItemsContext,
  events: Array<DomainEvent | EngineEvent>,
): Promise<ItemOutcome> {
  const linked = await loadLinkedTicket(em, mapping, ctx);
  if (!linked) return none;
  const { ticket, openConflicts } = linked;
  const applied: DomainEvent[] = [];
  const entries: PlanEntry[] = [];
  let conflicts = 0;
  for (const [field, value] of Object.entries(item.fields)) {
    if (value === undefined) continue;
    const result = applyExternalReport(
      ticket,
      mapping,
      project.policy(),
      { field, value, orderingKey: item.orderingKey, observedAtMs: item.observedAtMs, ...(item.actor ? { actor: item.actor } : {}) },
      { hub: ctx.hub, nowMs: Date.now(), newId: newHubId, openConflicts },
    );
    applied.push(...result.events);
    if (result.conflict) em.persist(result.conflict);
    const opened = result.events.some((event) => event.type === 'conflict.detected');
    if (opened) conflicts += 1;
    if (opened || result.events.some((event) => event.type === 'ticket.updated')) {
      entries.push({ action: opened ? 'conflict' : 'update', direction: 'inbound', externalId: item.externalId, ticketId: ticket.id, field });
    }
  }
  if (!ctx.dryRun) for (const entry of auditOf(applied, project.id, ctx.deliveryId)) em.persist(entry);
  events.push(...applied);
  if (item.deleted) {
    mapping.unlink(Date.now());
    events.push({ type: 'external_ticket.unlinked', ticketId: ticket.id, projectId: project.id, externalId: mapping.externalId, at: new Date().toISOString() });
    entries.push({ action: 'unlink', direction: 'inbound', externalId: item.externalId, ticketId: ticket.id, field: null });
  } else if (!ctx.dryRun) {
    events.push(...(await planAllLinks(em, ticket, mapping)));
  }
  const changed = entries.length > 0;
  return { created: 0, updated: changed && conflicts === 0 ? 1 : 0, unchanged: changed ? 0 : 1, conflicts, entries };
}

/** The values the connector could not map become SyncErrors on the link (never a silent drop). */
function recordProblems(em: EntityManager, project: ExternalProject, item: ExternalItem, ticketId: string | null, ctx: ApplyItemsContext, events: Array<DomainEvent | EngineEvent>): void {
  if (ctx.dryRun) return;
  for (const problem of item.mappingErrors ?? []) {
    events.push(
      recordSyncError(em, {
        projectId: project.id,
        ticketId,
        externalId: item.externalId,
        field: problem.field,
        value: problem.value,
        direction: 'inbound',
        message: problem.message,
        deliveryId: ctx.deliveryId,
      }),
    );
  }
}

/** Applies `items` reported by `project`; events to commit are appended to `events`. */
export async function applyItems(
  em: EntityManager,
  project: ExternalProject,
  items: readonly ExternalItem[],
  ctx: ApplyItemsContext,
  events: Array<DomainEvent | EngineEvent>,
): Promise<ItemOutcome[]> {
  const outcomes: ItemOutcome[] = [];
  for (const item of items) {
    if (item.peerState && !ctx.dryRun) await lockPeerItem(em, project.id, item.externalId);
    const mapping = await em.findOne(
      SyncMapping,
      { projectId: project.id, externalId: item.externalId, status: 'linked' },
      ctx.dryRun ? {} : { lockMode: LockMode.PESSIMISTIC_WRITE },
    );
    recordProblems(em, project, item, mapping?.ticketId ?? null, ctx, events);
    const peer = item.peerState;
    if (mapping && peer) outcomes.push(await applyPeerToLink(em, project, mapping, peer, ctx, events));
    else if (mapping) outcomes.push(await applyToLink(em, project, mapping, item, ctx, events));
    else if (item.deleted || !allowsPull(project.policy().direction)) outcomes.push(none);
    else if (peer) outcomes.push((await importPeerTwin(em, project, peer, ctx, events)).outcome);
    else outcomes.push(await importItem(em, project, item, ctx, events));
  }
  return outcomes;
}
