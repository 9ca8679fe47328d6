// A transaction's `begin` and `commit` travel with its statements instead of costing a round trip
// each. MikroORM opens a transaction with a bare `begin` and ends it with a bare `commit`; on the
// change path those two are a third of an applied change's round trips. On every connection of the
// pool, a bare `begin` waits and goes in front of the transaction's first statement (one
// simple-protocol message), and a last write sent with `commitAlong` commits the transaction in
// the same message, so the `commit` that follows has nothing left to do. A transaction that sends
// nothing costs nothing. A statement whose text starts with a naming comment (see
// `prepared-statement.ts`) goes as that named prepared statement.
import type pg from 'pg';

const BARE_BEGIN = /^\s*(begin|start transaction)\b[^;]*$/i;
const BARE_END = /^\s*(commit|rollback)\s*;?\s*$/i;
/** Ends a statement that commits its transaction (see commitAlong). */
const COMMIT_SUFFIX = ';\ncommit /* along its last write */';

/** The comment that starts a prepared statement's text; the wrapper sends such a text under its name. */
export function namingComment(name: string): string {
  return `/* ${name} */`;
}
const NAMED = /^\/\* (lockstep_[0-9a-f]+) \*\//;

/** `sql` (parameters inlined) followed by the commit of its transaction, in the same message. */
export function commitAlong(sql: string): string {
  return `${sql}${COMMIT_SUFFIX}`;
}

interface Edges {
  /** A `begin` not sent yet. */
  begin: string | undefined;
  /** The transaction committed along its last write; only its own `commit` (or `rollback`) may follow. */
  committed: boolean;
}

type Query = (text: string, values?: unknown) => Promise<pg.QueryResult | pg.QueryResult[]>;

const answered = (command: string): pg.QueryResult => ({ command, rowCount: null, oid: 0, fields: [], rows: [] });
/** The answer to a message of several statements is its last statement's. */
const lastOf = (result: pg.QueryResult | pg.QueryResult[]): pg.QueryResult => (Array.isArray(result) ? (result.at(-1) ?? answered('')) : result);

const wrapped = new WeakMap<pg.PoolClient, Edges>();

function wrap(client: pg.PoolClient): Edges {
  const edges: Edges = { begin: undefined, committed: false };
  const query = client.query.bind(client) as unknown as Query;
  (client as unknown as { query: unknown }).query = (text: unknown, parameters?: unknown, callback?: unknown) => {
    const name = typeof text === 'string' && Array.isArray(parameters) && callback === undefined ? NAMED.exec(text)?.[1] : undefined;
    const config = name === undefined ? text : { name, text, values: parameters };
    const values = name === undefined ? parameters : undefined;
    const plainText = typeof config === 'string' && callback === undefined && typeof values !== 'function' && !(Array.isArray(values) && values.length > 0);
    if (edges.committed) {
      edges.committed = false;
      if (plainText && BARE_END.test(config)) return Promise.resolve(answered('COMMIT'));
      return Promise.reject(new Error('a statement was sent after its transaction committed along its last write'));
    }
    if (plainText && BARE_BEGIN.test(config)) {
      edges.begin = config;
      return Promise.resolve(answered('BEGIN'));
    }
    const begin = edges.begin;
    edges.begin = undefined;
    if (begin === undefined) {
      if (plainText && config.endsWith(COMMIT_SUFFIX)) return query(config).then((result) => ((edges.committed = true), lastOf(result)));
      return (query as (...args: unknown[]) => unknown)(config, values, callback);
    }
    // An empty transaction: neither end is sent.
    if (plainText && BARE_END.test(config)) return Promise.resolve(answered(config.trim().toUpperCase()));
    if (plainText) {
      return query(`${begin};\n${config}`).then((result) => {
        if (config.endsWith(COMMIT_SUFFIX)) edges.committed = true;
        return lastOf(result);
      });
    }
    // A statement with parameters (extended protocol), a cursor or a callback cannot share a
    // message: `begin` goes first, and the connection keeps the order (a failed `begin` means a
    // lost connection, which fails the statement too).
    query(begin).catch(() => undefined);
    return (query as (...args: unknown[]) => unknown)(config, values, callback);
  };
  return edges;
}

/** Installs the merging on every connection `pool` hands out (each is wrapped once, reset on each checkout). */
export function mergeTransactionEdges(pool: pg.Pool): void {
  pool.on('acquire', (client) => {
    const edges = wrapped.get(client) ?? wrap(client);
    wrapped.set(client, edges);
    edges.begin = undefined;
    edges.committed = false;
  });
}
