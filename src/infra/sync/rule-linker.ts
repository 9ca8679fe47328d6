// Sync rules at work: after a ticket is created or changed, each project whose rules now want it
// (and did not just before the change) is asked to create its item, through the same idempotent
// create as linkTicket. It runs from the ticket events, in the push planner's transaction with the
// ticket row locked, so every way a ticket is born or changes (GraphQL, imports, alerts, peers)
// passes here, and "once" is decided under that lock: a ticket ever linked to the project, unlinked
// from it, or asked for there is left alone (a redelivered event finds the first create).
import type { EntityManager } from '@mikro-orm/postgresql';
import type { FieldChange } from '#domain/events.ts';
import { ExternalProject } from '#domain/project/external-project.ts';
import { linksOnChange, wantedByRules } from '#domain/rules/link-rule.ts';
import { subjectBefore, subjectOf } from '#domain/rules/rule-subject.ts';
import { SyncMapping } from '#domain/sync/mapping.ts';
import type { Ticket } from '#domain/ticket/ticket.ts';
import { PushJob } from '#infra/persistence/sync-records.ts';
import type { PushRequested } from './engine-events.ts';
import { requestExternalCreate } from './external-create.ts';

/** What happened to the ticket: born, or these fields changed. */
export type RuleTrigger = { readonly kind: 'created' } | { readonly kind: 'updated'; readonly changes: readonly FieldChange[] };

/** The syncing projects that have rules (few: the whole list is read and filtered here). */
export async function projectsWithRules(em: EntityManager): Promise<ExternalProject[]> {
  const projects = await em.find(ExternalProject, { status: { $in: ['active', 'error'] } });
  return projects.filter((project) => project.linkRules.length > 0);
}

/**
 * True when `ticketId` was ever linked to `projectId` (its link may since have ended: the item was
 * deleted there, or a person unlinked it) or a create was ever asked for there.
 */
export async function everLinked(em: EntityManager, ticketId: string, projectId: string): Promise<boolean> {
  if ((await em.count(SyncMapping, { ticketId, projectId })) > 0) return true;
  return (await em.count(PushJob, { ticketId, projectId, operation: 'create' })) > 0;
}

/** True when a BACKFILL would link `ticket` to `project` now. */
export async function backfillWants(em: EntityManager, ticket: Ticket, project: ExternalProject): Promise<boolean> {
  if (!wantedByRules(project.linkRules, project.policy(), subjectOf(ticket))) return false;
  return !(await everLinked(em, ticket.id, project.id));
}

/** Asks for the creates `trigger` calls for, inside the caller's transaction (ticket locked by the caller). */
export async function linkByRules(em: EntityManager, ticket: Ticket, trigger: RuleTrigger, projects: readonly ExternalProject[]): Promise<PushRequested[]> {
  const after = subjectOf(ticket);
  const before = trigger.kind === 'created' ? null : subjectBefore(after, trigger.changes);
  const requested: PushRequested[] = [];
  for (const project of projects) {
    if (!linksOnChange(project.linkRules, project.policy(), before, after)) continue;
    if (await everLinked(em, ticket.id, project.id)) continue;
    const create = await requestExternalCreate(em, ticket, project);
    if (create.kind === 'requested') requested.push(create.message);
  }
  return requested;
}
