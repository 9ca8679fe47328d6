// Decides what must be pushed after a ticket changed: for each live link of the ticket whose
// project is syncing, the domain plans the fields (direction, privacy, held conflicts, pushes in
// flight), the fields are marked in flight on the mapping, and one push job per project is
// committed with a `push.requested` message. Idempotent: a second run finds the fields in flight.
import { LockMode, raw } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { ExternalProject } from '#domain/project/external-project.ts';
import { SyncMapping } from '#domain/sync/mapping.ts';
import { startPushes, type PlannedPush } from '#domain/sync/push-plan.ts';
import { beginPeerPush } from '#domain/sync/peer-push.ts';
import { Ticket } from '#domain/ticket/ticket.ts';
import { PushJob } from '#infra/persistence/sync-records.ts';
import type { UnitOfWork } from '#infra/persistence/unit-of-work.ts';
import type { HubShape } from '#infra/services/hub-shape.ts';
import { newHubId } from '#infra/services/ids.ts';
import type { PushRequested } from './engine-events.ts';
import { linkByRules, ruledProjects, type RoutesOf, type RuleTrigger } from './rule-linker.ts';

type JobDefaults = 'id' | 'status' | 'attempts' | 'lastError' | 'nextAttemptAt' | 'createdAt' | 'updatedAt' | 'deliveredAt' | 'commentId' | 'leaseOwner' | 'leaseUntil';

/** A new pending push job. */
export function newPushJob(fields: Omit<PushJob, JobDefaults> & { commentId?: string }): PushJob {
  const now = new Date();
  return Object.assign(new PushJob(), {
    id: newHubId(),
    commentId: null,
    status: 'pending' as const,
    attempts: 0,
    lastError: null,
    nextAttemptAt: now,
    createdAt: now,
    updatedAt: now,
    deliveredAt: null,
    leaseOwner: null,
    leaseUntil: null,
    ...fields,
  });
}

/** A read-only recent copy of a project (ProjectService's cache): planning only reads it. */
export type ProjectLookup = (id: string) => Promise<ExternalProject | null>;

/** The projects of `mappings`, read together (one link: the identity map may already hold it), or through `lookup`. */
async function projectsOf(em: EntityManager, mappings: readonly SyncMapping[], lookup?: ProjectLookup): Promise<Map<string, ExternalProject>> {
  const ids = [...new Set(mappings.map((mapping) => mapping.projectId))];
  if (ids.length === 0) return new Map();
  if (lookup) {
    const found = await Promise.all(ids.map((id) => lookup(id)));
    return new Map(found.filter((project) => project !== null).map((project) => [project.id, project]));
  }
  const found = ids.length === 1 ? [await em.findOne(ExternalProject, { id: ids[0] as string })].filter((project) => project !== null) : await em.find(ExternalProject, { id: { $in: ids } });
  return new Map(found.map((project) => [project.id, project]));
}

/**
 * Plans pushes of `ticket` through each of its live mappings inside the caller's transaction
 * (ticket and mappings must be locked by the caller). Returns the messages to commit. A project
 * paused a moment ago in another process may still get a job: it stays pending until resumed.
 */
export async function planTicketPushes(em: EntityManager, ticket: Ticket, mappings: readonly SyncMapping[], lookup?: ProjectLookup): Promise<PushRequested[]> {
  const requested: PushRequested[] = [];
  const projects = await projectsOf(em, mappings.filter((mapping) => mapping.status === 'linked'), lookup);
  for (const mapping of mappings) {
    if (mapping.status !== 'linked') continue;
    const project = projects.get(mapping.projectId);
    if (!project || !project.isSyncing()) continue;
    const plan = project.kind === 'lockstep_peer' ? planPeer(ticket, mapping, project) : startPushes(ticket, mapping, project.policy());
    if (plan.length === 0) continue;
    const job = newPushJob({ projectId: project.id, ticketId: ticket.id, mappingId: mapping.id, operation: 'update', fields: plan });
    em.persist(job);
    requested.push({ type: 'push.requested', projectId: project.id, ticketId: ticket.id, jobId: job.id });
  }
  return requested;
}

/**
 * A peer gets the ticket's whole mirrored state; the job lists the mapped fields. The state itself
 * is built when the job runs, so it is as fresh as possible (a newer state only covers more).
 */
function planPeer(ticket: Ticket, mapping: SyncMapping, project: ExternalProject): PlannedPush[] {
  if (!beginPeerPush(ticket, mapping, project.policy())) return [];
  return project.mappedFields.map((field) => ({ field, value: ticket.fieldValue(field), version: ticket.clock.vector, ifOrderingKey: null }));
}

/**
 * Plans the pushes of one ticket in a transaction of its own and, when a ticket event calls for it
 * (`trigger`), asks the projects whose sync rules now want the ticket to create it (see
 * rule-linker.ts). A new ticket has no link yet, so `pushes: false` skips the plan itself.
 */
export function createPushPlanner(uow: UnitOfWork, routesOf: RoutesOf, shape: Pick<HubShape, 'hasRules'>): (ticketId: string, trigger?: RuleTrigger, pushes?: boolean) => Promise<void> {
  return async (ticketId, trigger, pushes = true) => {
    // Most hubs have few projects with rules: without any, a ticket event reads nothing here.
    const ruled = trigger && (await shape.hasRules()) ? await ruledProjects(uow.reader(), routesOf) : [];
    if (!pushes && ruled.length === 0) return;
    await uow.run(async (em) => {
      // Without rules to run, a ticket with no live link has nothing to plan: it is neither read
      // nor locked (its edits keep the row). Whatever links it later holds the ticket's lock and
      // plans from the state it reads then, which includes this change.
      const onlyLinked = ruled.length === 0 ? { [raw('exists (select 1 from sync_mappings m where m.ticket_id = ? and m.status = ?)', [ticketId, 'linked'])]: [] } : {};
      const ticket = await em.findOne(Ticket, { id: ticketId, ...onlyLinked }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      if (!ticket) return { result: undefined, events: [] };
      const mappings = pushes ? await em.find(SyncMapping, { ticketId, status: 'linked' }, { lockMode: LockMode.PESSIMISTIC_WRITE }) : [];
      const planned = await planTicketPushes(em, ticket, mappings);
      const linked = trigger && ruled.length > 0 ? await linkByRules(em, ticket, trigger, ruled) : [];
      return { result: undefined, events: [...planned, ...linked] };
    });
  };
}
