// GitHub issue comments as Lockstep mirrors them, through the Issues comments API: bodies are
// Markdown both ways. Each comment Lockstep posts ends with a hidden marker naming the hub comment,
// so a post whose answer was lost is found among the issue's recent comments on retry instead of
// being posted twice; edits keep the marker, and reads strip it.

import {
  ExternalCallError,
  type CommentChannel,
  type CommentRequest,
  type CommentResult,
} from '#domain/project/connector.ts';
import type { GithubCall } from './client.ts';
import { externalComment } from './comment-values.ts';
import { issueNumberOf } from './items.ts';
import { hasMarker, stripMarker, withMarker } from './marker.ts';
import { commentListSchema, commentSchema, parseAnswer, type GithubComment } from './payloads.ts';
import type { GithubConfig } from './settings.ts';

/** How far back a retried post looks for its lost copy (by the comments' updated_at). */
const lostCopyWindowMs = 24 * 3600_000;

/** The issue number of `externalId`; an id that is not one is 'rejected'. */
export function issueNumber(externalId: string): number {
  const number = issueNumberOf(externalId);
  if (number === undefined) throw new ExternalCallError('rejected', `"${externalId}" is not a GitHub issue number`);
  return number;
}

function commentId(externalId: string): number {
  if (!/^\d{1,20}$/.test(externalId))
    throw new ExternalCallError('rejected', `"${externalId}" is not a GitHub comment id`);
  return Number(externalId);
}

/** GitHub's longest comment body, less room for our marker. */
const maxBody = 65_536 - 100;

/** The text to send for `request`, our marker at its end; a body GitHub cannot hold is 'rejected'. */
function markedBody(request: CommentRequest): string {
  if (request.body.length > maxBody) {
    throw new ExternalCallError(
      'rejected',
      `comment of ${request.body.length} characters: GitHub holds at most ${maxBody}`,
    );
  }
  return withMarker(request.body, 'comment', request.commentId);
}

function result(comment: GithubComment): CommentResult {
  return {
    externalId: String(comment.id),
    reportedBody: stripMarker(comment.body ?? '').text,
    updatedAtMs: comment.updated_at,
  };
}

/** The comment calls of one GitHub session. */
export function openGithubComments(config: GithubConfig, call: GithubCall): CommentChannel {
  const repo = { owner: config.owner, repo: config.repo };

  async function lostCopy(number: number, request: CommentRequest): Promise<GithubComment | undefined> {
    const since = new Date(Date.now() - lostCopyWindowMs).toISOString();
    const answer = await call(
      `GET comments of #${number}`,
      (octokit, options) =>
        octokit.rest.issues.listComments({ ...repo, issue_number: number, since, per_page: 100, request: options }),
      request.signal,
    );
    return parseAnswer(commentListSchema, answer.data, `GET comments of #${number}`).find((comment) =>
      hasMarker(comment.body, 'comment', request.commentId),
    );
  }

  return {
    async post(itemExternalId, request) {
      const number = issueNumber(itemExternalId);
      const found = request.retry ? await lostCopy(number, request) : undefined;
      if (found) return result(found);
      const answer = await call(
        `POST comment on #${number}`,
        (octokit, options) =>
          octokit.rest.issues.createComment({
            ...repo,
            issue_number: number,
            body: markedBody(request),
            request: options,
          }),
        request.signal,
      );
      return result(parseAnswer(commentSchema, answer.data, `POST comment on #${number}`));
    },

    async edit(_itemExternalId, externalId, request) {
      const id = commentId(externalId);
      const answer = await call(
        `PATCH comment ${id}`,
        (octokit, options) =>
          octokit.rest.issues.updateComment({
            ...repo,
            comment_id: id,
            body: markedBody(request),
            request: options,
          }),
        request.signal,
      );
      return result(parseAnswer(commentSchema, answer.data, `PATCH comment ${id}`));
    },

    async remove(_itemExternalId, externalId, request) {
      const id = commentId(externalId);
      try {
        await call(
          `DELETE comment ${id}`,
          (octokit, options) => octokit.rest.issues.deleteComment({ ...repo, comment_id: id, request: options }),
          request.signal,
        );
      } catch (error) {
        if (!(error instanceof ExternalCallError && error.kind === 'not_found')) throw error;
      }
    },

    async fetch(itemExternalId, externalId, signal) {
      const id = commentId(externalId);
      try {
        const answer = await call(
          `GET comment ${id}`,
          (octokit, options) => octokit.rest.issues.getComment({ ...repo, comment_id: id, request: options }),
          signal,
        );
        return externalComment(
          issueNumber(itemExternalId),
          parseAnswer(commentSchema, answer.data, `GET comment ${id}`),
        );
      } catch (error) {
        if (error instanceof ExternalCallError && error.kind === 'not_found') return null;
        throw error;
      }
    },
  };
}
