// Applies what a project reports about its items to the hub: a known link goes through the state
// model field by field (fast-forward, echo, stale, or the field's strategy); an unknown item is
// imported as a new linked ticket when the direction allows pull (unless a person unlinked it:
// its tombstone makes its reports ignored); a deleted item ends its link.
// The links of a whole batch, their tickets and those tickets' conflicts are looked up (and
// locked) together, in four queries whatever the batch's size (held-tickets.ts). Used by the inbound
// processor (webhooks) and by sync sessions (fetched pages), and, on an EntityManager that is never
// flushed, by dry runs. Returns what happened, for the reports.
import type { EntityManager } from '@mikro-orm/postgresql';
import type { DomainEvent } from '#domain/events.ts';
import type { ExternalItem } from '#domain/project/connector.ts';
import type { ExternalProject } from '#domain/project/external-project.ts';
import type { ItemOutcome, PlanEntry } from '#domain/project/sync-session.ts';
import { applyExternalReport } from '#domain/sync/apply-external.ts';
import { futureDated, instantOfKey } from '#domain/sync/clock-bound.ts';
import { SyncMapping } from '#domain/sync/mapping.ts';
import { allowsPull } from '#domain/sync/policy.ts';
import type { TicketInput } from '#domain/ticket/fields.ts';
import { Ticket } from '#domain/ticket/ticket.ts';
import { insertLater } from '#infra/persistence/deferred-writes.ts';
import { AuditEntry } from '#infra/persistence/sync-records.ts';
import { newHubId } from '#infra/services/ids.ts';
import { auditOf, loadLinkedTicket, none, planAllLinks, type ApplyItemsContext } from './apply-support.ts';
import { withLinksPlanned, type EngineEvent } from './engine-events.ts';
import { holdLinkedTickets, type HeldTickets } from './held-tickets.ts';
import { applyPeerToLink, importPeerTwin, lockPeerItem } from './peer-applier.ts';
import { planTicketPushes } from './push-planner.ts';
import { recordSyncError } from './sync-errors.ts';

export type { ApplyItemsContext } from './apply-support.ts';
export { importPeerTwin, lockPeerItem } from './peer-applier.ts';


/** A link of `ticket` to `item`: the side holds what the item reported, and the hub's values elsewhere. */
export function linkToItem(ticket: Ticket, project: ExternalProject, item: ExternalItem): SyncMapping {
  return SyncMapping.link({
    id: newHubId(),
    ticket,
    projectId: project.id,
    externalId: item.externalId,
    fields: project.mappedFields,
    nowMs: Date.now(),
    orderingKey: item.orderingKey,
    externalValues: item.fields,
    externalUrl: item.url ?? null,
  });
}

async function importItem(
  em: EntityManager,
  project: ExternalProject,
  item: ExternalItem,
  ctx: ApplyItemsContext,
  events: Array<DomainEvent | EngineEvent>,
): Promise<{ mapping: SyncMapping; outcome: ItemOutcome }> {
  const values = item.fields as Partial<TicketInput>;
  const title = typeof values.title === 'string' && values.title.trim() !== '' ? values.title : `${project.name} ${item.externalId}`;
  const created = Ticket.create({ ...values, title }, { replica: project.id, actor: item.actor ?? project.name, nowMs: Date.now(), newId: newHubId });
  const mapping = linkToItem(created.ticket, project, item);
  em.persist([created.ticket, mapping]);
  const at = new Date().toISOString();
  events.push(...created.events, { type: 'external_ticket.created', ticketId: created.ticket.id, projectId: project.id, externalId: item.externalId, at });
  if (!ctx.dryRun) events.push(...(await planTicketPushes(em, created.ticket, [mapping], ctx.projectOf)));
  const entry: PlanEntry = { action: 'create', direction: 'inbound', externalId: item.externalId, ticketId: null, field: null };
  return { mapping, outcome: { created: 1, updated: 0, unchanged: 0, conflicts: 0, entries: [entry] } };
}

