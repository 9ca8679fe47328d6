// The engine's safety net. JetStream delivers each engine message at least once, but a message can
// still be missed (a stream lost with its NATS server, a project paused while its messages went by).
// PostgreSQL is the truth: every few seconds the sweeper finds pending inbox deliveries and due
// push jobs of syncing projects that nobody touched recently and whose lease (if any) expired, and
// sends their messages again. Handlers are idempotent and jobs leased, so a message sent twice is harmless.
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from '#infra/logger.ts';
import type { UnitOfWork } from '#infra/persistence/unit-of-work.ts';
import type { DeliveryReceived, PushRequested } from './engine-events.ts';

const SWEEP_EVERY_MS = 5_000;
/** Work younger than this is left to its in-flight message. */
const STALE_AFTER_MS = 15_000;

/** A running sweeper. */
export interface Sweeper {
  /** Sweeps now (tests, and right after a project resumes). */
  sweep(): Promise<number>;
  stop(): Promise<void>;
}

/** Starts sweeping every few seconds. */
export function startSweeper(orm: MikroORM, uow: UnitOfWork, logger: Logger): Sweeper {
  const stopped = new AbortController();

  async function sweep(staleAfterMs = STALE_AFTER_MS): Promise<number> {
    const connection = orm.em.getConnection();
    const deliveries = await connection.execute<Array<{ id: string; project_id: string }>>(
      `select i.id, i.project_id from inbox i join external_projects p on p.id = i.project_id
        where i.status = 'pending' and p.status in ('active', 'error')
          and i.received_at < now() - (? * interval '1 millisecond')
        order by i.received_at limit 500`,
      [staleAfterMs],
    );
    const jobs = await connection.execute<Array<{ id: string; project_id: string; ticket_id: string }>>(
      `select j.id, j.project_id, j.ticket_id from push_jobs j join external_projects p on p.id = j.project_id
        where j.status = 'pending' and p.status in ('active', 'error')
          and (j.lease_until is null or j.lease_until < now())
          and j.next_attempt_at < now() - (? * interval '1 millisecond')
          and j.updated_at < now() - (? * interval '1 millisecond')
        order by j.next_attempt_at limit 500`,
      [staleAfterMs, staleAfterMs],
    );
    const messages: Array<DeliveryReceived | PushRequested> = [
      ...deliveries.map((row): DeliveryReceived => ({ type: 'delivery.received', projectId: row.project_id, inboxId: row.id })),
      ...jobs.map((row): PushRequested => ({ type: 'push.requested', projectId: row.project_id, ticketId: row.ticket_id, jobId: row.id })),
    ];
    if (messages.length === 0) return 0;
    await uow.run(async () => ({ result: undefined, events: messages }));
    if (jobs.length > 0) {
      await connection.execute(`update push_jobs set updated_at = now() where id in (?)`, [jobs.map((job) => job.id)]);
    }
    logger.info({ deliveries: deliveries.length, jobs: jobs.length }, 'sweeper re-sent engine messages');
    return messages.length;
  }

  const loop = (async () => {
    while (!stopped.signal.aborted) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, SWEEP_EVERY_MS);
        stopped.signal.addEventListener('abort', () => {
          clearTimeout(timer);
          resolve();
        });
      });
      if (stopped.signal.aborted) break;
      await sweep().catch((error: unknown) => logger.warn({ err: error }, 'sweep failed'));
    }
  })();

  return {
    sweep: () => sweep(0),
    async stop() {
      stopped.abort();
      await loop;
    },
  };
}
