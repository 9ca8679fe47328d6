// Maps the domain's Comment and CommentLink classes to tables: comments belong to a ticket, links
// record each comment's copy in a project (one per comment and project).
import { defineEntity, p } from '@mikro-orm/core';
import { Comment, type CommentOrigin } from '#domain/comment/comment.ts';
import { CommentLink } from '#domain/sync/comment-link.ts';

const timestamp = () => p.datetime().columnType('timestamptz');

export const CommentSchema = defineEntity({
  class: Comment,
  tableName: 'comments',
  properties: {
    id: p.uuid().primary(),
    ticketId: p.uuid(),
    body: p.text(),
    author: p.text(),
    authorId: p.text().$type<string | null>().nullable(),
    origin: p.text().$type<CommentOrigin>(),
    lastWriter: p.text().$type<CommentOrigin>(),
    createdAt: timestamp(),
    updatedAt: timestamp(),
    deletedAt: timestamp().$type<Date | null>().nullable(),
  },
});

export const CommentLinkSchema = defineEntity({
  class: CommentLink,
  tableName: 'comment_links',
  properties: {
    id: p.uuid().primary(),
    commentId: p.uuid(),
    ticketId: p.uuid(),
    projectId: p.uuid(),
    externalId: p.text(),
    itemExternalId: p.text(),
    hubBody: p.text(),
    sideBody: p.text(),
    sideUpdatedAt: timestamp(),
    status: p.text().$type<CommentLink['status']>(),
  },
});
