// Comments in the Jira simulator: the REST v3 comment endpoints the connector uses (list, add,
// get, update, delete, and comment properties) and Jira Cloud's `comment_created`,
// `comment_updated` and `comment_deleted` webhooks. As Jira Cloud's webhooks do, deliveries carry
// the comment body in REST v2 shape (wiki markup text), so the connector must read the comment
// through REST v3 for its ADF.

import type { JsonValue } from '#domain/json.ts';
import { adfToMarkdown } from '#adapters/jira/adf.ts';
import { jiraTime } from './store.ts';

/** A comment as the simulator keeps it. */
export interface SimComment {
  readonly id: string;
  readonly issueKey: string;
  body: JsonValue;
  readonly author: string;
  updateAuthor: string;
  readonly createdMs: number;
  updatedMs: number;
  properties: Record<string, JsonValue>;
  /** Restricted to a role (Jira's `visibility`); null: everyone who sees the issue. */
  restrictedTo: string | null;
}

/** A change to a comment, for the webhook sender. */
export interface SimCommentEvent {
  readonly type: 'comment_created' | 'comment_updated' | 'comment_deleted';
  readonly comment: SimComment;
  readonly atMs: number;
}

/** An answer to an API call. */
export interface SimAnswer {
  readonly status: number;
  readonly body?: JsonValue;
}

/** The simulator's comments, by issue. */
export class SimComments {
  readonly byId = new Map<string, SimComment>();
  #nextId = 70_000;
  readonly #stamp: () => number;
  readonly #listen: (event: SimCommentEvent) => void;

  constructor(stamp: () => number, listen: (event: SimCommentEvent) => void) {
    this.#stamp = stamp;
    this.#listen = listen;
  }

  /** The comments of an issue, oldest first. */
  of(issueKey: string): SimComment[] {
    return [...this.byId.values()].filter((c) => c.issueKey === issueKey).sort((a, b) => a.createdMs - b.createdMs || a.id.localeCompare(b.id));
  }

