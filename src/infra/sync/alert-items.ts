// Items that are alerts until a ticket holds them (PagerDuty incidents): a report of an item some
// ticket is linked to moves that ticket through the state model (echoes included); any other is
// its alert, an alert group. A project that writes back then links the group's ticket to the item,
// so the ticket's later changes reach it and its later reports are items.
import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { AlertGroupRecord } from '#domain/alert/alert-group-record.ts';
import type { AlertReport } from '#domain/alert/alert-report.ts';
import type { DomainEvent } from '#domain/events.ts';
import type { ExternalItem } from '#domain/project/connector.ts';
import type { ExternalProject } from '#domain/project/external-project.ts';
import { SyncMapping } from '#domain/sync/mapping.ts';
import { allowsPush } from '#domain/sync/policy.ts';
import { Ticket } from '#domain/ticket/ticket.ts';
import type { EngineEvent } from './engine-events.ts';
import { linkToItem } from './item-applier.ts';

/** A delivery's items split: reports of linked items, and the alerts of the others (with their items). */
export interface SplitItems {
  readonly items: ExternalItem[];
  readonly alerts: AlertReport[];
  readonly unlinked: ExternalItem[];
}

/** Splits `items` by whether `project` holds a live link to each. */
export async function splitAlertItems(em: EntityManager, project: ExternalProject, items: readonly ExternalItem[]): Promise<SplitItems> {
  const split: SplitItems = { items: [], alerts: [], unlinked: [] };
  for (const item of items) {
    const alert = item.alertWhenUnlinked;
    if (!alert || (await em.count(SyncMapping, { projectId: project.id, externalId: item.externalId, status: 'linked' })) > 0) {
      split.items.push(item);
      continue;
    }
    split.alerts.push(alert);
    split.unlinked.push(item);
  }
  return split;
}

/** Links the ticket each unlinked item's alert opened to that item, when `project` accepts pushes. */
export async function linkAlertTickets(
  em: EntityManager,
  project: ExternalProject,
  unlinked: readonly ExternalItem[],
  events: Array<DomainEvent | EngineEvent>,
): Promise<void> {
  if (!allowsPush(project.policy().direction)) return;
  for (const item of unlinked) {
    const groupKey = item.alertWhenUnlinked?.groupKey;
    const record = groupKey ? await em.findOne(AlertGroupRecord, { projectId: project.id, groupKey }) : null;
    if (!record?.ticketId) continue;
    const ticket = await em.findOne(Ticket, { id: record.ticketId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
    if (!ticket) continue;
    const taken = await em.count(SyncMapping, {
      $or: [{ projectId: project.id, externalId: item.externalId }, { projectId: project.id, ticketId: ticket.id }],
      status: 'linked',
    });
    if (taken > 0) continue;
    // The side holds what the hub holds, except what the item itself reported.
    const mapping = linkToItem(ticket, project, item);
    em.persist(mapping);
    const at = new Date().toISOString();
    events.push({ type: 'external_ticket.created', ticketId: ticket.id, projectId: project.id, externalId: item.externalId, at });
  }
}
