// Asking a project to create its copy of a ticket, idempotently: the create is recorded as a push
// job before any external call, and there is at most one pending create per ticket and project,
// so asking twice (linkTicket called again, an alert route matched again) never makes two items.
import type { EntityManager } from '@mikro-orm/postgresql';
import type { ExternalProject } from '#domain/project/external-project.ts';
import { allowsPush, mayLeave } from '#domain/sync/policy.ts';
import type { Ticket } from '#domain/ticket/ticket.ts';
import { PushJob } from '#infra/persistence/sync-records.ts';
import type { PushRequested } from './engine-events.ts';
import { newPushJob } from './push-planner.ts';

/** What asking for a create did: a new job (with its message), the pending one, or why not. */
export type CreateRequest =
  | { readonly kind: 'requested'; readonly job: PushJob; readonly message: PushRequested }
  | { readonly kind: 'pending'; readonly job: PushJob }
  | { readonly kind: 'refused'; readonly field: 'projectId' | 'ticketId'; readonly reason: string };

/** Records a create of `ticket` in `project` inside the caller's transaction (ticket locked by the caller). */
export async function requestExternalCreate(
  em: EntityManager,
  ticket: Ticket,
  project: ExternalProject,
): Promise<CreateRequest> {
  const policy = project.policy();
  if (!allowsPush(policy.direction)) {
    return {
      kind: 'refused',
      field: 'projectId',
      reason: `project ${project.name} does not accept pushes (direction ${project.direction.toUpperCase()})`,
    };
  }
  if (!mayLeave(ticket.privacy, policy)) {
    return {
      kind: 'refused',
      field: 'ticketId',
      reason: `a ${ticket.privacy.toUpperCase()} ticket may not be sent to project ${project.name}`,
    };
  }
  const pending = await em.findOne(PushJob, {
    ticketId: ticket.id,
    projectId: project.id,
    operation: 'create',
    status: 'pending',
  });
  if (pending) return { kind: 'pending', job: pending };
  const fields = project.mappedFields.map((field) => ({
    field,
    value: ticket.fieldValue(field),
    version: ticket.clock.vector,
    ifOrderingKey: null,
  }));
  const job = newPushJob({ projectId: project.id, ticketId: ticket.id, mappingId: null, operation: 'create', fields });
  em.persist(job);
  return {
    kind: 'requested',
    job,
    message: { type: 'push.requested', projectId: project.id, ticketId: ticket.id, jobId: job.id },
  };
}
