// An edit of one existing row under its row lock in two round trips: `begin` and the locked read
// go as one simple-protocol message, then the changed columns, the rows the edit adds, its outbox
// rows and `commit` as another. The domain still decides in between, on the row as read, and on
// the rows of one more statement the caller may add to the locked read (`also`), read under the lock.
//
// Edits of one row that arrive while an earlier edit of it is in flight wait in this process and
// then go together: one lock, one read, each edit decided in turn on the state the one before it
// left. Edits of different rows that arrive while earlier transactions are in flight share the next
// transaction too (group commit): their rows are locked in key order in one message, and their
// writes and the commit go in the next. A burst then costs a few transactions, not one per edit,
// each holding its lock across a round trip and a turn of the event loop, and a pooled connection
// while it waits. Each edit still gets its own answer, event and error.
import type { EntityClass, MikroORM } from '@mikro-orm/postgresql';
import type pg from 'pg';
import type { Committed } from './unit-of-work.ts';
import { createGroupCommit } from './group-commit.ts';
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
/** Rows one transaction locks at most. */
const MAX_ROWS = 32;
/** Transactions of locked edits in flight at once; edits arriving meanwhile wait for the next. */
const IN_FLIGHT = 4;
/**
 * How long a transaction of several rows waits for a lock another transaction holds. Past it, each
 * row goes again in a transaction of its own (which waits as long as it takes), so one row held
 * elsewhere holds up only its own edits.
 */
const GROUP_LOCK_TIMEOUT = '1s';

/** What the edit decides on: the row (null when there is none) and the rows of its `also` statement. */
export type LockedWork<E, T> = (found: E | null, also: ReadonlyArray<Record<string, unknown>>) => Edited<T>;

/** One edit waiting for its row. */
interface Pending {
  readonly work: LockedWork<object, unknown>;
  /** Read under the lock with the row; edits go together only when they read the same. */
  readonly also: PlainStatement | undefined;
  readonly alsoKey: string;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
}

/** The edits of one row that go in one transaction. */
interface RowBatch {
  readonly entity: EntityClass<object>;
  readonly id: string;
  /** `<entity>|<id>`: the row's place in the lock order (ids compare as PostgreSQL orders uuids). */
  readonly rowKey: string;
  readonly batch: readonly Pending[];
}

/** What one row's edits decided, before the write. */
interface RowDecision {
  readonly decided: ReadonlyArray<{ readonly pending: Pending; readonly edited: Edited<unknown> }>;
  readonly refused: ReadonlyArray<{ readonly pending: Pending; readonly error: unknown }>;
  readonly writes: readonly PlainStatement[];
}

/**
 * True for an ERROR PostgreSQL answered (with its SQLSTATE): the statement failed and the
 * transaction is rolled back. Not for a lost connection, nor a FATAL that ends the session (the
 * commit may or may not have happened then).
 */
function isErrorAnswer(error: unknown): boolean {
  const answer = error as { severity?: unknown; code?: unknown } | null;
  return answer?.severity === 'ERROR' && typeof answer.code === 'string' && answer.code.length === 5;
}

