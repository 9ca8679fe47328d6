// Polls projects whose sync mode is `polling` or `hybrid`: each due project (its interval passed
// since the last poll) gets an incremental session. Projects are claimed with FOR UPDATE SKIP
// LOCKED and stamped in the same transaction, so with many Lockstep processes each poll starts once.
// The same transaction reads when the next project falls due, and the scheduler sleeps until then
// (at most a few seconds, so a newly connected project waits little): an idle hub asks nothing
// once a second.
import { LockMode } from '@mikro-orm/core';
import { SyncSession } from '#domain/project/sync-session.ts';
import { ExternalProject } from '#domain/project/external-project.ts';
import type { Logger } from '#infra/logger.ts';
import type { UnitOfWork } from '#infra/persistence/unit-of-work.ts';
import { newSession } from '#infra/services/sessions.ts';
import type { ProjectService } from '#infra/services/projects.ts';

/** Bounds of the sleep between rounds. */
const MIN_SLEEP_MS = 200;
const MAX_SLEEP_MS = 5_000;

/** A running scheduler. */
export interface Scheduler {
  stop(): Promise<void>;
}

/** Starts polling due projects as they fall due. */
export function startScheduler(uow: UnitOfWork, projects: ProjectService, logger: Logger): Scheduler {
  const stopped = new AbortController();

  /** Starts the due projects' sessions; resolves with how long to sleep before the next round. */
  async function tick(): Promise<number> {
    return uow.run(async (em) => {
      const due = await em.getConnection().execute<Array<{ id: string }>>(
        `select id from external_projects
          where sync_mode in ('polling', 'hybrid') and status in ('active', 'error') and direction in ('pull', 'bidirectional')
            and (last_polled_at is null or last_polled_at < now() - poll_interval_seconds * interval '1 second')
          order by last_polled_at nulls first limit 20 for update skip locked`,
        [],
        'all',
        em.getTransactionContext(),
      );
      const events = [];
      for (const { id } of due) {
        const project = await em.findOneOrFail(ExternalProject, { id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
        project.lastPolledAt = new Date();
        if (!projects.connectorOf(project.kind).capabilities.canFetch) continue;
        // A session already running (an import, a reconcile) covers this round's changes too.
        if (await em.count(SyncSession, { projectId: id, dryRun: false, status: 'running' })) continue;
        const { session, events: started } = newSession(id, 'incremental', false, 'scheduler');
        em.persist(session);
        events.push(...started);
      }
      await em.flush(); // this round's stamps count towards the next due time
      const [next] = await em.getConnection().execute<Array<{ wait: number | null }>>(
        `select extract(epoch from min(coalesce(last_polled_at, now()) + poll_interval_seconds * interval '1 second') - now())::float8 * 1000 as wait
           from external_projects
          where sync_mode in ('polling', 'hybrid') and status in ('active', 'error') and direction in ('pull', 'bidirectional')`,
        [],
        'all',
        em.getTransactionContext(),
      );
      const wait = next?.wait ?? MAX_SLEEP_MS;
      return { result: Math.min(Math.max(wait, MIN_SLEEP_MS), MAX_SLEEP_MS), events };
    });
  }

  const loop = (async () => {
    while (!stopped.signal.aborted) {
      const sleepMs = await tick().catch((error: unknown) => {
        logger.warn({ err: error }, 'scheduler tick failed');
        return MAX_SLEEP_MS;
      });
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, sleepMs);
        stopped.signal.addEventListener('abort', () => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  })();
  return {
    async stop() {
      stopped.abort();
      await loop;
    },
  };
}
