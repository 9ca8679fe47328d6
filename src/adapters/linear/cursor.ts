// The polling cursor of a LINEAR project. Format (opaque to the engine, stable across restarts):
// `v1|<since>|<newest>|<after>`: `since` is where the pass started (the newest `updatedAt` the
// previous pass saw, ISO), `newest` the newest seen so far in this pass, and `after` Linear's page
// cursor to resume the pass mid-way. The filter is `updatedAt >= since`, so a pass re-reads the
// issues of its first instant, which is harmless (equal values change nothing) and loses nothing.

import { InvalidConnectorSettings } from '#domain/project/connector.ts';

/** Where a polling pass stands. */
export interface CursorPosition {
  readonly since?: string | undefined;
  readonly newest?: string | undefined;
  readonly after?: string | undefined;
}

/** The start of time, as the filter's lower bound for a first pass. */
export const beginning = '1970-01-01T00:00:00.000Z';

/** The cursor string of `position`. */
export function encodeCursor(position: CursorPosition): string {
  return `v1|${position.since ?? ''}|${position.newest ?? ''}|${position.after ?? ''}`;
}

/** The position of `cursor` (null: from the beginning); throws on a cursor of another format. */
export function decodeCursor(cursor: string | null): CursorPosition {
  if (cursor === null || cursor === '') return {};
  const match = /^v1\|([^|]*)\|([^|]*)\|(.*)$/s.exec(cursor);
  if (!match) throw new InvalidConnectorSettings(`cursor: "${cursor.slice(0, 40)}" is not a Linear cursor`);
  return { since: match[1] || undefined, newest: match[2] || undefined, after: match[3] || undefined };
}
