// The polling cursor of a GITHUB project. Format (opaque to the engine, stable across restarts):
// `v1:<sinceMs>:<newestMs>:<page>`. A pass lists `GET /repos/{o}/{r}/issues?state=all&since=…`
// sorted by `updated` ascending, page by page; `sinceMs` is where the pass started (the newest
// `updated_at` of the previous pass), `newestMs` the newest seen so far, `page` the next page.
// `since` is inclusive and to the second, so a pass re-reads the issues of its first second, which
// changes nothing (equal values) and loses nothing.

import { InvalidConnectorSettings } from '#domain/project/connector.ts';

/** Where a polling pass stands. */
export interface CursorPosition {
  readonly sinceMs?: number | undefined;
  readonly newestMs?: number | undefined;
  /** The next page of the pass (1 when absent). */
  readonly page?: number | undefined;
}

/** The cursor string of `position`. */
export function encodeCursor(position: CursorPosition): string {
  return `v1:${position.sinceMs ?? ''}:${position.newestMs ?? ''}:${position.page ?? ''}`;
}

/** The position of `cursor` (null: from the beginning); throws on a cursor of another format. */
export function decodeCursor(cursor: string | null): CursorPosition {
  if (cursor === null || cursor === '') return {};
  const match = /^v1:(\d*):(\d*):(\d*)$/.exec(cursor);
  if (!match) throw new InvalidConnectorSettings(`cursor: "${cursor.slice(0, 40)}" is not a GitHub cursor`);
  const number = (text: string | undefined): number | undefined => (text ? Number(text) : undefined);
  return { sinceMs: number(match[1]), newestMs: number(match[2]), page: number(match[3]) };
}

/** True when a `Link` header names a next page. */
export function hasNextPage(link: string | undefined): boolean {
  return link !== undefined && /<[^>]*>;\s*rel="next"/.test(link);
}
