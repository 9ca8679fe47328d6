// A database of its own for each test file, dropped when the file ends, so suites never see each
// other's rows and can run in parallel against one PostgreSQL server.
import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** `base` with its database name replaced by a fresh, unique one. */
export function freshDatabaseUrl(base: string, label = 'test'): string {
  const url = new URL(base);
  url.pathname = `/lockstep_${label}_${randomBytes(4).toString('hex')}`;
  return url.toString();
}

/** Drops the database named by `databaseUrl`, disconnecting anyone still attached. */
export async function dropDatabase(databaseUrl: string): Promise<void> {
  const url = new URL(databaseUrl);
  const name = url.pathname.slice(1);
  url.pathname = '/postgres';
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    await client.query(`drop database if exists "${name.replaceAll('"', '')}" with (force)`);
  } finally {
    await client.end();
  }
}

/** Runs one query against `databaseUrl` (for assertions on what was stored). */
export async function query<T extends pg.QueryResultRow>(databaseUrl: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}
