// The polling cursor of a SERVICENOW project and the encoded query it turns into. Pages are read
// oldest first by `sys_updated_on` (then sys_id), and each page asks again from `since`, skipping
// the records at exactly `since` already read: `sys_updated_on` has whole seconds, so many records
// can share one, and a page boundary inside such a second neither loses nor repeats any. A pass
// that ends starts the next one at its newest second with nothing skipped, so records changed
// later in that same second are read again rather than missed (equal values change nothing).
// Format (opaque to the engine, stable across restarts): `v1:<since>:<skip>`.

import { InvalidConnectorSettings } from '#domain/project/connector.ts';
import { glideDateTime } from './payloads.ts';

/** Where a polling pass stands. */
export interface CursorPosition {
  /** The stored `sys_updated_on` to read from (inclusive); undefined: from the beginning. */
  readonly since?: string | undefined;
  /** Records at exactly `since` already read in this pass. */
  readonly skip: number;
}

/** The cursor string of `position`. */
export function encodeCursor(position: CursorPosition): string {
  return `v1:${position.since ?? ''}:${position.skip}`;
}

/** The position of `cursor` (null: from the beginning); throws on a cursor of another format. */
export function decodeCursor(cursor: string | null): CursorPosition {
  if (cursor === null || cursor === '') return { skip: 0 };
  const match = /^v1:(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2})?:(\d+)$/.exec(cursor);
  if (!match || (match[1] !== undefined && !glideDateTime.safeParse(match[1]).success)) {
    throw new InvalidConnectorSettings(`cursor: "${cursor.slice(0, 40)}" is not a ServiceNow cursor`);
  }
  return { since: match[1], skip: Number(match[2]) };
}

/** The encoded query of a page from `position`, within `scope` (conditions ANDed first, may be empty). */
export function pageQuery(position: CursorPosition, scope: string): string {
  const since = position.since === undefined ? '' : `sys_updated_on>=${position.since}`;
  const conditions = [scope, since].filter((part) => part !== '').join('^');
  return `${conditions}${conditions === '' ? '' : '^'}ORDERBYsys_updated_on^ORDERBYsys_id`;
}

/** Where the next page starts after reading `updatedOn` (the page's stored timestamps, in order). */
export function nextPosition(
  position: CursorPosition,
  updatedOn: readonly string[],
  full: boolean,
): { position: CursorPosition; done: boolean } {
  if (!full) return { position: { since: updatedOn.at(-1) ?? position.since, skip: 0 }, done: true };
  const newest = updatedOn.at(-1) ?? position.since;
  const atNewest = updatedOn.filter((value) => value === newest).length;
  const skip = newest === position.since ? position.skip + atNewest : atNewest;
  return { position: { since: newest, skip }, done: false };
}
