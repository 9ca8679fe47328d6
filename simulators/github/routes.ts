// The REST subset of the GitHub simulator, as Octokit calls it: the repository, issues (list with
// state/since/sort/direction and page links, create, get, update), labels (list, create) and issue
// comments (list with since, create, get, update, delete). Each handler gets the parsed request and
// answers through `reply`; auth, rate limits and call counts are the server's business.

import { createHash } from 'node:crypto';
import { commentJson, issueJson, labelJson, repositoryJson, type SimRepoRef } from './json.ts';
import type { IssuePatch, SimComment, SimIssue, SimStore } from './store.ts';

/** A request as the handlers see it. */
export interface SimRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly body: Record<string, unknown>;
  readonly actor: string;
  readonly ifNoneMatch: string | undefined;
}

/** What a handler answers. */
export interface SimReply {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
  /** The change happened; a lost answer may still be simulated. */
  readonly wrote?: boolean;
}

const notFound: SimReply = {
  status: 404,
  body: { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' },
};

function invalid(field: string, code = 'invalid'): SimReply {
  return {
    status: 422,
    body: {
      message: 'Validation Failed',
      errors: [{ resource: 'Issue', field, code }],
      documentation_url: 'https://docs.github.com/rest',
    },
  };
}

/** The routes of one simulated repository. */
export function createRoutes(
  ref: () => SimRepoRef,
  store: SimStore,
  permissions: (actor: string) => { admin: boolean; push: boolean; pull: boolean } | undefined,
) {
  const color = (name: string) => store.labels.get(name.toLowerCase())?.color ?? 'ededed';
  const countComments = (number: number) => [...store.comments.values()].filter((c) => c.issueNumber === number).length;
  const issue = (i: SimIssue) => issueJson(ref(), i, color, countComments(i.number));

  function page<T>(request: SimRequest, rows: readonly T[]): { rows: T[]; headers: Record<string, string> } {
    const perPage = Math.min(100, Math.max(1, Number(request.query.get('per_page') ?? 30) || 30));
    const number = Math.max(1, Number(request.query.get('page') ?? 1) || 1);
    const last = Math.max(1, Math.ceil(rows.length / perPage));
    const link = (p: number) => {
      const query = new URLSearchParams(request.query);
      query.set('page', String(p));
      return `<${ref().baseUrl}${request.path}?${query.toString()}>`;
    };
    const links: string[] = [];
    if (number < last) links.push(`${link(number + 1)}; rel="next"`, `${link(last)}; rel="last"`);
    if (number > 1) links.push(`${link(1)}; rel="first"`, `${link(number - 1)}; rel="prev"`);
    return {
      rows: rows.slice((number - 1) * perPage, number * perPage),
      headers: links.length > 0 ? { link: links.join(', ') } : {},
    };
  }

  /**
   * A list answer with an ETag; an If-None-Match that matches is a 304. Only the asked page is
   * turned into JSON (`json`): an import pages 10,000 issues through here.
   */
  function list<T>(request: SimRequest, rows: readonly T[], json: (row: T) => unknown): SimReply {
    const paged = page(request, rows);
    const body = paged.rows.map(json);
    const etag = `W/"${createHash('sha1').update(JSON.stringify(body)).digest('hex')}"`;
    if (request.ifNoneMatch === etag) return { status: 304, headers: { etag } };
    return { status: 200, body, headers: { ...paged.headers, etag } };
  }

  function listIssues(request: SimRequest): SimReply {
    const state = request.query.get('state') ?? 'open';
    const since = request.query.get('since');
    const sinceMs = since ? Date.parse(since) : undefined;
    const sort = request.query.get('sort') ?? 'created';
    const ascending = request.query.get('direction') === 'asc';
    // Each issue's sort key read once per request, not once per comparison.
    const keys = new Map<SimIssue, number>();
    for (const i of store.issues.values()) {
      if (state !== 'all' && i.state !== state) continue;
      if (sinceMs !== undefined && Date.parse(i.updatedAt) < sinceMs) continue;
      keys.set(i, Date.parse(sort === 'updated' ? i.updatedAt : i.createdAt));
    }
    const key = (i: SimIssue) => keys.get(i) ?? 0;
    const rows = [...keys.keys()].sort((a, b) => (ascending ? 1 : -1) * (key(a) - key(b) || a.number - b.number));
    return list(request, rows, issue);
  }

  function issuePatch(body: Record<string, unknown>): IssuePatch | SimReply {
    const patch: { -readonly [K in keyof IssuePatch]: IssuePatch[K] } = {};
    if ('title' in body) {
      if (typeof body['title'] !== 'string' || body['title'].trim() === '') return invalid('title', 'missing_field');
      patch.title = body['title'];
    }
    if ('body' in body) patch.body = typeof body['body'] === 'string' ? body['body'] : null;
    if ('state' in body) {
      if (body['state'] !== 'open' && body['state'] !== 'closed') return invalid('state');
      patch.state = body['state'];
    }
    if ('state_reason' in body) {
      const reason = body['state_reason'];
      if (reason !== null && !['completed', 'not_planned', 'reopened', 'duplicate'].includes(String(reason)))
        return invalid('state_reason');
      patch.state_reason = reason as string | null;
    }
    for (const field of ['labels', 'assignees'] as const) {
      if (!(field in body)) continue;
      const value = body[field];
      if (!Array.isArray(value)) return invalid(field);
      patch[field] = value.map((entry: unknown) =>
        typeof entry === 'object' && entry !== null ? String((entry as { name?: unknown }).name) : String(entry),
      );
    }
    return patch;
  }

  const isReply = (value: IssuePatch | SimReply): value is SimReply => 'status' in value;

  function commentRoutes(request: SimRequest, parts: readonly string[]): SimReply {
    if (parts[0] === 'comments' && parts[1] !== undefined) {
      const comment: SimComment | undefined = store.comments.get(Number(parts[1]));
      if (!comment) return notFound;
      if (request.method === 'GET') return { status: 200, body: commentJson(ref(), comment) };
      if (request.method === 'PATCH') {
        if (typeof request.body['body'] !== 'string') return invalid('body', 'missing_field');
        store.editComment(comment, request.body['body'], request.actor);
        return { status: 200, body: commentJson(ref(), comment), wrote: true };
      }
      if (request.method === 'DELETE') {
        store.deleteComment(comment, request.actor);
        return { status: 204, wrote: true };
      }
      return notFound;
    }
    const target = store.issues.get(Number(parts[0]));
    if (!target) return notFound;
    if (request.method === 'GET') {
      const since = request.query.get('since');
      const rows = [...store.comments.values()]
        .filter((c) => c.issueNumber === target.number && (!since || Date.parse(c.updatedAt) >= Date.parse(since)))
        .sort((a, b) => a.id - b.id);
      return list(request, rows, (c) => commentJson(ref(), c));
    }
    if (request.method !== 'POST') return notFound;
    if (typeof request.body['body'] !== 'string' || request.body['body'] === '')
      return invalid('body', 'missing_field');
    return {
      status: 201,
      body: commentJson(ref(), store.comment(target, request.body['body'], request.actor)),
      wrote: true,
    };
  }

  /** Answers `request` (a path under /repos/{owner}/{repo}, split in `parts`). */
  return function route(request: SimRequest, parts: readonly string[]): SimReply {
    const [section, id, sub] = parts;
    if (section === undefined)
      return request.method === 'GET'
        ? { status: 200, body: repositoryJson(ref(), permissions(request.actor)) }
        : notFound;
    if (section === 'labels') {
      if (request.method === 'GET')
        return list(request, [...store.labels.values()], (l) => labelJson(ref(), l.name, l.color, l.description));
      if (request.method !== 'POST') return notFound;
      const name = request.body['name'];
      if (typeof name !== 'string' || name.trim() === '') return invalid('name', 'missing_field');
      if (store.labels.has(name.toLowerCase()))
        return {
          status: 422,
          body: {
            message: 'Validation Failed',
            errors: [{ resource: 'Label', code: 'already_exists', field: 'name' }],
          },
        };
      const shade = typeof request.body['color'] === 'string' ? request.body['color'] : 'ededed';
      const description = typeof request.body['description'] === 'string' ? request.body['description'] : null;
      store.labels.set(name.toLowerCase(), { name, color: shade, description });
      return { status: 201, body: labelJson(ref(), name, shade, description), wrote: true };
    }
    if (section !== 'issues') return notFound;
    if (id === 'comments' || sub === 'comments')
      return commentRoutes(request, id === 'comments' ? parts.slice(1) : [id ?? '']);
    if (id === undefined) {
      if (request.method === 'GET') return listIssues(request);
      if (request.method !== 'POST') return notFound;
      if (typeof request.body['title'] !== 'string' || request.body['title'].trim() === '')
        return invalid('title', 'missing_field');
      const patch = issuePatch(request.body);
      if (isReply(patch)) return patch;
      const created = store.create({ ...patch, title: request.body['title'] }, request.actor);
      return { status: 201, body: issue(created), wrote: true };
    }
    const target = store.issues.get(Number(id));
    if (!target || sub !== undefined) return notFound;
    if (request.method === 'GET') return { status: 200, body: issue(target) };
    if (request.method !== 'PATCH') return notFound;
    const patch = issuePatch(request.body);
    if (isReply(patch)) return patch;
    store.update(target, patch, request.actor);
    return { status: 200, body: issue(target), wrote: true };
  };
}
