// GET /healthz: 200 when PostgreSQL and NATS both answer, 503 (with which one is down) otherwise,
// so load balancers and orchestrators route around a process that cannot do its work.
import type { MikroORM } from '@mikro-orm/postgresql';
import type { NatsLink } from '#infra/bus/nats-link.ts';

/** The health report served as JSON. */
export interface HealthReport {
  readonly status: 'ok' | 'unavailable';
  readonly database: 'up' | 'down';
  readonly nats: 'up' | 'down';
}

/** Rejects when `promise` takes longer than `ms`. */
export function within<T>(promise: Promise<T>, ms: number): Promise<T> {
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms).unref()),
  ]);
}

/** Probes both dependencies (each bounded to one second). */
export async function checkHealth(orm: MikroORM, nats: NatsLink): Promise<HealthReport> {
  const database = await within(orm.em.getConnection().execute('select 1'), 1_000)
    .then(() => 'up' as const)
    .catch(() => 'down' as const);
  const nc = nats.current();
  const natsState =
    nc && nats.isConnected()
      ? await within(nc.flush(), 1_000)
          .then(() => 'up' as const)
          .catch(() => 'down' as const)
      : ('down' as const);
  return { status: database === 'up' && natsState === 'up' ? 'ok' : 'unavailable', database, nats: natsState };
}