async function applyToLink(
  em: EntityManager,
  project: ExternalProject,
  mapping: SyncMapping,
  item: ExternalItem,
  ctx: ApplyItemsContext,
  events: Array<DomainEvent | EngineEvent>,
  held: HeldTickets | undefined,
): Promise<ItemOutcome> {
  const linked = await loadLinkedTicket(em, mapping, ctx, held);
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
    if (result.conflict) {
      em.persist(result.conflict);
      held?.opened(result.conflict);
    }
    const opened = result.events.some((event) => event.type === 'conflict.detected');
    if (opened) conflicts += 1;
    if (opened || result.events.some((event) => event.type === 'ticket.updated')) {
      entries.push({ action: opened ? 'conflict' : 'update', direction: 'inbound', externalId: item.externalId, ticketId: ticket.id, field });
    }
  }
  if (!ctx.dryRun) await insertLater(em, AuditEntry, auditOf(applied, project.id, ctx.deliveryId));
  // Every live link is planned below, in this transaction: the planner need not plan these again.
  events.push(...(item.deleted || ctx.dryRun ? applied : applied.map(withLinksPlanned)));
  if (item.deleted) {
    mapping.unlink(Date.now());
    events.push({ type: 'external_ticket.unlinked', ticketId: ticket.id, projectId: project.id, externalId: mapping.externalId, at: new Date().toISOString() });
    entries.push({ action: 'unlink', direction: 'inbound', externalId: item.externalId, ticketId: ticket.id, field: null });
  } else if (!ctx.dryRun) {
    events.push(...(await planAllLinks(em, ticket, mapping, ctx, held)));
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

/** The live links of a batch of items, by external id, which of its items a person unlinked, and (unless dry) their tickets held. */
export type LiveLinks = Map<string, SyncMapping> & { readonly tombstoned: ReadonlySet<string>; readonly held?: HeldTickets };

function liveLinks(mappings: readonly SyncMapping[], tombstoned: ReadonlySet<string>, held?: HeldTickets): LiveLinks {
  return Object.assign(new Map(mappings.map((mapping) => [mapping.externalId, mapping])), { tombstoned, ...(held ? { held } : {}) });
}

/** Which of `externalIds` a person unlinked (their reports are ignored), in one query. */
async function tombstonedAmong(em: EntityManager, projectId: string, externalIds: readonly string[]): Promise<Set<string>> {
  if (externalIds.length === 0) return new Set();
  const rows = await em
    .createQueryBuilder(SyncMapping)
    .select('externalId')
    .where({ projectId, externalId: { $in: [...externalIds] }, tombstone: true })
    .execute('all');
  return new Set(rows.map((row) => row.externalId));
}

/**
 * The live links of `items`, looked up together and, unless dry, locked with their tickets (and
 * every other live link of those tickets, see held-tickets.ts). Only items without a live link
 * are looked up for tombstones. Work on peer items is serialised before anything else, as
 * `lockPeerItem` explains.
 */
export async function lockLinks(em: EntityManager, project: ExternalProject, items: readonly ExternalItem[], ctx: ApplyItemsContext): Promise<LiveLinks> {
  if (items.length === 0) return liveLinks([], new Set());
  const externalIds = [...new Set(items.map((item) => item.externalId))];
  const unlinked = (links: readonly SyncMapping[]) => {
    const linked = new Set(links.map((link) => link.externalId));
    return externalIds.filter((externalId) => !linked.has(externalId));
  };
  if (ctx.dryRun) {
    const links = await em.find(SyncMapping, { projectId: project.id, externalId: { $in: externalIds }, status: 'linked' });
    return liveLinks(links, await tombstonedAmong(em, project.id, unlinked(links)));
  }
  const peers = [...new Set(items.filter((item) => item.peerState).map((item) => item.externalId))].sort();
  for (const externalId of peers) await lockPeerItem(em, project.id, externalId);
  const held = await holdLinkedTickets(em, project.id, externalIds);
  const wanted = new Set(externalIds);
  const locked = held.tickets().flatMap((ticket) => held.linksOf(ticket.id)).filter((link) => link.projectId === project.id && wanted.has(link.externalId));
  return liveLinks(locked, await tombstonedAmong(em, project.id, unlinked(locked)), held);
}

/**
 * Applies one item against `links` (from `lockLinks` over a batch holding it) and keeps them
 * current: an import adds its link and a deletion removes one, so an item reported twice in a
 * batch never makes a twin. Events to commit are appended to `events`.
 */
export async function applyItem(
  em: EntityManager,
  project: ExternalProject,
  item: ExternalItem,
  links: LiveLinks,
  ctx: ApplyItemsContext,
  events: Array<DomainEvent | EngineEvent>,
): Promise<ItemOutcome> {
  const mapping = links.get(item.externalId);
  const future = item.peerState ? null : futureDated(item, Date.now());
  if (future) {
    // Applying it would make every later real report of the item look stale: refuse it, visibly.
    if (!ctx.dryRun) {
      const value = new Date(Math.max(item.observedAtMs, instantOfKey(item.orderingKey) ?? 0)).toISOString();
      const message = `report of ${item.externalId} ${future}`;
      events.push(recordSyncError(em, { projectId: project.id, ticketId: mapping?.ticketId ?? null, externalId: item.externalId, field: null, value, direction: 'inbound', message, deliveryId: ctx.deliveryId }));
    }
    return none;
  }
  recordProblems(em, project, item, mapping?.ticketId ?? null, ctx, events);
  const peer = item.peerState;
  if (mapping) {
    const outcome = peer ? await applyPeerToLink(em, project, mapping, peer, ctx, events, links.held) : await applyToLink(em, project, mapping, item, ctx, events, links.held);
    if (mapping.status !== 'linked') links.delete(item.externalId);
    return outcome;
  }
  if (item.deleted || !allowsPull(project.policy().direction)) return none;
  // A person unlinked this item: its reports are ignored, never imported as a twin, until it is linked again.
  if (links.tombstoned.has(item.externalId)) return none;
  const imported = peer ? await importPeerTwin(em, project, peer, ctx, events) : await importItem(em, project, item, ctx, events);
  links.set(item.externalId, imported.mapping);
  return imported.outcome;
}

/** Applies `items` reported by `project`; events to commit are appended to `events`. */
export async function applyItems(
  em: EntityManager,
  project: ExternalProject,
  items: readonly ExternalItem[],
  ctx: ApplyItemsContext,
  events: Array<DomainEvent | EngineEvent>,
): Promise<ItemOutcome[]> {
  const links = await lockLinks(em, project, items, ctx);
  const outcomes: ItemOutcome[] = [];
  for (const item of items) outcomes.push(await applyItem(em, project, item, links, ctx, events));
  return outcomes;
}
