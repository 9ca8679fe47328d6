// How far the outbox lags: rows committed but not yet in JetStream, and the age of the oldest.
import type { MikroORM } from '@mikro-orm/postgresql';

/** Reads the lag in one query (served by the partial index on unpublished rows). */
export async function readOutboxLag(orm: MikroORM): Promise<{ pending: number; oldestAgeSeconds: number }> {
  const [row] = await orm.em
    .getConnection()
    .execute<Array<{ pending: string; oldest: number | null }>>(
      `select count(*) as pending, extract(epoch from now() - min(created_at))::float8 as oldest
         from outbox where published_at is null`,
    );
  return { pending: Number(row?.pending ?? 0), oldestAgeSeconds: Math.max(0, row?.oldest ?? 0) };
}
