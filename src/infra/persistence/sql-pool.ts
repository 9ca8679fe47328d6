// Plain `pg` for the few statements that run for every change (the webhook door's insert, the
// outbox relay's batches, the inbound worker's first read), on MikroORM's own connection pool:
// MikroORM's query building, hydration and flush buy nothing there, and every round trip is a
// socket write each way, so these paths send one statement where the unit of work would send four,
// or several statements in one simple-protocol message. Timestamps come back as text on this pool
// (MikroORM's type parsers); these statements read none.
import type { MikroORM } from '@mikro-orm/postgresql';
import type pg from 'pg';
import { isHubId } from '#infra/services/ids.ts';

/** The `pg` pool MikroORM connects through. */
export type SqlPool = pg.Pool;

/** MikroORM's `pg` pool (closed with the ORM). */
export function sqlPoolOf(orm: MikroORM): Promise<SqlPool> {
  return orm.em.getConnection().getNativeClient();
}

/** `ids` as a PostgreSQL uuid[] literal for a simple-protocol message; refuses anything but uuids. */
export function uuidArrayLiteral(ids: readonly string[]): string {
  for (const id of ids) if (!isHubId(id)) throw new Error(`not a uuid: ${JSON.stringify(id)}`);
  return `'{${ids.join(',')}}'::uuid[]`;
}

/**
 * Runs `work` on one connection of `pool`. A connection lost meanwhile (a server restart) fails
 * the work's statements instead of raising an unhandled error, and is closed, not pooled again.
 */
export async function withConnection<T>(pool: SqlPool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let lost: Error | undefined;
  const onError = (error: Error) => void (lost = error);
  client.on('error', onError);
  try {
    return await work(client);
  } catch (error) {
    lost ??= error instanceof Error && isConnectionError(error) ? error : undefined;
    throw error;
  } finally {
    client.removeListener('error', onError);
    client.release(lost);
  }
}

/** An error that leaves the connection unusable: anything but a statement PostgreSQL refused with a SQLSTATE outside classes 08 and 57P. */
function isConnectionError(error: Error): boolean {
  const code = (error as { code?: unknown }).code;
  return typeof code !== 'string' || /^(08|57P)/.test(code);
}
