// A GitHub issue comment as the hub reads it, from a webhook or from REST alike: its body is
// Markdown already, so only our marker is stripped. Kept apart from the comment calls so the
// inbound parser needs no client.

import type { ExternalComment } from '#domain/project/connector.ts';
import { externalIdOf } from './items.ts';
import { stripMarker } from './marker.ts';
import type { GithubComment } from './payloads.ts';

/** The comment `comment` on issue `issueNumber`, body without our marker. */
export function externalComment(issueNumber: number, comment: GithubComment): ExternalComment {
  const author = comment.user?.login;
  return {
    itemExternalId: externalIdOf(issueNumber),
    externalId: String(comment.id),
    body: stripMarker(comment.body ?? '').text,
    ...(author === undefined ? {} : { author }),
    createdAtMs: comment.created_at,
    updatedAtMs: comment.updated_at,
  };
}
