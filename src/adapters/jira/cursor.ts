// The polling cursor of a JIRA project, and the JQL clause it turns into. Format (opaque to the
// engine, stable across restarts): `v1:<sinceMs>:<newestMs>:<nextPageToken>`. `sinceMs` is where
// the pass started (the newest `updated` seen by the previous pass), `newestMs` the newest seen so
// far in this pass, and the token resumes the pass mid-way. JQL compares dates to the minute in the
// calling user's time zone, so the clause floors to the minute in that zone: a pass re-reads the
// issues of its first minute, which is harmless (equal values change nothing) and loses nothing.

import { InvalidConnectorSettings } from '#domain/project/connector.ts';

/** Where a polling pass stands. */
export interface CursorPosition {
  readonly sinceMs?: number | undefined;
  readonly newestMs?: number | undefined;
  readonly pageToken?: string | undefined;
}

/** The cursor string of `position`. */
export function encodeCursor(position: CursorPosition): string {
  return `v1:${position.sinceMs ?? ''}:${position.newestMs ?? ''}:${position.pageToken ?? ''}`;
}

/** The position of `cursor` (null: from the beginning); throws on a cursor of another format. */
export function decodeCursor(cursor: string | null): CursorPosition {
  if (cursor === null || cursor === '') return {};
  const match = /^v1:(\d*):(\d*):(.*)$/s.exec(cursor);
  if (!match) throw new InvalidConnectorSettings(`cursor: "${cursor.slice(0, 40)}" is not a Jira cursor`);
  const number = (text: string | undefined): number | undefined => (text ? Number(text) : undefined);
  return { sinceMs: number(match[1]), newestMs: number(match[2]), pageToken: match[3] || undefined };
}

/** ` AND updated >= "yyyy-MM-dd HH:mm"` in `timeZone` for `sinceMs`, or '' from the beginning. */
export function sinceClause(sinceMs: number | undefined, timeZone: string): string {
  if (sinceMs === undefined || sinceMs <= 0) return '';
  return ` AND updated >= "${formatJqlDate(sinceMs, timeZone)}"`;
}

/** `ms` as JQL's `yyyy-MM-dd HH:mm` in `timeZone` (UTC when the zone is unknown). */
export function formatJqlDate(ms: number, timeZone: string): string {
  let parts: Intl.DateTimeFormatPart[];
  try {
    parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(ms);
  } catch {
    return formatJqlDate(ms, 'UTC');
  }
  const part = (type: string): string => parts.find((p) => p.type === type)?.value ?? '00';
  return `${part('year')}-${part('month')}-${part('day')} ${part('hour')}:${part('minute')}`;
}