/** Locked edits over `orm`'s own pool; `afterCommit` runs with the events of each commit that wrote some. */
export function createLockedEdits(orm: MikroORM, prefix: string, afterCommit: (events: Committed<unknown>['events']) => void) {
  const em = orm.em.fork();
  const platform = em.getPlatform();
  const reads = createPlainReads(em);
  let pool: Promise<pg.Pool> | undefined;
  /** Per row with edits in flight: the edits that arrived since, in arrival order. */
  const queued = new Map<string, Pending[]>();
  // One message of several statements: the parameters are inlined by MikroORM's own quoting, as
  // it does for every statement it sends (a simple-protocol message carries no parameters).
  const message = (statements: readonly PlainStatement[]) => statements.map(({ sql, values }) => platform.formatQuery(sql, values)).join(';\n');

  const keyOf = (entity: EntityClass<object>): string => {
    const meta = em.getMetadata().get(entity);
    const [key] = meta.primaryKeys;
    if (key === undefined || meta.primaryKeys.length !== 1) throw new Error(`${entity.name}: a locked edit needs one primary key`);
    return key;
  };

  /** The locked read of one row, and its `also` statement after it. */
  const readOf = ({ entity, id, batch }: RowBatch): PlainStatement[] => {
    const also = batch[0]?.also;
    return [{ sql: `select * from ${reads.table(entity)} where ${reads.column(entity, keyOf(entity))} = ? for update`, values: [id] }, ...(also ? [also] : [])];
  };

  /**
   * Each edit of a row decides on a copy of the state the last accepted edit left, so a refused
   * edit leaves nothing behind and an accepted one keeps the instance its answer shows. An edit
   * alone has no one after it: it decides on the row as read, and writes nothing if refused.
   */
  function decide({ entity, batch }: RowBatch, rows: readonly Record<string, unknown>[], alsoRows: readonly Record<string, unknown>[]): RowDecision {
    const [found] = reads.instances(entity, rows);
    const before = found ? storedRowOf(em, entity, found) : undefined;
    const decided: Array<{ pending: Pending; edited: Edited<unknown> }> = [];
    const refused: Array<{ pending: Pending; error: unknown }> = [];
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
    const update = state && before && decided.length > 0 ? plainUpdateOf(em, entity, state, before, keyOf(entity)) : undefined;
    const added = decided.flatMap(({ edited }) => edited.added ?? []).map((row) => plainInsertOf(em, row.constructor as EntityClass<object>, row));
    return { decided, refused, writes: [...(update ? [update] : []), ...added] };
  }

  /**
   * Decides and commits the edits of `rows` (distinct rows) in one transaction and settles each
   * edit. When the transaction fails, each row of several goes again on its own, and each edit of a
   * row that the domain accepted again on its own: one edit's failing statement (or a lock held
   * elsewhere) fails or holds up that edit alone.
   */
  async function commitRows(rows: readonly RowBatch[]): Promise<void> {
    // Key order: two transactions that lock some of the same rows never wait for each other in a circle.
    const ordered = [...rows].sort((a, b) => (a.rowKey < b.rowKey ? -1 : a.rowKey > b.rowKey ? 1 : 0));
    const decisions: RowDecision[] = [];
    let events: Committed<unknown>['events'] = [];
    try {
      const sqlPool = await (pool ??= sqlPoolOf(orm));
      await withConnection(sqlPool, async (client) => {
        try {
          const start = [{ sql: 'begin', values: [] }, ...(ordered.length > 1 ? [{ sql: `set local lock_timeout = '${GROUP_LOCK_TIMEOUT}'`, values: [] }] : [])];
          const results = (await client.query(message([...start, ...ordered.flatMap(readOf)]))) as unknown as Array<pg.QueryResult<Record<string, unknown>>>;
          let next = start.length;
          for (const row of ordered) {
            const locked = results[next++]?.rows ?? [];
            const alsoRows = row.batch[0]?.also ? (results[next++]?.rows ?? []) : [];
            decisions.push(decide(row, locked, alsoRows));
          }
          events = decisions.flatMap(({ decided }) => decided.flatMap(({ edited }) => edited.events));
          await client.query(
            message([...decisions.flatMap(({ writes }) => writes), ...(events.length > 0 ? [outboxInsertOf(prefix, events)] : []), { sql: 'commit', values: [] }]),
          );
        } catch (error) {
          // Whatever failed (the read, a statement), nothing of it is kept.
          await client.query('rollback').catch(() => undefined);
          throw error;
        }
      });
    } catch (error) {
      // Only PostgreSQL's own error answer says the transaction is rolled back: after a lost
      // connection the commit may have happened, and running the edits again could apply them twice.
      if (!isErrorAnswer(error)) {
        const refused = new Map(decisions.flatMap((decision) => decision.refused.map(({ pending, error: own }) => [pending, own] as const)));
        for (const row of ordered) for (const pending of row.batch) pending.reject(refused.has(pending) ? refused.get(pending) : error);
        return;
      }
      // Several rows: each goes again on its own (a lock held elsewhere, a statement of one row).
      if (ordered.length > 1) {
        await Promise.all(ordered.map((row) => commitRows([row])));
        return;
      }
      for (const { refused } of decisions) for (const { pending, error: own } of refused) pending.reject(own);
      const accepted = decisions.flatMap(({ decided }) => decided.map(({ pending }) => pending));
      if (accepted.length > 1) {
        for (const pending of accepted) await commitRows([{ ...(ordered[0] as RowBatch), batch: [pending] }]);
      } else for (const pending of accepted) pending.reject(error);
      // Edits the read never reached were neither accepted nor refused: they fail with it.
      if (decisions.length === 0) for (const pending of ordered[0]?.batch ?? []) pending.reject(error);
      return;
    }
    for (const { refused } of decisions) for (const { pending, error } of refused) pending.reject(error);
    // The connection is back in the pool before the relay is woken to read the outbox.
    if (events.length > 0) afterCommit(events);
    for (const { decided } of decisions) for (const { pending, edited } of decided) pending.resolve(edited.result);
  }

  const group = createGroupCommit<RowBatch, void>(
    async (rows) => {
      await commitRows(rows);
      return rows.map(() => ({ ok: true, value: undefined }));
    },
    { maxInFlight: IN_FLIGHT, maxWeight: MAX_ROWS },
  );

  /** Runs `first` and then, batch after batch, the edits of its row that queued meanwhile. */
  async function drain(entity: EntityClass<object>, id: string, rowKey: string, first: Pending): Promise<void> {
    let batch: readonly Pending[] = [first];
    while (batch.length > 0) {
      await group({ entity, id, rowKey, batch }).catch((error: unknown) => {
        for (const pending of batch) pending.reject(error);
      });
      // The next batch: the edits queued since, up to the first that reads something else.
      const waiting = queued.get(rowKey) ?? [];
      const alsoKey = waiting[0]?.alsoKey;
      const same = waiting.findIndex((pending) => pending.alsoKey !== alsoKey);
      batch = waiting.splice(0, Math.min(MAX_BATCH, same < 0 ? waiting.length : same));
      if (waiting.length === 0 && batch.length === 0) queued.delete(rowKey);
    }
  }

  return function editLocked<E extends object, T>(entity: EntityClass<E>, id: string, work: LockedWork<E, T>, also?: PlainStatement): Promise<T> {
    const rowKey = `${entity.name}|${id}`;
    return new Promise<T>((resolve, reject) => {
      const alsoKey = also ? JSON.stringify([also.sql, also.values]) : '';
      const pending: Pending = { work: work as Pending['work'], also, alsoKey, resolve: resolve as Pending['resolve'], reject };
      const waiting = queued.get(rowKey);
      if (waiting) {
        waiting.push(pending);
        return;
      }
      queued.set(rowKey, []);
      void drain(entity as EntityClass<object>, id, rowKey, pending);
    });
  };
}