  add(issueKey: string, body: JsonValue, actor: string, properties: Record<string, JsonValue> = {}, restrictedTo: string | null = null): SimComment {
    const now = this.#stamp();
    const comment: SimComment = { id: String(this.#nextId++), issueKey, body, author: actor, updateAuthor: actor, createdMs: now, updatedMs: now, properties, restrictedTo };
    this.byId.set(comment.id, comment);
    this.#listen({ type: 'comment_created', comment, atMs: now });
    return comment;
  }

  edit(comment: SimComment, body: JsonValue, actor: string, restrictedTo: string | null = comment.restrictedTo): void {
    comment.body = body;
    comment.restrictedTo = restrictedTo;
    comment.updateAuthor = actor;
    comment.updatedMs = this.#stamp();
    this.#listen({ type: 'comment_updated', comment, atMs: comment.updatedMs });
  }

  remove(comment: SimComment): void {
    this.byId.delete(comment.id);
    this.#listen({ type: 'comment_deleted', comment, atMs: this.#stamp() });
  }
}

const user = (accountId: string, users: ReadonlyMap<string, string>) => ({ accountId, displayName: users.get(accountId) ?? accountId });

/** A comment in REST v3 shape (body as ADF). */
export function commentJson(comment: SimComment, baseUrl: string, users: ReadonlyMap<string, string>): JsonValue {
  return {
    self: `${baseUrl}/rest/api/3/issue/${comment.issueKey}/comment/${comment.id}`,
    id: comment.id,
    author: user(comment.author, users),
    updateAuthor: user(comment.updateAuthor, users),
    body: comment.body,
    created: jiraTime(comment.createdMs),
    updated: jiraTime(comment.updatedMs),
    jsdPublic: true,
    ...(comment.restrictedTo === null ? {} : { visibility: { type: 'role', value: comment.restrictedTo, identifier: comment.restrictedTo } }),
  };
}

/** The webhook body of a comment event, the comment in REST v2 shape (wiki markup text). */
export function commentWebhookBody(event: SimCommentEvent, issue: JsonValue, baseUrl: string, users: ReadonlyMap<string, string>): Record<string, JsonValue> {
  const v3 = commentJson(event.comment, baseUrl, users) as Record<string, JsonValue>;
  return {
    timestamp: event.atMs,
    webhookEvent: event.type,
    comment: { ...v3, self: String(v3['self']).replace('/rest/api/3/', '/rest/api/2/'), body: adfToMarkdown(event.comment.body) },
    issue,
  };
}

/** The comment endpoints, matched like the simulator's other routes. */
export function matchCommentRoute(method: string, path: string): { name: string; params: string[] } | undefined {
  const patterns: Array<[string, RegExp]> = [
    [`${method} /issue/{key}/comment`, /^\/issue\/([^/]+)\/comment$/],
    [`${method} /issue/{key}/comment/{id}`, /^\/issue\/([^/]+)\/comment\/([^/]+)$/],
    [`${method} /comment/{id}/properties/{key}`, /^\/comment\/([^/]+)\/properties\/([^/]+)$/],
  ];
  for (const [name, pattern] of patterns) {
    const match = pattern.exec(path);
    if (match) return { name, params: match.slice(1).map(decodeURIComponent) };
  }
  return undefined;
}

const isAdf = (body: unknown): body is JsonValue => typeof body === 'object' && body !== null && (body as { type?: unknown }).type === 'doc';

/** Answers a comment call on an existing issue (`issueKey` null: the issue does not exist). */
export function answerComment(
  name: string,
  params: readonly string[],
  query: URLSearchParams,
  body: Record<string, unknown>,
  caller: string,
  ctx: { readonly issueKey: string | null; readonly comments: SimComments; readonly baseUrl: string; readonly users: ReadonlyMap<string, string> },
): SimAnswer {
  const { comments, baseUrl, users } = ctx;
  const gone = { status: 404, body: { errorMessages: ['Can not find a comment for the id.'] } };
  if (name.endsWith('/comment/{id}/properties/{key}')) {
    const comment = comments.byId.get(params[0] ?? '');
    const key = params[1] ?? '';
    if (!comment) return gone;
    if (name.startsWith('GET ')) {
      return key in comment.properties ? { status: 200, body: { key, value: comment.properties[key] ?? null } } : { status: 404, body: { errorMessages: [`The property with key '${key}' does not exist.`] } };
    }
    if (name.startsWith('PUT ')) {
      comment.properties[key] = body as JsonValue;
      return { status: 200 };
    }
    return { status: 405 };
  }
  if (ctx.issueKey === null) return { status: 404, body: { errorMessages: ['Issue does not exist or you do not have permission to see it.'] } };
  const issueKey = ctx.issueKey;
  const comment = params[1] === undefined ? undefined : comments.byId.get(params[1]);
  const found = comment && comment.issueKey === issueKey ? comment : undefined;
  switch (name) {
    case 'GET /issue/{key}/comment': {
      const all = comments.of(issueKey);
      if (query.get('orderBy') === '-created') all.reverse();
      const startAt = Number(query.get('startAt') ?? 0) || 0;
      const maxResults = Math.min(100, Number(query.get('maxResults') ?? 50) || 50);
      const page = all.slice(startAt, startAt + maxResults);
      return { status: 200, body: { startAt, maxResults, total: all.length, comments: page.map((c) => commentJson(c, baseUrl, users)) } };
    }
    case 'POST /issue/{key}/comment': {
      if (!isAdf(body['body'])) return { status: 400, body: { errorMessages: [], errors: { comment: 'Comment body must be an Atlassian Document.' } } };
      const properties = Object.fromEntries(((body['properties'] ?? []) as Array<{ key: string; value: JsonValue }>).map((p) => [p.key, p.value]));
      const created = comments.add(issueKey, body['body'], caller, properties);
      return { status: 201, body: commentJson(created, baseUrl, users) };
    }
    case 'GET /issue/{key}/comment/{id}':
      return found ? { status: 200, body: commentJson(found, baseUrl, users) } : gone;
    case 'PUT /issue/{key}/comment/{id}':
      if (!found) return gone;
      if (!isAdf(body['body'])) return { status: 400, body: { errorMessages: [], errors: { comment: 'Comment body must be an Atlassian Document.' } } };
      comments.edit(found, body['body'], caller);
      return { status: 200, body: commentJson(found, baseUrl, users) };
    case 'DELETE /issue/{key}/comment/{id}':
      if (!found) return gone;
      comments.remove(found);
      return { status: 204 };
    default:
      return { status: 404, body: { errorMessages: [`no route ${name}`] } };
  }
}
