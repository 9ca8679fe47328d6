// The statements every change sends (the webhook door's insert, the inbound worker's reads, the
// push claim) are wide joins whose planning costs PostgreSQL more than running them: sent as text,
// each is parsed and planned again every time. Sent as named prepared statements, each connection
// parses one once and PostgreSQL keeps its plan (a generic one after five runs, when it costs no
// more than the custom ones). `pg` prepares a name on a connection the first time it goes there.
//
// MikroORM inlines parameters into its statements, so a prepared statement inside a unit of work
// goes through kysely with its parameters; its text starts with a comment naming it, which the
// connection wrapper (`transaction-edges.ts`) turns back into a named statement. The comment also
// names the statement where operators see it (`pg_stat_statements`, the server log).
import { createHash } from 'node:crypto';
import type { EntityManager, MetadataStorage, MikroORM } from '@mikro-orm/postgresql';
import { CompiledQuery } from 'kysely';
import type pg from 'pg';
import { sendWaitingWrites } from './deferred-writes.ts';
import { namingComment } from './transaction-edges.ts';

/** A statement with `$1`-style parameters, sent prepared under `name`. */
export interface PreparedStatement {
  readonly name: string;
  readonly text: string;
}

/** `text` as a prepared statement, named by its hash so two texts never share a name. */
export function prepared(text: string): PreparedStatement {
  const name = `lockstep_${createHash('sha256').update(text).digest('hex').slice(0, 24)}`;
  return { name, text: `${namingComment(name)} ${text.trim()}` };
}

/** Where a statement's text comes from the entity mappings (its column lists): an ORM or an EntityManager. */
type Mapped = { getMetadata(): MetadataStorage };

/** A statement built from the entity mappings by `build`, once per schema (and so per ORM). */
export function preparedPerSchema(build: (mapped: Mapped) => string): (mapped: Mapped) => PreparedStatement {
  const built = new WeakMap<MetadataStorage, PreparedStatement>();
  return (mapped) => {
    const metadata = mapped.getMetadata();
    const statement = built.get(metadata) ?? prepared(build(mapped));
    built.set(metadata, statement);
    return statement;
  };
}

/** `statement` with `values`, for `pg`'s `query` on a pool or a client. */
export function preparedQuery(statement: PreparedStatement, values: readonly unknown[]): pg.QueryConfig {
  return { name: statement.name, text: statement.text, values: [...values] };
}

interface RowsExecutor {
  executeQuery<R>(query: CompiledQuery<R>): Promise<{ readonly rows: R[] }>;
}

/**
 * Runs `statement` and returns its rows, raw as `pg` parsed them: through an EntityManager, in its
 * transaction (the writes its unit of work holds back go first, as before any read); through the
 * ORM, on a connection of the pool outside any transaction.
 */
export async function runPrepared<R>(via: EntityManager | MikroORM, statement: PreparedStatement, values: readonly unknown[]): Promise<R[]> {
  let executor: RowsExecutor;
  if ('em' in via) {
    executor = via.em.getConnection().getClient() as unknown as RowsExecutor;
  } else {
    await sendWaitingWrites(via);
    executor = (via.getTransactionContext<RowsExecutor>() ?? via.getConnection().getClient()) as unknown as RowsExecutor;
  }
  const { rows } = await executor.executeQuery(CompiledQuery.raw(statement.text, [...values]) as CompiledQuery<R>);
  return rows;
}
