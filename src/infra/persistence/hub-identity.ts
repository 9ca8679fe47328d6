// The hub's own replica id, created once per database and stable across restarts and processes:
// every edit made through this hub's API carries it in its version dots, and peer hubs tell
// their writes apart by it.
import { randomUUID } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/postgresql';

/** Reads the hub's replica id, creating it on the first start. */
export async function loadHubReplicaId(orm: MikroORM): Promise<string> {
  const connection = orm.em.getConnection();
  const candidate = `hub:${randomUUID().slice(0, 8)}`;
  await connection.execute(
    `insert into hub_settings (key, value) values ('replica_id', ?::jsonb) on conflict (key) do nothing`,
    [JSON.stringify(candidate)],
  );
  const [row] = await connection.execute<Array<{ value: string }>>(`select value from hub_settings where key = 'replica_id'`);
  if (!row) throw new Error('hub replica id missing after insert');
  return row.value;
}
