// GET /healthz is liveness: it answers 200 for as long as the process serves requests, whatever
// its dependencies do (restarting Lockstep does not bring PostgreSQL or NATS back, and it keeps
// accepting and queueing work through a NATS outage). The body says how each dependency looks
// (`degraded` when one is down); whether to send traffic is /readyz's answer.
import type { MikroORM } from '@mikro-orm/postgresql';
import type { NatsLink } from '#infra/bus/nats-link.ts';

/** The health report served as JSON. */
export interface HealthReport {
  readonly status: 'ok' | 'degraded';
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
  return { status: database === 'up' && natsState === 'up' ? 'ok' : 'degraded', database, nats: natsState };
}
