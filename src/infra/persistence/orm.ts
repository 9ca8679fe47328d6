// Opens PostgreSQL through MikroORM: creates the database when it is missing and runs the
// committed migrations, so `npm start` on an empty server just works, also when several processes
// start together (one migrates under an advisory lock, the others then find nothing to do).
import { MikroORM } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import type { Logger } from '#infra/logger.ts';
import { entities } from './entities.ts';
import { migrations } from './migrations/index.ts';

export type Orm = MikroORM;

/** Connects, creates the database if needed and migrates it to the latest version. */
export async function openDatabase(databaseUrl: string, logger: Logger): Promise<Orm> {
  const orm = await connected(databaseUrl, logger).catch(async (error: unknown) => {
    // Two processes creating the database at once: one of them is told it already exists.
    if (!isDuplicateDatabase(error)) throw error;
    return connected(databaseUrl, logger);
  });
  const applied = await orm.em.transactional(async (em) => {
    await em.getConnection().execute('select pg_advisory_xact_lock(hashtext(?))', [MIGRATION_LOCK], 'run', em.getTransactionContext());
    return orm.migrator.up({ transaction: em.getTransactionContext() });
  });
  if (applied.length > 0) {
    logger.info({ migrations: applied.map((m) => m.name) }, 'database migrated');
  }
  return orm;
}

const MIGRATION_LOCK = 'lockstep:migrations';

/** An ORM whose first connection (which creates a missing database) has been made. */
async function connected(databaseUrl: string, logger: Logger): Promise<Orm> {
  const orm = await initialise(databaseUrl, logger);
  try {
    await orm.em.getConnection().execute('select 1');
    return orm;
  } catch (error) {
    await orm.close().catch(() => undefined);
    throw error;
  }
}

function initialise(databaseUrl: string, logger: Logger): Promise<Orm> {
  return MikroORM.init({
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
    // No entity has relations to propagate, so loaded entities stay plain objects: no accessor pair
    // defined on every instance for every property (a large share of hydrating a page of rows).
    // Changes are still found at flush by comparing snapshots; auto-flush follows persist/remove.
    propagationOnPrototype: false,
    debug: false,
    logger: (message) => logger.debug({ module: 'mikro-orm' }, message),
  });
}

function isDuplicateDatabase(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  const constraint = (error as { constraint?: unknown } | null)?.constraint;
  return code === '42P04' || constraint === 'pg_database_datname_index' || /already exists/.test(error instanceof Error ? error.message : '');
}
