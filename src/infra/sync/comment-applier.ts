// Applies comments a project reports to the hub, inside the caller's transaction. A comment on an
// item the hub does not mirror is ignored; a new one becomes a hub comment linked to its copy; a
// known one goes through its link, which tells our own write coming back (echo) and stale reports
// from a person's edit or a deletion. Whatever changed is then planned for the ticket's other
// projects. A body the hub cannot hold (empty once converted, too long) is a sync error on the
// link, never a silent drop.
import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Comment, type CommentWrite } from '#domain/comment/comment.ts';
import { InvalidCommentInput } from '#domain/errors.ts';
import type { DomainEvent } from '#domain/events.ts';
import type { ExternalComment } from '#domain/project/connector.ts';
import type { ExternalProject } from '#domain/project/external-project.ts';
import { CommentLink } from '#domain/sync/comment-link.ts';
import { SyncMapping } from '#domain/sync/mapping.ts';
import { allowsPull } from '#domain/sync/policy.ts';
import { Ticket } from '#domain/ticket/ticket.ts';
import { newHubId } from '#infra/services/ids.ts';
import { planCommentPushes, type MirrorsComments } from './comment-planner.ts';
import type { EngineEvent } from './engine-events.ts';
import { recordSyncError } from './sync-errors.ts';

/** Applies `comments` reported by `project`; events to commit are appended to `events`. */
export async function applyComments(
  em: EntityManager,
  project: ExternalProject,
  comments: readonly ExternalComment[],
  ctx: { readonly deliveryId: string; readonly mirrorsComments: MirrorsComments },
  events: Array<DomainEvent | EngineEvent>,
): Promise<void> {
  if (!allowsPull(project.direction)) return;
  const touched = new Map<string, Comment>();
  for (const reported of comments) {
    const mapping = await em.findOne(SyncMapping, { projectId: project.id, externalId: reported.itemExternalId, status: 'linked' });
    if (!mapping) continue;
    const write: CommentWrite = { origin: project.id, author: reported.author ?? project.name, atMs: reported.updatedAtMs };
    try {
      if (reported.needsFetch && !reported.deleted) throw new InvalidCommentInput('body', 'arrived in a form Lockstep cannot read, and could not be read from the side');
      const link = await em.findOne(CommentLink, { projectId: project.id, externalId: reported.externalId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      if (link) {
        const comment = await em.findOne(Comment, { id: link.commentId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
        if (!comment) continue;
        const kind = link.observe(reported);
        const change = kind === 'edited' ? comment.edit(reported.body, write) : kind === 'deleted' ? comment.remove(write) : null;
        events.push(...(change?.events ?? []));
        // An edit older than the hub's text still changed what the side holds: the hub's text goes back.
        if (change) touched.set(comment.id, comment);
      } else if (!reported.deleted) {
        const posted = Comment.post({ id: newHubId(), ticketId: mapping.ticketId, body: reported.body }, { ...write, atMs: reported.createdAtMs });
        const comment = posted.comment;
        if (reported.updatedAtMs > reported.createdAtMs) comment.updatedAt = new Date(reported.updatedAtMs);
        em.persist([
          comment,
          CommentLink.link({
            id: newHubId(),
            comment,
            projectId: project.id,
            externalId: reported.externalId,
            itemExternalId: reported.itemExternalId,
            hubBody: comment.body,
            sideBody: reported.body,
            sideUpdatedAtMs: reported.updatedAtMs,
          }),
        ]);
        events.push(...posted.events);
        touched.set(comment.id, comment);
      }
    } catch (error) {
      if (!(error instanceof InvalidCommentInput)) throw error;
      events.push(
        recordSyncError(em, {
          projectId: project.id,
          ticketId: mapping.ticketId,
          externalId: reported.itemExternalId,
          field: 'comments',
          value: reported.externalId,
          direction: 'inbound',
          message: `comment ${reported.externalId}: ${error.message}`,
          deliveryId: ctx.deliveryId,
        }),
      );
    }
  }
  if (touched.size === 0) return;
  await em.flush();
  for (const comment of touched.values()) {
    const ticket = await em.findOne(Ticket, { id: comment.ticketId });
    if (ticket) events.push(...(await planCommentPushes(em, comment, ticket.privacy, ctx.mirrorsComments)));
  }
}
