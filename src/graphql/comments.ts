// Comments in GraphQL: `Ticket.comments` (the conversation, oldest first, wherever each comment was
// written), `addComment`, `editComment`, `deleteComment` and the `commentChanged` subscription.
// Comments are mirrored to every project of the ticket whose connector takes comments (Jira, peer
// hubs), and comments written there come back here.
import { resolveCursorConnection } from '@pothos/plugin-relay';
import type { Comment } from '#domain/comment/comment.ts';
import type { CommentLink } from '#domain/sync/comment-link.ts';
import type { Ticket } from '#domain/ticket/ticket.ts';
import { builder } from './builder.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';
import { BadInputError, NotFoundError } from '#infra/services/errors.ts';
import { loadersOf } from './loaders.ts';
import { ExternalProjectRef } from './projects.ts';
import { TicketRef } from './tickets.ts';

/** A comment written in a project since removed has no project to show. */
function nullWhenMissing(error: unknown): null {
  if (error instanceof NotFoundError) return null;
  throw error;
}

const CommentMirrorRef = builder.objectRef<CommentLink>('CommentMirror').implement({
  description: "A comment's copy in a connected project.",
  fields: (t) => ({
    projectId: t.exposeID('projectId'),
    externalId: t.exposeString('externalId', { description: "The project's id for the comment." }),
    deleted: t.boolean({ resolve: (link) => link.status === 'deleted' }),
  }),
});

export const CommentRef = builder.objectRef<Comment>('Comment').implement({
  description: 'A comment on a ticket, written on the hub or in a connected tool.',
  fields: (t) => ({
    id: t.exposeID('id'),
    ticketId: t.exposeID('ticketId'),
    body: t.exposeString('body', { description: 'Markdown.' }),
    author: t.exposeString('author', { description: 'The hub user, or the name the connected tool gave.' }),
    origin: t.exposeString('origin', { description: '`hub`, or the id of the project the comment was written in.' }),
    originProject: t.field({
      type: ExternalProjectRef,
      nullable: true,
      description: 'The project the comment was written in; null when it was written on the hub.',
      resolve: (comment, _args, context) => (comment.origin === 'hub' ? null : loadersOf(context).project.load(comment.origin).catch(nullWhenMissing)),
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
    deleted: t.boolean({ resolve: (comment) => comment.isDeleted() }),
    mirrors: t.field({
      type: [CommentMirrorRef],
      description: 'Where the comment is mirrored.',
      complexity: { field: 1, multiplier: 2 },
      resolve: (comment, _args, context) => loadersOf(context).mirrorsOfComment.load(comment.id),
    }),
  }),
});

builder.objectField(TicketRef, 'comments', (t) =>
  t.connection({
    type: CommentRef,
    description: 'The conversation on the ticket, oldest first.',
    args: { includeDeleted: t.arg.boolean({ defaultValue: false }) },
    complexity: (args) => ({ field: 1, multiplier: Math.min(args.first ?? 20, 100) }),
    resolve: (ticket: Ticket, args, context) => {
      if (args.last != null || args.before != null) throw new BadInputError('comments: page forwards with first/after');
      if ((args.first ?? 0) > 100) throw new BadInputError('first: at most 100');
      return resolveCursorConnection<Promise<Comment[]>>(
        { args, toCursor: (comment: Comment) => encodeCursor(comment.createdAt, comment.id), defaultSize: 20, maxSize: 100 },
        ({ after, limit }) =>
          loadersOf(context).commentsOfTicket.load({
            id: ticket.id,
            page: { ...(after ? { after: decodeCursor(after) } : {}), limit, includeDeleted: args.includeDeleted ?? false },
          }),
      );
    },
  }),
);

const CommentPayload = builder.objectRef<{ comment: Comment }>('CommentPayload').implement({
  fields: (t) => ({
    comment: t.field({ type: CommentRef, resolve: (payload) => payload.comment }),
    ticket: t.field({
      type: TicketRef,
      resolve: async (payload, _args, { services }) => services.tickets.require(payload.comment.ticketId),
    }),
  }),
});

const AddCommentInput = builder.inputType('AddCommentInput', {
  fields: (t) => ({
    ticketId: t.id({ required: true }),
    body: t.string({ required: true, description: 'Markdown, 1-32768 characters.' }),
  }),
});

const EditCommentInput = builder.inputType('EditCommentInput', {
  fields: (t) => ({
    id: t.id({ required: true }),
    body: t.string({ required: true }),
  }),
});

builder.mutationField('addComment', (t) =>
  t.field({
    type: CommentPayload,
    args: { input: t.arg({ type: AddCommentInput, required: true }) },
    resolve: async (_root, { input }, { services, caller }) => ({ comment: await services.comments.add(String(input.ticketId), input.body, caller) }),
  }),
);

builder.mutationField('editComment', (t) =>
  t.field({
    type: CommentPayload,
    description: 'Changes the text of a comment you wrote on the hub (admins: any comment).',
    args: { input: t.arg({ type: EditCommentInput, required: true }) },
    resolve: async (_root, { input }, { services, caller }) => ({ comment: await services.comments.edit(String(input.id), input.body, caller) }),
  }),
);

builder.mutationField('deleteComment', (t) =>
  t.field({
    type: CommentPayload,
    description: 'Deletes a comment you wrote on the hub (admins: any comment), here and in every project it was mirrored to.',
    args: { id: t.arg.id({ required: true }) },
    resolve: async (_root, { id }, { services, caller }) => ({ comment: await services.comments.remove(String(id), caller) }),
  }),
);

builder.subscriptionField('commentChanged', (t) =>
  t.field({
    type: CommentRef,
    description: 'Each comment of the ticket as it is added, edited or deleted (here or in a connected tool).',
    args: { ticketId: t.arg.id({ required: true }) },
    subscribe: async function* (_root, { ticketId }, context) {
      const { services, signal } = context;
      const id = String(ticketId);
      await services.tickets.require(id);
      for await (const event of services.feed.commentEvents(id, signal)) {
        const commentId = String(event.payload['commentId']);
        const comment = await event.memo(`comment:${commentId}`, () => services.comments.get(commentId));
        // Loads below the event are shared with its other subscribers (see GraphQLContext.event).
        context.event = event;
        if (comment) yield comment;
      }
    },
    resolve: (comment: Comment) => comment,
  }),
);
