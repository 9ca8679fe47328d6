// Sync rules at work: after a ticket is created or changed, each project whose rules now want it
// (and did not just before the change) is asked to create its item, through the same idempotent
// create as linkTicket. It runs from the ticket events, in the push planner's transaction with the
// ticket row locked, so every way a ticket is born or changes (GraphQL, imports, alerts, peers)
// passes here, and "once" is decided under that lock: a ticket ever linked to the project, unlinked
// from it, or asked for there is left alone (a redelivered event finds the first create).
// A project's rules are its own `linkRules` plus the alert routes that target it (route-rules.ts).
import type { EntityManager } from '@mikro-orm/postgresql';
import { commonLabels } from '#domain/alert/alert-group.ts';
import { AlertInstance } from '#domain/alert/alert-instance.ts';
import type { AlertRoute } from '#domain/alert/alert-policy.ts';
import type { FieldChange } from '#domain/events.ts';
import { ExternalProject } from '#domain/project/external-project.ts';
import { linksOnChange, wantedByRules, type LinkRule, type RuleSubject } from '#domain/rules/link-rule.ts';
import { routeRulesByTarget } from '#domain/rules/route-rules.ts';
import { subjectBefore, subjectOf } from '#domain/rules/rule-subject.ts';
import { SyncMapping } from '#domain/sync/mapping.ts';
import type { Ticket } from '#domain/ticket/ticket.ts';
import { PushJob } from '#infra/persistence/sync-records.ts';
import type { ProjectService } from '#infra/services/projects.ts';
import type { PushRequested } from './engine-events.ts';
import { requestExternalCreate } from './external-create.ts';

/** What happened to the ticket: born, or these fields changed. */
export type RuleTrigger = { readonly kind: 'created' } | { readonly kind: 'updated'; readonly changes: readonly FieldChange[] };

/** A syncing project with every rule it has. */
export interface RuledProject {
  readonly project: ExternalProject;
  readonly rules: readonly LinkRule[];
}

/** The alert routes a project's config holds (none for kinds that are not alert sources). */
export type RoutesOf = (project: ExternalProject) => readonly AlertRoute[];

/** Routes read through each project's connector. */
export function routesThrough(projects: Pick<ProjectService, 'connectorOf'>): RoutesOf {
  return (project) => {
    if (!project.config['routes']) return [];
    return projects.connectorOf(project.kind).alertPolicy?.(project.config).routes ?? [];
  };
}

/**
 * The syncing projects that have rules, their own or routed to them. Runs for every ticket event,
 * so PostgreSQL first answers whether any project has rules or routes at all (one small query, the
 * usual answer being none); only then are the syncing projects loaded and their routes read.
 */
export async function ruledProjects(em: EntityManager, routesOf: RoutesOf): Promise<RuledProject[]> {
  const [any] = await em.getConnection().execute<Array<{ found: boolean }>>(
    `select exists(select 1 from external_projects
                    where status in ('active', 'error') and (link_rules <> '[]'::jsonb or config ? 'routes')) as found`,
    [],
    'all',
    em.getTransactionContext(),
  );
  if (!any?.found) return [];
  const projects = await em.find(ExternalProject, { status: { $in: ['active', 'error'] } });
  const routed = routeRulesByTarget(projects.map((project) => ({ id: project.id, routes: routesOf(project) })));
  return projects.flatMap((project) => {
    const rules = [...project.linkRules, ...(routed.get(project.id) ?? [])];
    return rules.length > 0 ? [{ project, rules }] : [];
  });
}

/**
 * True when `ticketId` was ever linked to `projectId` (its link may since have ended: the item was
 * deleted there, or a person unlinked it) or a create was ever asked for there.
 */
export async function everLinked(em: EntityManager, ticketId: string, projectId: string): Promise<boolean> {
  if ((await em.count(SyncMapping, { ticketId, projectId })) > 0) return true;
  return (await em.count(PushJob, { ticketId, projectId, operation: 'create' })) > 0;
}

/** The ticket as rules see it; an alert group also shows the labels all its alerts share. */
async function subjectFor(em: EntityManager, ticket: Ticket): Promise<RuleSubject> {
  const subject = subjectOf(ticket);
  if (ticket.kind !== 'alert_group') return subject;
  return { ...subject, alertLabels: commonLabels(await em.find(AlertInstance, { ticketId: ticket.id })) };
}

/** True when a BACKFILL would link `ticket` to `ruled.project` now. */
export async function backfillWants(em: EntityManager, ticket: Ticket, ruled: RuledProject): Promise<boolean> {
  if (!wantedByRules(ruled.rules, ruled.project.policy(), await subjectFor(em, ticket))) return false;
  return !(await everLinked(em, ticket.id, ruled.project.id));
}

/** Asks for the creates `trigger` calls for, inside the caller's transaction (ticket locked by the caller). */
export async function linkByRules(em: EntityManager, ticket: Ticket, trigger: RuleTrigger, ruled: readonly RuledProject[]): Promise<PushRequested[]> {
  const after = await subjectFor(em, ticket);
  const before = trigger.kind === 'created' ? null : subjectBefore(after, trigger.changes);
  const requested: PushRequested[] = [];
  for (const { project, rules } of ruled) {
    if (!linksOnChange(rules, project.policy(), before, after)) continue;
    if (await everLinked(em, ticket.id, project.id)) continue;
    const create = await requestExternalCreate(em, ticket, project);
    if (create.kind === 'requested') requested.push(create.message);
  }
  return requested;
}
