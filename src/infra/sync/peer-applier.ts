// Applies a peer hub's ticket state (register by register, under the peer's global dots) to the
// linked twin, or creates the twin when this hub has never seen the ticket. Work on one peer item
// is serialised across processes, so a twin requested through the peer API and a delivery about
// the same ticket never make two twins.
import type { EntityManager } from '@mikro-orm/postgresql';
import type { DomainEvent } from '#domain/events.ts';
import type { ExternalProject } from '#domain/project/external-project.ts';
import type { ItemOutcome, PlanEntry } from '#domain/project/sync-session.ts';
import { SyncMapping } from '#domain/sync/mapping.ts';
import { applyPeerState } from '#domain/sync/peer-apply.ts';
import type { PeerTicketState } from '#domain/sync/peer-state.ts';
import { createTwin } from '#domain/sync/peer-twin.ts';
import type { Ticket } from '#domain/ticket/ticket.ts';
import { insertLater } from '#infra/persistence/deferred-writes.ts';
import { AuditEntry } from '#infra/persistence/sync-records.ts';
import { newHubId } from '#infra/services/ids.ts';
import { auditOf, loadLinkedTicket, none, planAllLinks, type ApplyItemsContext } from './apply-support.ts';
import type { EngineEvent } from './engine-events.ts';
import type { HeldTickets } from './held-tickets.ts';
import { planTicketPushes } from './push-planner.ts';

/** A peer hub's state for a linked twin: merged register by register under the peer's dots. */
export async function applyPeerToLink(
  em: EntityManager,
  project: ExternalProject,
  mapping: SyncMapping,
  state: PeerTicketState,
  ctx: ApplyItemsContext,
  events: Array<DomainEvent | EngineEvent>,
  held?: HeldTickets,
): Promise<ItemOutcome> {
  const linked = await loadLinkedTicket(em, mapping, ctx, held);
  if (!linked) return none;
  const { ticket, openConflicts } = linked;
  const result = applyPeerState(ticket, mapping, project.policy(), state, { hub: ctx.hub, nowMs: Date.now(), newId: newHubId, openConflicts });
  for (const conflict of result.conflicts) {
    em.persist(conflict);
    held?.opened(conflict);
  }
  if (!ctx.dryRun) await insertLater(em, AuditEntry, auditOf(result.events, project.id, ctx.deliveryId));
  events.push(...result.events);
  if (!ctx.dryRun) events.push(...(await planAllLinks(em, ticket, mapping, ctx, held)));
  const opened = result.events.filter((event) => event.type === 'conflict.detected').length;
  const entries: PlanEntry[] = Object.entries(result.fields)
    .filter(([, kind]) => kind !== 'duplicate')
    .map(([field, kind]) => ({ action: kind === 'conflict' ? 'conflict' : 'update', direction: 'inbound', externalId: mapping.externalId, ticketId: ticket.id, field }));
  const changed = result.kind === 'applied' && entries.length > 0;
  return { created: 0, updated: changed && opened === 0 ? 1 : 0, unchanged: changed ? 0 : 1, conflicts: opened, entries };
}

/**
 * Serialises work on one peer item across processes until the transaction ends, so a twin
 * requested through the peer API and a delivery about the same ticket never make two twins.
 */
export async function lockPeerItem(em: EntityManager, projectId: string, externalId: string): Promise<void> {
  await em.getConnection().execute('select pg_advisory_xact_lock(hashtext(?))', [`twin:${projectId}:${externalId}`], 'run', em.getTransactionContext());
}

/** A peer's ticket this hub has never seen: its twin, sharing the peer's history, and the link. */
export async function importPeerTwin(
  em: EntityManager,
  project: ExternalProject,
  state: PeerTicketState,
  ctx: ApplyItemsContext,
  events: Array<DomainEvent | EngineEvent>,
): Promise<{ ticket: Ticket; mapping: SyncMapping; outcome: ItemOutcome }> {
  const twin = createTwin(state, project.policy(), { hub: ctx.hub, nowMs: Date.now(), newId: newHubId });
  const mapping = SyncMapping.link({ id: newHubId(), ticket: twin.ticket, projectId: project.id, externalId: state.ticketId, fields: project.mappedFields, nowMs: Date.now() });
  em.persist([twin.ticket, mapping, ...twin.conflicts]);
  const at = new Date().toISOString();
  events.push(...twin.events, { type: 'external_ticket.created', ticketId: twin.ticket.id, projectId: project.id, externalId: state.ticketId, at });
  // Planned here, in the import's transaction: the planner skips `ticket.created` events.
  if (!ctx.dryRun) events.push(...(await planTicketPushes(em, twin.ticket, [mapping], ctx.projectOf)));
  const entry: PlanEntry = { action: 'create', direction: 'inbound', externalId: state.ticketId, ticketId: null, field: null };
  return { ticket: twin.ticket, mapping, outcome: { created: 1, updated: 0, unchanged: 0, conflicts: twin.conflicts.length, entries: [entry] } };
}

