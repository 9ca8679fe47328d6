// Opens PostgreSQL through MikroORM: creates the database when it is missing and runs the
// committed migrations, so `npm start` on an empty server just works.
import { MikroORM } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import type { Logger } from '#infra/logger.ts';
import { entities } from './entities.ts';
import { migrations } from './migrations/index.ts';

export type Orm = MikroORM;

/** Connects, creates the database if needed and migrates it to the latest version. */
export async function openDatabase(databaseUrl: string, logger: Logger): Promise<Orm> {
  const orm = await MikroORM.init({
    clientUrl: databaseUrl,
    entities,
    extensions: [Migrator],
    ensureDatabase: true,
    discovery: { warnWhenNoEntities: false },
    migrations: {
      migrationsList: migrations.map((migration) => ({ name: migration.name, class: migration })),
      transactional: true,
      allOrNothing: true,
      snapshot: false,
    },
    pool: { min: 0, max: 10 },
    forceUtcTimezone: true,
    debug: false,
    logger: (message) => logger.debug({ module: 'mikro-orm' }, message),
  });
  const applied = await orm.migrator.up();
  if (applied.length > 0) {
    logger.info({ migrations: applied.map((m) => m.name) }, 'database migrated');
  }
  return orm;
}
