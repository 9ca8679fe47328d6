// Starts the sync engine's workers in this process: the inbound processor, the push planner and
// the push worker, each a durable JetStream consumer shared with every other Lockstep process,
// plus the sweeper. Work runs concurrently with a limit per project (per ticket for the planner),
// so one slow system only ever fills its own slots. `stop()` lets the messages in hand finish.
import type { MikroORM } from '@mikro-orm/postgresql';
import { runDurableConsumer, type RunningConsumer } from '#infra/bus/durable-consumer.ts';
import type { NatsLink } from '#infra/bus/nats-link.ts';
import type { StreamNames } from '#infra/bus/streams.ts';
import type { Logger } from '#infra/logger.ts';
import type { UnitOfWork } from '#infra/persistence/unit-of-work.ts';
import type { ProjectService } from '#infra/services/projects.ts';
import { createInboundWorker } from './inbound-worker.ts';
import { parkDelivery, parkPushJob, parkSession } from './parking.ts';
import type { RetryPolicy } from './backoff.ts';
import { createPushPlanner } from './push-planner.ts';
import { createJobLeases } from './job-lease.ts';
import { createPushWorker } from './push-worker.ts';
import { startScheduler } from './scheduler.ts';
import { createSessionRunner } from './session-runner.ts';
import { createSilenceKeeper } from './silence-keeper.ts';
import { startSweeper, type Sweeper } from './sweeper.ts';

/** Per-project (per-ticket) concurrency of each worker in one process. */
const byProject = (payload: Record<string, unknown>) => String(payload['projectId'] ?? 'none');
const byTicket = (payload: Record<string, unknown>) => String(payload['ticketId'] ?? 'none');
export const workerConcurrency = {
  inbound: { total: 8, perKey: 4, keyOf: byProject },
  planner: { total: 4, perKey: 1, keyOf: byTicket },
  // Pushes to one item keep their order (comments arrive as they were written).
  push: { total: 16, perKey: 4, keyOf: byProject, laneOf: (payload: Record<string, unknown>) => `${byProject(payload)}:${byTicket(payload)}` },
  sessions: { total: 4, perKey: 1, keyOf: byProject },
} as const;

/** The running engine. */
export interface SyncEngine {
  readonly sweeper: Sweeper;
  stop(): Promise<void>;
}

/** Wires the workers to their subjects and starts them. */
export function startSyncEngine(deps: {
  orm: MikroORM;
  uow: UnitOfWork;
  nats: NatsLink;
  names: StreamNames;
  projects: ProjectService;
  hubReplica: string;
  retry: RetryPolicy;
  logger: Logger;
}): SyncEngine {
  const { names, logger } = deps;
  const p = names.prefix;
  const inbound = createInboundWorker(deps.uow, deps.projects, deps.hubReplica, logger.child({ worker: 'inbound' }));
  const plan = createPushPlanner(deps.uow);
  const keepSilences = createSilenceKeeper(deps.uow, deps.projects, logger.child({ worker: 'silences' }));
  const push = createPushWorker(deps.uow, createJobLeases(deps.orm), deps.projects, deps.retry, deps.hubReplica, logger.child({ worker: 'push' }));
  const consumers: RunningConsumer[] = [
    runDurableConsumer(deps.nats, {
      stream: names.events,
      durable: 'inbound',
      subject: `${p}.events.delivery.*.received`,
      handle: (payload, deliveryCount) => inbound(String(payload['inboxId']), deliveryCount),
      concurrency: workerConcurrency.inbound,
      park: (payload, error) => parkDelivery(deps.uow, String(payload['inboxId']), error),
      logger: logger.child({ consumer: 'inbound' }),
    }),
    // Ticket changes, and conflict resolutions (which release held fields), both call for a plan.
    ...[
      ['push-planner', `${p}.events.ticket.*.*`],
      ['push-planner-resolutions', `${p}.events.conflict.*.resolved`],
    ].map(([durable = '', subject = '']) =>
      runDurableConsumer(deps.nats, {
        stream: names.events,
        durable,
        subject,
        handle: async (payload) => {
          // Whatever creates a linked ticket (an import, a peer's twin) plans it in the same
          // transaction, and a ticket created on the hub has no link yet: nothing to plan. Skipping
          // these keeps a large import from queueing thousands of empty plans ahead of real edits.
          if (payload['type'] === 'ticket.created') return 'done';
          await plan(String(payload['ticketId']));
          return 'done';
        },
        concurrency: workerConcurrency.planner,
        logger: logger.child({ consumer: durable }),
      }),
    ),
    // Alert groups' silences at their sources follow their tickets' status.
    runDurableConsumer(deps.nats, {
      stream: names.events,
      durable: 'silences',
      subject: `${p}.events.ticket.*.*`,
      handle: (payload, deliveryCount) => keepSilences(String(payload['ticketId']), deliveryCount),
      concurrency: workerConcurrency.planner,
      logger: logger.child({ consumer: 'silences' }),
    }),
    runDurableConsumer(deps.nats, {
      stream: names.events,
      durable: 'push',
      subject: `${p}.events.push.*.requested`,
      handle: (payload) => push(String(payload['jobId'])),
      concurrency: workerConcurrency.push,
      park: (payload, error) => parkPushJob(deps.uow, String(payload['jobId']), error),
      logger: logger.child({ consumer: 'push' }),
    }),
  ];
  const runSession = createSessionRunner({ orm: deps.orm, uow: deps.uow, projects: deps.projects, hub: deps.hubReplica, logger: logger.child({ worker: 'sessions' }) });
  consumers.push(
    runDurableConsumer(deps.nats, {
      stream: names.events,
      durable: 'sessions',
      subject: `${p}.events.session.*.requested`,
      handle: (payload) => runSession(String(payload['sessionId'])),
      concurrency: workerConcurrency.sessions,
      park: (payload, error) => parkSession(deps.uow, String(payload['sessionId']), error),
      logger: logger.child({ consumer: 'sessions' }),
    }),
  );
  const sweeper = startSweeper(deps.orm, deps.uow, logger.child({ worker: 'sweeper' }));
  const scheduler = startScheduler(deps.uow, deps.projects, logger.child({ worker: 'scheduler' }));
  return {
    sweeper,
    async stop() {
      await scheduler.stop();
      await sweeper.stop();
      await Promise.all(consumers.map((consumer) => consumer.stop()));
    },
  };
}
