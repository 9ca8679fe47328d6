// Plain `pg` connections for the few statements that run for every change (the webhook door's
// insert, the outbox relay's batches). MikroORM's query building, hydration and flush buy nothing
// there, and every round trip is a socket write each way: these paths send one statement where the
// unit of work would send four, or several statements in one simple-protocol message.
import pg from 'pg';
import type { Logger } from '#infra/logger.ts';
import { isHubId } from '#infra/services/ids.ts';

/** A small pool beside MikroORM's; `end()` closes it. */
export type SqlPool = pg.Pool;

/** Opens the pool (connections are made on first use). */
export function createSqlPool(databaseUrl: string, logger: Logger): SqlPool {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 6, application_name: 'lockstep-hot-path' });
  // An idle connection closed under the pool (a server restart) is replaced on the next query.
  pool.on('error', (error) => logger.warn({ err: error }, 'an idle plain SQL connection was closed'));
  return pool;
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

/** An error that leaves the connection unusable (as opposed to a refused statement). */
function isConnectionError(error: Error): boolean {
  return !('code' in error) || typeof (error as { code?: unknown }).code !== 'string' || /^(08|57P)/.test(String((error as { code?: unknown }).code));
}
