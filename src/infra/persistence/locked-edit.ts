// An edit of one existing row under its row lock in two round trips: `begin` and the locked read
// go as one simple-protocol message, then the changed columns, the rows the edit adds, its outbox
// rows and `commit` as another. The domain still decides in between, on the row as read, and on
// the rows of one more statement the caller may add to the locked read (`also`), read under the lock.
//
// Edits of one row that arrive while an earlier edit of it is in flight wait in this process and
// then go together: one lock, one read, each edit decided in turn on the state the one before it
// left, one write and one commit. A burst of edits to a hot row then costs a few transactions, not
// one transaction per edit each holding the lock across a round trip and a turn of the event loop
// (and a pooled connection while it queues). Each edit still gets its own answer, event and error.
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

/** Edits of one row that go in one transaction at most. */
const MAX_BATCH = 64;

/** What the edit decides on: the row (null when there is none) and the rows of its `also` statement. */
export type LockedWork<E, T> = (found: E | null, also: ReadonlyArray<Record<string, unknown>>) => Edited<T>;

/** One edit waiting for its row. */
interface Pending {
  readonly work: LockedWork<object, unknown>;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
}

/** Locked edits over `orm`'s own pool; `afterCommit` runs with the events of each commit that wrote some. */
export function createLockedEdits(orm: MikroORM, prefix: string, afterCommit: (events: Committed<unknown>['events']) => void) {
  const em = orm.em.fork();
  const platform = em.getPlatform();
  const reads = createPlainReads(em);
  let pool: Promise<pg.Pool> | undefined;
  /** Per row with an edit in flight: the edits that arrived since, in arrival order. */
  const queued = new Map<string, Pending[]>();
  // One message of several statements: the parameters are inlined by MikroORM's own quoting, as
  // it does for every statement it sends (a simple-protocol message carries no parameters).
  const message = (statements: readonly PlainStatement[]) => statements.map(({ sql, values }) => platform.formatQuery(sql, values)).join(';\n');

  /**
   * Decides and commits `batch` in one transaction and settles each edit. An edit the domain
   * refuses fails alone and leaves no trace on the others. When the write itself fails, every
   * edit of a larger batch runs again on its own, so a statement one edit makes cannot fail another.
   */
  async function commitBatch(entity: EntityClass<object>, id: string, also: PlainStatement | undefined, batch: readonly Pending[]): Promise<void> {
    const meta = em.getMetadata().get(entity);
    const [key] = meta.primaryKeys;
    if (key === undefined || meta.primaryKeys.length !== 1) throw new Error(`${entity.name}: a locked edit needs one primary key`);
    const read = message([
      { sql: 'begin', values: [] },
      { sql: `select * from ${reads.table(entity)} where ${reads.column(entity, key)} = ? for update`, values: [id] },
      ...(also ? [also] : []),
    ]);
    const sqlPool = await (pool ??= sqlPoolOf(orm));
    const decided: Array<{ pending: Pending; edited: Edited<unknown> }> = [];
    const refused: Array<{ pending: Pending; error: unknown }> = [];
    let events: Committed<unknown>['events'] = [];
    try {
      await withConnection(sqlPool, async (client) => {
        try {
          const [, locked, extra] = (await client.query(read)) as unknown as [pg.QueryResult, pg.QueryResult<Record<string, unknown>>, pg.QueryResult<Record<string, unknown>>?];
          const alsoRows = extra?.rows ?? [];
          const [found] = reads.instances(entity, locked.rows);
          const before = found ? storedRowOf(em, entity, found) : undefined;
          // Each edit of a batch decides on a copy of the state the last accepted edit left, so a
          // refused edit leaves nothing behind and an accepted one keeps the instance its answer
          // shows. An edit alone has no one after it: it decides on the row as read.
          let state = found;
          for (const pending of batch) {
            const instance = state && batch.length > 1 ? reads.copy(entity, state) : (state ?? null);
            try {
              decided.push({ pending, edited: pending.work(instance, alsoRows) });
              if (instance) state = instance;
            } catch (error) {
              refused.push({ pending, error });
            }
          }
          events = decided.flatMap(({ edited }) => edited.events);
          // Nothing accepted, nothing written (an edit alone may have changed the row it refused).
          const update = state && before && decided.length > 0 ? plainUpdateOf(em, entity, state, before, key) : undefined;
          await client.query(
            message([
              ...(update ? [update] : []),
              ...decided.flatMap(({ edited }) => edited.added ?? []).map((row) => plainInsertOf(em, row.constructor as EntityClass<object>, row)),
              ...(events.length > 0 ? [outboxInsertOf(prefix, events)] : []),
              { sql: 'commit', values: [] },
            ]),
          );
        } catch (error) {
          // Whatever failed (the read, a statement), nothing of it is kept.
          await client.query('rollback').catch(() => undefined);
          throw error;
        }
      });
    } catch (error) {
      for (const { pending, error: own } of refused) pending.reject(own);
      if (decided.length > 1) {
        for (const { pending } of decided) await commitBatch(entity, id, also, [pending]);
      } else for (const { pending } of decided) pending.reject(error);
      return;
    }
    for (const { pending, error } of refused) pending.reject(error);
    // The connection is back in the pool before the relay is woken to read the outbox.
    if (events.length > 0) afterCommit(events);
    for (const { pending, edited } of decided) pending.resolve(edited.result);
  }

  /** Runs `first` and then, batch after batch, the edits of its row that queued meanwhile. */
  async function drain(entity: EntityClass<object>, id: string, also: PlainStatement | undefined, rowKey: string, first: Pending): Promise<void> {
    let batch: readonly Pending[] = [first];
    while (batch.length > 0) {
      await commitBatch(entity, id, also, batch).catch((error: unknown) => {
        for (const pending of batch) pending.reject(error);
      });
      const waiting = queued.get(rowKey) ?? [];
      batch = waiting.splice(0, MAX_BATCH);
      if (waiting.length === 0 && batch.length === 0) queued.delete(rowKey);
    }
  }

  return function editLocked<E extends object, T>(entity: EntityClass<E>, id: string, work: LockedWork<E, T>, also?: PlainStatement): Promise<T> {
    // Edits go together only when they read the same: the row, and the same `also` statement.
    const rowKey = JSON.stringify([entity.name, id, also?.sql ?? null, also?.values ?? null]);
    return new Promise<T>((resolve, reject) => {
      const pending: Pending = { work: work as Pending['work'], resolve: resolve as Pending['resolve'], reject };
      const waiting = queued.get(rowKey);
      if (waiting) {
        waiting.push(pending);
        return;
      }
      queued.set(rowKey, []);
      void drain(entity as EntityClass<object>, id, also, rowKey, pending);
    });
  };
}
