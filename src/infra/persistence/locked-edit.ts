// An edit of one existing row under its row lock in two round trips: `begin` and the locked read
// go as one simple-protocol message, then the changed columns, the rows the edit adds, its outbox
// rows and `commit` as another. The domain still decides in between, on the row as read.
import type { EntityClass, MikroORM } from '@mikro-orm/postgresql';
import type pg from 'pg';
import type { Committed } from './unit-of-work.ts';
import { outboxInsertOf } from './outbox.ts';
import { plainInsertOf, plainUpdateOf, storedRowOf, type PlainStatement } from './plain-insert.ts';
import { createPlainReads } from './plain-reads.ts';
import { sqlPoolOf, withConnection } from './sql-pool.ts';

/** What a locked edit decided: its result, the new rows it adds (a ticket's new conflicts), its events. */
export interface Edited<T> extends Committed<T> {
  /** Instances of mapped entities, each inserted into its class's table. */
  readonly added?: readonly object[];
}

/** Locked edits over `orm`'s own pool; `afterCommit` runs with the events of each commit that wrote some. */
export function createLockedEdits(orm: MikroORM, prefix: string, afterCommit: (events: Committed<unknown>['events']) => void) {
  const em = orm.em.fork();
  const platform = em.getPlatform();
  const reads = createPlainReads(em);
  let pool: Promise<pg.Pool> | undefined;
  // One message of several statements: the parameters are inlined by MikroORM's own quoting, as
  // it does for every statement it sends (a simple-protocol message carries no parameters).
  const message = (statements: readonly PlainStatement[]) => statements.map(({ sql, values }) => platform.formatQuery(sql, values)).join(';\n');

  return async function editLocked<E extends object, T>(entity: EntityClass<E>, id: string, work: (found: E | null) => Edited<T>): Promise<T> {
    const meta = em.getMetadata().get(entity);
    const [key] = meta.primaryKeys;
    if (key === undefined || meta.primaryKeys.length !== 1) throw new Error(`${entity.name}: a locked edit needs one primary key`);
    const read = message([
      { sql: 'begin', values: [] },
      { sql: `select * from ${reads.table(entity)} where ${reads.column(entity, key)} = ? for update`, values: [id] },
    ]);
    const committed = await withConnection(await (pool ??= sqlPoolOf(orm)), async (client) => {
      try {
        const [, locked] = (await client.query(read)) as unknown as [pg.QueryResult, pg.QueryResult<Record<string, unknown>>];
        const [found] = reads.instances(entity, locked.rows);
        const before = found ? storedRowOf(em, entity, found) : undefined;
        const decided = work(found ?? null);
        const { events, added = [] } = decided;
        const update = found && before ? plainUpdateOf(em, entity, found, before, key) : undefined;
        await client.query(
          message([
            ...(update ? [update] : []),
            ...added.map((row) => plainInsertOf(em, row.constructor as EntityClass<object>, row)),
            ...(events.length > 0 ? [outboxInsertOf(prefix, events)] : []),
            { sql: 'commit', values: [] },
          ]),
        );
        return decided;
      } catch (error) {
        // Whatever failed (the read, the domain's decision, a statement), nothing of it is kept.
        await client.query('rollback').catch(() => undefined);
        throw error;
      }
    });
    // The connection is back in the pool before the relay is woken to read the outbox.
    if (committed.events.length > 0) afterCommit(committed.events);
    return committed.result;
  };
}
