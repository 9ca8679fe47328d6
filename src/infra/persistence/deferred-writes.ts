// Writes of a transaction go out together. MikroORM sends each insert and update as a round trip
// of its own, and on the change path a round trip costs more than the work it carries. Inside a
// unit of work, a write whose answer nobody reads waits; it goes out chained, as a data-modifying
// CTE, in front of the next write that returns rows, or before the next read, or at the end of its
// flush. One statement sees one snapshot: that holds because a read sends what waits first and the
// writes of one chain come from one flush, which writes each row once.
import type { EntityClass, EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { plainInsertRowsOf } from './plain-insert.ts';
import { sqlPoolOf } from './sql-pool.ts';
import { commitAlong, mergeTransactionEdges } from './transaction-edges.ts';

type Method = 'all' | 'get' | 'run';
type Execute = (query: unknown, params?: unknown[], method?: Method, ctx?: object, loggerContext?: unknown) => Promise<unknown>;
interface PatchableConnection {
  execute: Execute;
  prepareQuery(query: unknown, params?: unknown[]): { formatted: string };
}

/** Deferred writes over one ORM's connection. */
export interface WriteDeferral {
  /** Runs `work` in `em`'s transaction with its writes deferred, and sends what waits at the end. */
  within<T>(em: EntityManager, work: () => Promise<T>): Promise<T>;
  /** Adds `instances` to what waits in `em`'s unit of work; false when none is open there. */
  addLater<T extends object>(em: EntityManager, entity: EntityClass<T>, instances: readonly T[]): boolean;
  /** Sends what waits in `em`'s unit of work now, for a statement that goes around MikroORM. */
  sendWaiting(em: EntityManager): Promise<void>;
}

const deferrals = new WeakMap<object, WriteDeferral>();
const WRITE = /^\s*(insert|update|delete)\s/i;
const WITH = /^\s*with\s/i;
const RETURNING = /\sreturning\s/i;
const UPDATE = /^\s*update\s/i;

/** One transaction's waiting writes, and whether its final flush is running. */
interface Waiting {
  readonly em: EntityManager;
  readonly writes: string[];
  /** Rows added with insertLater, per entity, in the order added: one insert each when sent. */
  readonly later: Map<EntityClass<object>, object[]>;
  finalFlush: boolean;
}

/**
 * Inserts `instances` of `entity` with `em`'s transaction: they wait with its other writes inside a
 * unit of work, and go at once elsewhere. For rows written once and never read back in the same
 * transaction (audit entries), whose generated key is then not read back either.
 */
export async function insertLater<T extends object>(em: EntityManager, entity: EntityClass<T>, instances: readonly T[]): Promise<void> {
  if (instances.length === 0 || deferrals.get(em.getConnection())?.addLater(em, entity, instances)) return;
  const { sql, values } = plainInsertRowsOf(em, entity, instances);
  await em.getConnection().execute(sql, values, 'run', em.getTransactionContext());
}

/** Sends the writes `em`'s unit of work holds back, before a statement that does not go through MikroORM's `execute`. */
export async function sendWaitingWrites(em: EntityManager): Promise<void> {
  await deferrals.get(em.getConnection())?.sendWaiting(em);
}

/** `writes` as one statement: all but the last as CTEs in front of `last` (or of the last write). */
export function chainedStatement(writes: readonly string[], last?: string): string {
  const all = last === undefined ? writes : [...writes, last];
  const final = all.at(-1);
  if (final === undefined) throw new Error('chainedStatement: nothing to send');
  if (all.length === 1) return final;
  return `with ${all
    .slice(0, -1)
    .map((write, index) => `w${index + 1} as (${write})`)
    .join(', ')} ${final}`;
}

/** What MikroORM reads from a write it sent for `method` when it asked for no rows. */
function noAnswer(method: Method): unknown {
  if (method === 'all') return [];
  if (method === 'get') return undefined;
  return { affectedRows: 0, insertId: undefined, row: undefined, rows: [] };
}

/**
 * The deferral on `orm`'s connection (installed once). Entities with optimistic-lock checks or
 * generated columns would need each write's answer, so the ORM must map none.
 */
export function deferredWritesOf(orm: MikroORM): WriteDeferral {
  const installed = deferrals.get(orm.em.getConnection());
  if (installed) return installed;
  for (const meta of orm.getMetadata()) {
    const answered = meta.props.filter((prop) => prop.version || prop.generated || (prop.autoincrement && !prop.primary));
    if ((meta.concurrencyCheckKeys?.size ?? 0) > 0 || answered.length > 0) {
      throw new Error(`${meta.className} has columns a write must read back; its writes cannot wait`);
    }
  }
  const connection = orm.em.getConnection() as unknown as PatchableConnection;
  const send = connection.execute.bind(connection);
  // The last write carries the commit, and `begin` goes with the first statement.
  const edges = sqlPoolOf(orm).then(mergeTransactionEdges);
  const open = new WeakMap<object, Waiting>();

  /** What waits, as statements: the writes in order, then one insert per entity of the rows added later. */
  const takeWaiting = (state: Waiting): string[] => {
    const statements = state.writes.splice(0);
    for (const [entity, rows] of state.later) {
      const { sql, values } = plainInsertRowsOf(state.em, entity, rows);
      statements.push(connection.prepareQuery(sql, values).formatted);
    }
    state.later.clear();
    return statements;
  };

  connection.execute = async (query, params = [], method = 'all', ctx, loggerContext) => {
    const state = ctx ? open.get(ctx) : undefined;
    if (!state) return send(query, params, method, ctx, loggerContext);
    const { formatted } = connection.prepareQuery(query, params);
    const write = WRITE.test(formatted) && !WITH.test(formatted);
    // The final flush's updates return only their keys (no version or generated columns, see above).
    const unread = write && (!RETURNING.test(formatted) || (state.finalFlush && UPDATE.test(formatted)));
    if (unread) {
      state.writes.push(formatted);
      return noAnswer(method);
    }
    // Sent as formatted here (no parameters left), so it is not formatted a second time.
    const waiting = takeWaiting(state);
    if (waiting.length === 0) return send(formatted, [], method, ctx, loggerContext);
    if (write) return send(chainedStatement(waiting, formatted), [], method, ctx, loggerContext);
    await send(chainedStatement(waiting), [], 'run', ctx, loggerContext);
    return send(formatted, [], method, ctx, loggerContext);
  };

  /** Sends what waits in `em`'s unit of work, if one is open there. */
  const sendWaiting = async (em: { getTransactionContext<C>(): C | undefined }): Promise<void> => {
    const ctx = em.getTransactionContext<object>();
    const state = ctx ? open.get(ctx) : undefined;
    if (!ctx || !state) return;
    const waiting = takeWaiting(state);
    if (waiting.length > 0) await send(chainedStatement(waiting), [], 'run', ctx);
  };

  // A flush's writes leave at its end (the last one's with the commit, in `within`): a row written
  // by two flushes would otherwise meet itself in one statement, where only one write would hold.
  // An error of the writes is then the flush's own, as without the deferral.
  orm.em.getEventManager().registerSubscriber({
    async afterFlush({ em }) {
      const ctx = em.getTransactionContext<object>();
      if (ctx && !open.get(ctx)?.finalFlush) await sendWaiting(em);
    },
  });

  const deferral: WriteDeferral = {
    async within(em, work) {
      const ctx = em.getTransactionContext<object>();
      if (!ctx) throw new Error('writes wait only inside a transaction');
      await edges;
      const state: Waiting = { em, writes: [], later: new Map(), finalFlush: false };
      open.set(ctx, state);
      try {
        const result = await work();
        state.finalFlush = true;
        await em.flush();
        const waiting = takeWaiting(state);
        if (waiting.length > 0) await send(commitAlong(chainedStatement(waiting)), [], 'run', ctx);
        return result;
      } finally {
        open.delete(ctx);
      }
    },
    addLater(em, entity, instances) {
      const ctx = em.getTransactionContext<object>();
      const state = ctx ? open.get(ctx) : undefined;
      if (!state) return false;
      const rows = state.later.get(entity as EntityClass<object>) ?? [];
      rows.push(...instances);
      state.later.set(entity as EntityClass<object>, rows);
      return true;
    },
    sendWaiting,
  };
  deferrals.set(orm.em.getConnection(), deferral);
  return deferral;
}
