// Decides where a comment must go after it was added, edited or deleted: to every project its
// ticket is linked to whose connector mirrors comments, whose direction allows push and which the
// ticket's privacy may reach, wherever the side does not already hold the comment as the hub does
// (the link says so: a comment that came from a side is already there). One pending comment job per
// comment and project at a time; a job reads the comment when it runs, so it sends the latest text.
// Callers lock the comment and flush their changes first, so links read here are current.
import type { EntityManager } from '@mikro-orm/postgresql';
import { Comment } from '#domain/comment/comment.ts';
import type { Connector } from '#domain/project/connector.ts';
import { ExternalProject } from '#domain/project/external-project.ts';
import type { IntegrationKind } from '#domain/project/kinds.ts';
import { CommentLink } from '#domain/sync/comment-link.ts';
import { SyncMapping } from '#domain/sync/mapping.ts';
import { allowsPush, mayLeave } from '#domain/sync/policy.ts';
import type { Privacy } from '#domain/ticket/fields.ts';
import { PushJob } from '#infra/persistence/sync-records.ts';
import type { PushRequested } from './engine-events.ts';
import { newPushJob } from './push-planner.ts';

/** Whether the connector of a kind mirrors comments. */
export type MirrorsComments = (kind: IntegrationKind) => boolean;

/** The capability lookup over the projects' connectors (a kind without a connector mirrors nothing). */
export function mirrorsCommentsOf(projects: { connectorOf(kind: IntegrationKind): Connector }): MirrorsComments {
  return (kind) => {
    try {
      return projects.connectorOf(kind).capabilities.mirrorsComments === true;
    } catch {
      return false;
    }
  };
}

/** Plans the ticket's comments for a project it was just linked to by creating the item there. */
export async function planTicketComments(em: EntityManager, ticketId: string, privacy: Privacy, mirrorsComments: MirrorsComments, projectId: string): Promise<PushRequested[]> {
  const comments = await em.find(Comment, { ticketId, deletedAt: null }, { orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
  const requested: PushRequested[] = [];
  for (const comment of comments) requested.push(...(await planCommentPushes(em, comment, privacy, mirrorsComments, projectId)));
  return requested;
}

/** Plans comment jobs for `comment` of a ticket with `privacy` (only to `onlyProjectId` if given). */
export async function planCommentPushes(
  em: EntityManager,
  comment: Comment,
  privacy: Privacy,
  mirrorsComments: MirrorsComments,
  onlyProjectId?: string,
): Promise<PushRequested[]> {
  const requested: PushRequested[] = [];
  const mappings = await em.find(SyncMapping, { ticketId: comment.ticketId, status: 'linked', ...(onlyProjectId ? { projectId: onlyProjectId } : {}) });
  for (const mapping of mappings) {
    const project = await em.findOne(ExternalProject, { id: mapping.projectId });
    if (!project || !project.isSyncing() || !allowsPush(project.direction) || !mirrorsComments(project.kind)) continue;
    if (!mayLeave(privacy, project.policy())) continue;
    // Planners of one comment and project take turns until commit (a create's acknowledgement does
    // not hold the comment's lock), so two never both find no pending job and add one each.
    await em.getConnection().execute('select pg_advisory_xact_lock(hashtext(?))', [`comment-job:${comment.id}:${project.id}`], 'run', em.getTransactionContext());
    const link = await em.findOne(CommentLink, { commentId: comment.id, projectId: project.id });
    if (CommentLink.pushAction(comment, link) === 'none') continue;
    if ((await em.count(PushJob, { commentId: comment.id, projectId: project.id, operation: 'comment', status: 'pending' })) > 0) continue;
    const job = newPushJob({ projectId: project.id, ticketId: comment.ticketId, mappingId: mapping.id, operation: 'comment', fields: [], commentId: comment.id });
    em.persist(job);
    requested.push({ type: 'push.requested', projectId: project.id, ticketId: comment.ticketId, jobId: job.id });
  }
  return requested;
}
