// Jira comments as Lockstep mirrors them: read from `comment_*` webhooks and REST v3, written with
// REST v3 (body as ADF, from and to the hub's Markdown). Jira webhooks carry comment bodies as
// wiki markup, which is not read: such a comment is marked `needsFetch` and read through REST v3.
// A comment Lockstep posts carries the comment property `lockstep`
// ({commentId, deliveryId}); when the answer to a post was lost, the retry first looks among the
// issue's newest comments for one with the same text and that property, and adopts it instead of
// posting a second copy. Comments restricted to a role or group, and JSM internal notes, stay in
// Jira: they are reported as gone, so one that becomes restricted is withdrawn from the hub and the
// ticket's other projects.

import { addComment, deleteComment, getComment, getCommentProperty, getComments, updateComment } from 'jira.js/cloud';
import type { Client } from 'jira.js/core';
import { ExternalCallError, type CommentChannel, type CommentRequest, type CommentResult, type ExternalComment } from '#domain/project/connector.ts';
import { adfToMarkdown, toAdf } from './adf.ts';
import { commentPageSchema, commentSchema, entityPropertySchema, type JiraComment, type JiraWebhookBody } from './payloads.ts';

/** The comment property marking comments Lockstep wrote. */
export const commentPropertyKey = 'lockstep';

/** How many of an issue's newest comments a retried post looks through for its lost copy. */
const lostCopyWindow = 50;

const commentEvents = new Set(['comment_created', 'comment_updated', 'comment_deleted']);

/** Parses a Jira answer or throws 'unavailable' naming the call. */
export type ParseAnswer = <T>(schema: { safeParse(value: unknown): { success: true; data: T } | { success: false; error: { message: string } } }, value: unknown, what: string) => T;

/** True for a comment Jira shows only to some people: restricted to a role or group, or a JSM internal note. */
export function isRestricted(comment: JiraComment): boolean {
  return (comment.visibility !== undefined && comment.visibility !== null) || comment.jsdPublic === false;
}

/**
 * The comment of a REST v3 answer (or webhook) on issue `issueKey`, body in Markdown. A restricted
 * comment is reported as gone: it never leaves Jira, and a mirrored one that becomes restricted is
 * withdrawn everywhere else.
 */
export function externalComment(issueKey: string, comment: JiraComment, fallbackMs: number): ExternalComment {
  const author = comment.updateAuthor?.displayName ?? comment.author?.displayName ?? comment.author?.accountId;
  const createdAtMs = comment.created ?? fallbackMs;
  if (isRestricted(comment)) return { itemExternalId: issueKey, externalId: comment.id, body: '', createdAtMs, updatedAtMs: comment.updated ?? createdAtMs, deleted: true };
  const wiki = typeof comment.body === 'string';
  return {
    itemExternalId: issueKey,
    externalId: comment.id,
    body: wiki || comment.body === undefined ? '' : adfToMarkdown(comment.body),
    ...(author === undefined ? {} : { author }),
    createdAtMs,
    updatedAtMs: comment.updated ?? createdAtMs,
    ...(wiki ? { needsFetch: true } : {}),
  };
}

/** The comments a `comment_*` webhook reports (none for other events). */
export function commentsOfWebhook(body: JiraWebhookBody): ExternalComment[] {
  if (!commentEvents.has(body.webhookEvent) || !body.comment || !body.issue) return [];
  if (body.webhookEvent === 'comment_deleted') {
    return [{ itemExternalId: body.issue.key, externalId: body.comment.id, body: '', createdAtMs: body.timestamp, updatedAtMs: body.timestamp, deleted: true }];
  }
  return [externalComment(body.issue.key, body.comment, body.timestamp)];
}

/** The comment calls of one Jira session. */
export function openJiraComments(client: (signal?: AbortSignal) => Client, parse: ParseAnswer): CommentChannel {
  const result = (comment: JiraComment, sent: string): CommentResult => ({
    externalId: comment.id,
    // What Jira will report: its ADF of what we sent, read back as Markdown.
    reportedBody: comment.body !== undefined && typeof comment.body !== 'string' ? adfToMarkdown(comment.body) : adfToMarkdown(toAdf(sent)),
    ...(comment.updated === undefined ? {} : { updatedAtMs: comment.updated }),
  });

  /** Our copy of `request` on the issue, if an earlier attempt made one. */
  async function lostCopy(issueKey: string, request: CommentRequest): Promise<JiraComment | undefined> {
    const page = parse(commentPageSchema, await getComments(client(request.signal), { issueIdOrKey: issueKey, orderBy: '-created', maxResults: lostCopyWindow }), `GET comments of ${issueKey}`);
    const expected = adfToMarkdown(toAdf(request.body));
    for (const candidate of page.comments) {
      if (candidate.body === undefined || typeof candidate.body === 'string' || adfToMarkdown(candidate.body) !== expected) continue;
      const property = await getCommentProperty(client(request.signal), { commentId: candidate.id, propertyKey: commentPropertyKey }).catch((error: unknown) => {
        if (error instanceof ExternalCallError && error.kind === 'not_found') return null;
        throw error;
      });
      const value = property === null ? undefined : parse(entityPropertySchema, property, `GET comment property of ${candidate.id}`).value;
      if ((value as { commentId?: unknown } | undefined)?.commentId === request.commentId) return candidate;
    }
    return undefined;
  }

  return {
    async post(issueKey, request) {
      const found = request.retry ? await lostCopy(issueKey, request) : undefined;
      if (found) return result(found, request.body);
      const created = await addComment(client(request.signal), {
        issueIdOrKey: issueKey,
        body: toAdf(request.body) as never,
        properties: [{ key: commentPropertyKey, value: { commentId: request.commentId, deliveryId: request.deliveryId } }],
      });
      return result(parse(commentSchema, created, `POST comment on ${issueKey}`), request.body);
    },

    async edit(issueKey, externalId, request) {
      const updated = await updateComment(client(request.signal), { issueIdOrKey: issueKey, id: externalId, body: { body: toAdf(request.body) as never } });
      return result(parse(commentSchema, updated, `PUT comment ${externalId}`), request.body);
    },

    async remove(issueKey, externalId, request) {
      try {
        await deleteComment(client(request.signal), { issueIdOrKey: issueKey, id: externalId });
      } catch (error) {
        if (!(error instanceof ExternalCallError && error.kind === 'not_found')) throw error;
      }
    },

    async fetch(issueKey, externalId, signal) {
      try {
        const comment = parse(commentSchema, await getComment(client(signal), { issueIdOrKey: issueKey, id: externalId }), `GET comment ${externalId}`);
        return externalComment(issueKey, comment, Date.now());
      } catch (error) {
        if (error instanceof ExternalCallError && error.kind === 'not_found') return null;
        throw error;
      }
    },
  };
}
