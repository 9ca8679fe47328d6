// Executes comment jobs: brings one comment up to date in one project. What to do is decided when
// the job runs, from the comment and its link (post it, edit it, delete it, or nothing), so a job
// always sends the latest text. The call happens outside any transaction; its answer is recorded
// on the link in one, and if the comment changed meanwhile another job is planned. An edit finding
// the comment deleted on the side deletes it on the hub too (a deletion is final). A retried post
// carries the same delivery id, which connectors use to find a copy a lost answer left behind.
import { LockMode } from '@mikro-orm/core';
import { Comment } from '#domain/comment/comment.ts';
import { ExternalCallError, type CommentResult, type ConnectorSession } from '#domain/project/connector.ts';
import type { ExternalProject } from '#domain/project/external-project.ts';
import { CommentLink } from '#domain/sync/comment-link.ts';
import type { SyncMapping } from '#domain/sync/mapping.ts';
import { Ticket } from '#domain/ticket/ticket.ts';
import type { Outcome } from '#infra/bus/durable-consumer.ts';
import { PushJob } from '#infra/persistence/sync-records.ts';
import type { UnitOfWork } from '#infra/persistence/unit-of-work.ts';
import { newHubId } from '#infra/services/ids.ts';
import { planCommentPushes, type MirrorsComments } from './comment-planner.ts';
import { giveBack, type LeaseHolder } from './job-lease.ts';

/** Runs a comment job held by `lease`; `fail` records a failed call (retry or dead letter) like any push. */
export type CommentPusher = (
  job: PushJob,
  project: ExternalProject,
  mapping: SyncMapping | null,
  session: ConnectorSession,
  lease: LeaseHolder,
  fail: (error: unknown) => Promise<Outcome>,
) => Promise<Outcome>;

/** The comment pusher over `uow`. */
export function createCommentPusher(uow: UnitOfWork, mirrorsComments: MirrorsComments): CommentPusher {
  return async (job, project, mapping, session, lease, fail) => {
    const em = uow.reader();
    const comment = job.commentId ? await em.findOne(Comment, { id: job.commentId }) : null;
    const link = comment ? await em.findOne(CommentLink, { commentId: comment.id, projectId: project.id }) : null;
    const action = comment && mapping?.status === 'linked' ? CommentLink.pushAction(comment, link) : 'none';
    const channel = session.comments;
    if (action !== 'none' && !channel) return fail(new ExternalCallError('rejected', `${project.kind.toUpperCase()} projects do not mirror comments`));
    let result: CommentResult | null = null;
    let gone = false;
    const sent = comment?.body ?? '';
    try {
      if (comment && mapping && channel) {
        const request = {
          deliveryId: job.id,
          ticketId: comment.ticketId,
          commentId: comment.id,
          body: sent,
          author: comment.author,
          createdAtMs: comment.createdAt.getTime(),
          updatedAtMs: (comment.deletedAt ?? comment.updatedAt).getTime(),
          retry: job.attempts > 0,
          signal: AbortSignal.timeout(20_000),
        };
        if (action === 'post') result = await channel.post(mapping.externalId, request);
        else if (action === 'edit' && link) result = await channel.edit(link.itemExternalId, link.externalId, request);
        else if (action === 'delete' && link) await channel.remove(link.itemExternalId, link.externalId, request);
      }
    } catch (error) {
      // The comment is gone on the side (deleted there meanwhile): nothing left to edit. Its
      // deletion reaches the hub through the side's own report.
      if (!(action === 'edit' && error instanceof ExternalCallError && error.kind === 'not_found')) return fail(error);
      gone = true;
    }
    let gaveBack = false;
    const outcome = await uow.run(async (tx) => {
      const locked = await tx.findOne(PushJob, { id: job.id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      if (!locked || locked.status !== 'pending') return { result: 'done' as Outcome, events: [] };
      const now = Date.now();
      Object.assign(locked, { status: 'delivered', deliveredAt: new Date(now), updatedAt: new Date(now) });
      gaveBack = giveBack(locked, lease);
      if (!comment || !mapping) return { result: 'done' as Outcome, events: [] };
      // Link before comment, the order every comment writer takes them in (comment-applier.ts).
      const held = await tx.findOne(CommentLink, { commentId: comment.id, projectId: project.id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      const current = await tx.findOne(Comment, { id: comment.id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      if (!current) return { result: 'done' as Outcome, events: [] };
      if (action === 'post' && result) {
        const fresh = { hubBody: sent, sideBody: result.reportedBody, sideUpdatedAtMs: result.updatedAtMs ?? now };
        if (held) held.recordEdited(fresh.hubBody, fresh.sideBody, fresh.sideUpdatedAtMs);
        else tx.persist(CommentLink.link({ id: newHubId(), comment: current, projectId: project.id, externalId: result.externalId, itemExternalId: mapping.externalId, ...fresh }));
      } else if (action === 'edit' && result) {
        held?.recordEdited(sent, result.reportedBody, result.updatedAtMs);
      } else if (action === 'delete' || gone) {
        held?.recordDeleted();
      }
      // Deleted on the side while we edited it: a deletion is final, here and everywhere else.
      const removed = gone ? current.remove({ origin: project.id, author: project.name, atMs: now }).events : [];
      await tx.flush();
      const ticket = await tx.findOne(Ticket, { id: current.ticketId });
      // The comment may have changed while the call was out: plan again (everywhere, if it was removed).
      const again = ticket ? await planCommentPushes(tx, current, ticket.privacy, mirrorsComments, gone ? undefined : project.id) : [];
      return { result: 'done' as Outcome, events: [...removed, ...again] };
    });
    if (gaveBack) lease.cleared();
    return outcome;
  };
}
