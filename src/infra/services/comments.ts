// Comment use cases: post a comment on a ticket, edit or delete one, read a ticket's conversation.
// Each write commits the comment, its event and the comment jobs for every project the ticket is
// mirrored to in one transaction. People edit and delete their own comments; admins any.
// Locks: a comment's links before the comment (comment-applier.ts, comment-pusher.ts); here only
// the comment, since nothing here changes a link.
import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Comment, type CommentChange, type CommentWrite } from '#domain/comment/comment.ts';
import type { DomainEvent } from '#domain/events.ts';
import { CommentLink } from '#domain/sync/comment-link.ts';
import { Ticket } from '#domain/ticket/ticket.ts';
import { BadInputError, ForbiddenError, NotFoundError } from './errors.ts';
import { isRoleAtLeast } from '#infra/auth/roles.ts';
import type { Caller } from '#infra/auth/tokens.ts';
import { pagePerKey } from '#infra/persistence/page-per-key.ts';
import { createPlainReads } from '#infra/persistence/plain-reads.ts';
import type { UnitOfWork } from '#infra/persistence/unit-of-work.ts';
import { planCommentPushes, type MirrorsComments } from '#infra/sync/comment-planner.ts';
import type { EngineEvent } from '#infra/sync/engine-events.ts';
import { isHubId, newHubId } from './ids.ts';

/** A page of a ticket's comments, oldest first, strictly after `after`. */
export interface CommentPage {
  readonly after?: { readonly at: Date; readonly id: string };
  readonly limit: number;
  readonly includeDeleted?: boolean;
}

/** The comment use cases. */
export interface CommentService {
  add(ticketId: string, body: string, caller: Caller): Promise<Comment>;
  edit(id: string, body: string, caller: Caller): Promise<Comment>;
  remove(id: string, caller: Caller): Promise<Comment>;
  /** The same page of each ticket's conversation, in one query. */
  listForTickets(ticketIds: readonly string[], page: CommentPage): Promise<Map<string, Comment[]>>;
  /** A comment by id, deleted ones included. */
  get(id: string): Promise<Comment | null>;
  /** Where each of the comments is mirrored, in one query. */
  linksOfComments(commentIds: readonly string[]): Promise<Map<string, CommentLink[]>>;
}

/** Comment service over `uow`; `mirrorsComments` says which connectors take comments. */
export function createCommentService(uow: UnitOfWork, mirrorsComments: MirrorsComments): CommentService {
  // Pages of tickets' conversations are only displayed: read without hydration.
  const plain = createPlainReads(uow.reader());
  const write = (caller: Caller): CommentWrite => ({ origin: 'hub', author: caller.name, authorId: caller.tokenId, atMs: Date.now() });

  // The ticket is only read (for its privacy), never locked: comment writers lock a comment's
  // link before the comment, and nothing else, so they never wait on ticket writers or they on them.
  /**
   * The ticket, share-locked until commit: a create of its item being acknowledged meanwhile (which
   * locks the ticket and then takes the conversation along) either sees this comment committed or
   * has committed its link before this comment's jobs are planned, so a comment never misses it.
   */
  async function readTicket(em: EntityManager, id: string): Promise<Ticket> {
    const ticket = isHubId(id) ? await em.findOne(Ticket, { id }, { lockMode: LockMode.PESSIMISTIC_READ }) : null;
    if (!ticket) throw new NotFoundError(`No ticket with id "${id}"`);
    return ticket;
  }

  /** Loads the comment under a lock, lets `change` decide, plans what must go out. */
  const change = (id: string, caller: Caller, decide: (comment: Comment) => CommentChange) =>
    uow.run(async (em) => {
      const comment = isHubId(id) ? await em.findOne(Comment, { id }, { lockMode: LockMode.PESSIMISTIC_WRITE }) : null;
      if (!comment) throw new NotFoundError(`No comment with id "${id}"`);
      if (comment.isDeleted()) throw new BadInputError(`comment ${id} was deleted`);
      if (!comment.isPostedBy(caller.tokenId) && !isRoleAtLeast(caller.role, 'admin')) {
        throw new ForbiddenError(`comment ${id} belongs to ${comment.author}; only its author or an admin may change it`);
      }
      const ticket = await readTicket(em, comment.ticketId);
      const { events } = decide(comment);
      await em.flush();
      const planned = events.length > 0 ? await planCommentPushes(em, comment, ticket.privacy, mirrorsComments) : [];
      return { result: comment, events: [...events, ...planned] as Array<DomainEvent | EngineEvent> };
    });

  return {
    add: (ticketId, body, caller) =>
      uow.run(async (em) => {
        const ticket = await readTicket(em, ticketId);
        const { comment, events } = Comment.post({ id: newHubId(), ticketId: ticket.id, body }, write(caller));
        em.persist(comment);
        await em.flush();
        const planned = await planCommentPushes(em, comment, ticket.privacy, mirrorsComments);
        return { result: comment, events: [...events, ...planned] };
      }),

    edit: (id, body, caller) => change(id, caller, (comment) => comment.edit(body, write(caller))),

    remove: (id, caller) => change(id, caller, (comment) => comment.remove(write(caller))),

    listForTickets: (ticketIds, page) =>
      pagePerKey(plain, Comment, {
        key: 'ticketId',
        ids: ticketIds.filter(isHubId),
        orderBy: 'createdAt',
        direction: 'asc',
        ...(page.after ? { after: page.after } : {}),
        limit: page.limit,
        ...(page.includeDeleted ? {} : { where: { deletedAt: null } }),
      }),

    get: async (id) => (isHubId(id) ? uow.reader().findOne(Comment, { id }) : null),

    async linksOfComments(commentIds) {
      const ids = commentIds.filter(isHubId);
      const found = ids.length > 0 ? await uow.reader().find(CommentLink, { commentId: { $in: ids } }, { orderBy: { id: 'asc' } }) : [];
      return Map.groupBy(found, (link) => link.commentId);
    },
  };
}
