// One page of rows for each of many parents in one statement (a LATERAL join over the parent ids),
// so a list of tickets loads every ticket's first comments, alerts or history entries at once
// instead of one query per ticket. Rows come back as managed entities, like `em.find` gives.
import type { EntityClass, EntityManager } from '@mikro-orm/postgresql';

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
export async function pagePerKey<T extends object>(em: EntityManager, entity: EntityClass<T>, page: PagePerKey): Promise<Map<string, T[]>> {
  const found = new Map<string, T[]>();
  // Sent as one array literal (execute would spread a JS array into a list); uuids need no quoting.
  const ids = page.ids.filter((id) => uuid.test(id));
  if (ids.length === 0) return found;
  const meta = em.getMetadata().get(entity);
  const column = (property: string) => {
    const name = (meta.properties as Record<string, { fieldNames: string[] } | undefined>)[property]?.fieldNames[0];
    if (name === undefined) throw new Error(`${meta.className} has no property ${property}`);
    return `"${name}"`;
  };
  const params: unknown[] = [`{${ids.join(',')}}`];
  const conditions = [`x.${column(page.key)} = t.id`];
  for (const [property, value] of Object.entries(page.where ?? {})) {
    if (value === null) conditions.push(`x.${column(property)} is null`);
    else {
      conditions.push(`x.${column(property)} = ?`);
      params.push(value);
    }
  }
  const sortColumns = `x.${column(page.orderBy)}, x.${column('id')}`;
  if (page.after) {
    conditions.push(`(${sortColumns}) ${page.direction === 'asc' ? '>' : '<'} (?, ?)`);
    params.push(page.after.at, page.after.id);
  }
  params.push(page.limit);
  const order = (alias: string) => `${alias}.${column(page.orderBy)} ${page.direction}, ${alias}.${column('id')} ${page.direction}`;
  const sql =
    `select p.* from unnest(?::uuid[]) with ordinality as t(id, n) cross join lateral ` +
    `(select x.* from "${meta.tableName}" x where ${conditions.join(' and ')} order by ${order('x')} limit ?) p ` +
    `order by t.n, ${order('p')}`;
  const rows = await em.getConnection().execute<Array<Record<string, unknown>>>(sql, params);
  const keyColumn = column(page.key).slice(1, -1);
  for (const row of rows) {
    const parent = String(row[keyColumn]);
    const list = found.get(parent) ?? [];
    list.push(em.map(entity, row as Parameters<typeof em.map<T>>[1]));
    found.set(parent, list);
  }
  return found;
}
