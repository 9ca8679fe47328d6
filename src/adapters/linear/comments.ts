// Linear comments as Lockstep mirrors them: Markdown both ways, written with commentCreate (an id
// Lockstep derives from the push's delivery id, so a retry adopts the comment an attempt whose
// answer was lost made), commentUpdate and commentDelete, read back with `comment(id)`.

import { z } from 'zod';
import {
  ExternalCallError,
  type CommentChannel,
  type CommentResult,
  type ExternalComment,
} from '#domain/project/connector.ts';
import type { LinearCall } from './client.ts';
import { commentCreateMutation, commentDeleteMutation, commentQuery, commentUpdateMutation } from './documents.ts';
import { chosenUuid } from './ids.ts';
import { commentNodeSchema, type LinearCommentNode } from './payloads.ts';

const answerSchema = z.object({ comment: commentNodeSchema });
const createdSchema = z.object({ commentCreate: z.object({ success: z.boolean(), comment: commentNodeSchema }) });
const updatedSchema = z.object({ commentUpdate: z.object({ success: z.boolean(), comment: commentNodeSchema }) });
const deletedSchema = z.object({ commentDelete: z.object({ success: z.boolean() }) });

/** The comment as the engine reads it. */
export function externalComment(issueId: string, comment: LinearCommentNode): ExternalComment {
  const author = comment.user?.name ?? comment.user?.email;
  return {
    itemExternalId: comment.issue?.id ?? issueId,
    externalId: comment.id,
    body: comment.body,
    ...(author === undefined ? {} : { author }),
    createdAtMs: comment.createdAt,
    updatedAtMs: comment.updatedAt,
  };
}

function resultOf(comment: LinearCommentNode): CommentResult {
  return { externalId: comment.id, reportedBody: comment.body, updatedAtMs: comment.updatedAt };
}

/** The comment calls of one project's sessions. */
export function openLinearComments(projectId: string, call: LinearCall): CommentChannel {
  async function read(id: string, signal?: AbortSignal): Promise<LinearCommentNode | null> {
    try {
      return (await call(commentQuery, { id }, answerSchema, `comment ${id}`, signal)).comment;
    } catch (error) {
      if (error instanceof ExternalCallError && error.kind === 'not_found') return null;
      throw error;
    }
  }

  return {
    async post(issueId, request) {
      const id = chosenUuid('comment', projectId, request.deliveryId);
      const earlier = request.retry ? await read(id, request.signal) : null;
      if (earlier) return resultOf(earlier);
      try {
        const input = { id, issueId, body: request.body };
        const what = `commentCreate on ${issueId}`;
        const created = await call(commentCreateMutation, { input }, createdSchema, what, request.signal);
        return resultOf(created.commentCreate.comment);
      } catch (error) {
        const refused = error instanceof ExternalCallError && error.kind === 'rejected';
        const made = refused ? await read(id, request.signal) : null;
        if (made) return resultOf(made);
        throw error;
      }
    },

    async edit(_issueId, externalId, request) {
      const variables = { id: externalId, input: { body: request.body } };
      const what = `commentUpdate ${externalId}`;
      const updated = await call(commentUpdateMutation, variables, updatedSchema, what, request.signal);
      return resultOf(updated.commentUpdate.comment);
    },

    async remove(_issueId, externalId, request) {
      try {
        const what = `commentDelete ${externalId}`;
        await call(commentDeleteMutation, { id: externalId }, deletedSchema, what, request.signal);
      } catch (error) {
        if (!(error instanceof ExternalCallError && error.kind === 'not_found')) throw error;
      }
    },

    async fetch(issueId, externalId, signal) {
      const comment = await read(externalId, signal);
      return comment === null ? null : externalComment(issueId, comment);
    },
  };
}
