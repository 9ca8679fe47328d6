// One page of rows for each of many parents in one statement (a LATERAL join over the parent ids),
// so a list of tickets loads every ticket's first comments, alerts or history entries at once
// instead of one query per ticket. Rows come back as plain domain objects (see plain-reads.ts):
// these pages are only displayed.
import type { EntityClass } from '@mikro-orm/postgresql';
import type { PlainReads } from './plain-reads.ts';

/** A keyset position: strictly after (time, id) in the page's direction. */
export interface PagePosition {
  readonly at: Date;
  readonly id: string;
}

/** What to load: up to `limit` rows per id of `key`, ordered by (`orderBy`, id). */
export interface PagePerKey {
  /** The property holding the parent id (a uuid column), e.g. `ticketId`. */
  readonly key: string;
  readonly ids: readonly string[];
  /** The timestamp (or id) property the page is ordered by, then by id in the same direction. */
  readonly orderBy: string;
  readonly direction: 'asc' | 'desc';
  readonly after?: PagePosition;
  readonly limit: number;
  /** Further equality conditions on properties (null means IS NULL). */
  readonly where?: Readonly<Record<string, string | null>>;
}

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Up to `limit` entities per parent id, in page order; parents without rows are absent. */
export async function pagePerKey<T extends object>(reads: PlainReads, entity: EntityClass<T>, page: PagePerKey): Promise<Map<string, T[]>> {
  const found = new Map<string, T[]>();
  // Sent as one array literal; uuids need no quoting.
  const ids = page.ids.filter((id) => uuid.test(id));
  if (ids.length === 0) return found;
  const column = (property: string) => reads.column(entity as EntityClass<object>, property);
  const params: unknown[] = [`{${ids.join(',')}}`];
  const param = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  const conditions = [`x.${column(page.key)} = t.id`];
  for (const [property, value] of Object.entries(page.where ?? {})) {
    conditions.push(value === null ? `x.${column(property)} is null` : `x.${column(property)} = ${param(value)}`);
  }
  const sortColumns = `x.${column(page.orderBy)}, x.${column('id')}`;
  if (page.after) {
    conditions.push(`(${sortColumns}) ${page.direction === 'asc' ? '>' : '<'} (${param(page.after.at)}, ${param(page.after.id)})`);
  }
  const order = (alias: string) => `${alias}.${column(page.orderBy)} ${page.direction}, ${alias}.${column('id')} ${page.direction}`;
  const sql =
    `select p.* from unnest($1::uuid[]) with ordinality as t(id, n) cross join lateral ` +
    `(select x.* from ${reads.table(entity as EntityClass<object>)} x where ${conditions.join(' and ')} order by ${order('x')} limit ${param(page.limit)}) p ` +
    `order by t.n, ${order('p')}`;
  for (const entry of await reads.all(entity, sql, params)) {
    const parent = String((entry as Record<string, unknown>)[page.key]);
    const list = found.get(parent) ?? [];
    list.push(entry);
    found.set(parent, list);
  }
  return found;
}
