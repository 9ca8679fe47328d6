// Polling and imports of a GITHUB project: `GET /repos/{o}/{r}/issues?state=all&since=…` sorted by
// `updated` ascending, a page per call, pull requests skipped, resumable by cursor (cursor.ts). A
// poll that repeats the last one (same `since`) asks with `If-None-Match`; GitHub answers 304 when
// nothing changed, which costs no quota. Only a whole answer (no next page) is remembered that way,
// since a change could otherwise sit past page 1 while page 1 is unchanged.

import { ExternalCallError, type ConnectorSession } from '#domain/project/connector.ts';
import type { GithubCall } from './client.ts';
import { decodeCursor, encodeCursor, hasNextPage } from './cursor.ts';
import { isPullRequest, itemFromIssue, type StateKeys } from './items.ts';
import type { GithubMapping } from './mapping.ts';
import { issueListSchema, parseAnswer } from './payloads.ts';
import type { GithubConfig } from './settings.ts';

/** ETags of a project's recent whole poll answers, by request. */
export type PollEtags = Map<string, string>;

/** How many poll ETags a project remembers. */
const maxEtags = 50;

/** The `fetchChanges` of a session. */
export function createPoller(
  call: GithubCall,
  config: GithubConfig,
  mapping: GithubMapping,
  pageSize: number,
  etags: PollEtags,
  keys: StateKeys,
): ConnectorSession['fetchChanges'] {
  const repo = { owner: config.owner, repo: config.repo };

  function remember(key: string, etag: string): void {
    etags.delete(key);
    etags.set(key, etag);
    if (etags.size > maxEtags) etags.delete(etags.keys().next().value ?? key);
  }

  return async (cursor, signal) => {
    const position = decodeCursor(cursor);
    const page = position.page ?? 1;
    const since = position.sinceMs === undefined ? undefined : new Date(position.sinceMs).toISOString();
    const etagKey = page === 1 ? `${since ?? ''} ${pageSize}` : undefined;
    const known = etagKey === undefined ? undefined : etags.get(etagKey);
    const unchanged = {
      items: [],
      cursor: encodeCursor({ sinceMs: position.sinceMs, newestMs: position.newestMs }),
      done: true,
    };
    // Sent before the answer: the states it lists are no newer than this.
    const sentAtMs = Date.now();
    let answer;
    try {
      answer = await call(
        'GET issues',
        (o, request) =>
          o.rest.issues.listForRepo({
            ...repo,
            state: 'all',
            sort: 'updated',
            direction: 'asc',
            per_page: pageSize,
            page,
            ...(since ? { since } : {}),
            ...(known ? { headers: { 'if-none-match': known } } : {}),
            request,
          }),
        signal,
      );
    } catch (error) {
      if (known && error instanceof ExternalCallError && error.status === 304) return unchanged;
      throw error;
    }
    const issues = parseAnswer(issueListSchema, answer.data, 'GET issues');
    const items = issues
      .filter((issue) => !isPullRequest(issue))
      .map((issue) => itemFromIssue(issue, mapping, sentAtMs, { keys }));
    const newest = Math.max(position.newestMs ?? 0, ...issues.map((issue) => issue.updated_at));
    const more = hasNextPage(answer.headers.link);
    if (etagKey !== undefined && !more && typeof answer.headers.etag === 'string')
      remember(etagKey, answer.headers.etag);
    if (more) {
      return {
        items,
        cursor: encodeCursor({ sinceMs: position.sinceMs, newestMs: newest, page: page + 1 }),
        done: false,
      };
    }
    return {
      items,
      cursor: encodeCursor({ sinceMs: newest > 0 ? newest : position.sinceMs, newestMs: newest }),
      done: true,
    };
  };
}
