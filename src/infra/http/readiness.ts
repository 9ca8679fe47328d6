// GET /readyz: whether this process can do its work now (database, NATS, every migration applied,
// every durable consumer attached), so an orchestrator sends traffic only to ready processes.
// Projects in ERROR are listed for the operator but do not make the process unready.
import type { MikroORM } from '@mikro-orm/postgresql';
import type { NatsLink } from '#infra/bus/nats-link.ts';
import { checkHealth, within } from './health.ts';

/** A project whose external system keeps failing (shown, never a reason to be unready). */
export interface ProjectInError {
  readonly id: string;
  readonly name: string;
  readonly kind: string;
  readonly lastError: string | null;
  readonly lastErrorAt: string | null;
}

/** The readiness report served as JSON. */
export interface ReadinessReport {
  readonly status: 'ready' | 'not_ready';
  readonly database: 'up' | 'down';
  readonly nats: 'up' | 'down';
  /** `applied` when no committed migration is missing from the database. */
  readonly migrations: { readonly state: 'applied' | 'pending' | 'unknown'; readonly pending: readonly string[] };
  /** Each durable consumer: `running` while attached to JetStream. */
  readonly consumers: Readonly<Record<string, 'running' | 'stopped'>>;
  readonly projectsInError: readonly ProjectInError[];
}

async function pendingMigrations(orm: MikroORM): Promise<ReadinessReport['migrations']> {
  try {
    const pending = await within(orm.migrator.getPending(), 1_000);
    return { state: pending.length === 0 ? 'applied' : 'pending', pending: pending.map((migration) => migration.name) };
  } catch {
    return { state: 'unknown', pending: [] };
  }
}

interface ErrorRow {
  id: string;
  name: string;
  kind: string;
  last_error: string | null;
  last_error_at: Date | null;
}

async function projectsInError(orm: MikroORM): Promise<ProjectInError[]> {
  const rows = await within(
    orm.em.getConnection().execute<ErrorRow[]>(
      `select id, name, kind, last_error, last_error_at from external_projects where status = 'error' order by name, id limit 100`,
    ),
    1_000,
  ).catch(() => []);
  return rows.map((row) => ({
    id: row.id,
    name: row.name,
    kind: row.kind.toUpperCase(),
    lastError: row.last_error,
    lastErrorAt: row.last_error_at ? new Date(row.last_error_at).toISOString() : null,
  }));
}

/** Probes every dependency of this process (each bounded to one second). */
export async function checkReadiness(orm: MikroORM, nats: NatsLink, consumers: () => Record<string, boolean>): Promise<ReadinessReport> {
  const [health, migrations, inError] = await Promise.all([checkHealth(orm, nats), pendingMigrations(orm), projectsInError(orm)]);
  const consumerStates = Object.fromEntries(
    Object.entries(consumers()).map(([name, running]) => [name, running && health.nats === 'up' ? 'running' : 'stopped'] as const),
  );
  const ready =
    health.status === 'ok' &&
    migrations.state === 'applied' &&
    Object.values(consumerStates).every((state) => state === 'running');
  return {
    status: ready ? 'ready' : 'not_ready',
    database: health.database,
    nats: health.nats,
    migrations,
    consumers: consumerStates,
    projectsInError: inError,
  };
}
