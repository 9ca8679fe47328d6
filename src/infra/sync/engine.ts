// Starts the sync engine's workers in this process: the inbound processor, the push planner and
// the push worker, each a durable JetStream consumer shared with every other Lockstep process,
// plus the sweeper. Work runs concurrently with a limit per project (per ticket for the planner),
// so one slow system only ever fills its own slots. Push jobs this process plans, and deliveries its
// webhook door stores, reach its workers directly after their commit (local-handoff.ts), under the
// same limits and lanes. `stop()` lets the messages in hand finish.
import type { MikroORM } from '@mikro-orm/postgresql';
import type { FieldChange } from '#domain/events.ts';
import { runDurableConsumer, type DurableConsumerOptions, type RunningConsumer } from '#infra/bus/durable-consumer.ts';
import type { NatsLink } from '#infra/bus/nats-link.ts';
import type { StreamNames } from '#infra/bus/streams.ts';
import type { Logger } from '#infra/logger.ts';
import type { Tracer } from '@opentelemetry/api';
import type { ProjectMetrics } from '#infra/project-metrics.ts';
import type { SqlPool } from '#infra/persistence/sql-pool.ts';
import type { UnitOfWork } from '#infra/persistence/unit-of-work.ts';
import type { ProjectService } from '#infra/services/projects.ts';
import { createInboundWorker } from './inbound-worker.ts';
import { parkDelivery, parkPushJob, parkSession } from './parking.ts';
import type { RetryPolicy } from './backoff.ts';
import { createPushPlanner } from './push-planner.ts';
import { routesThrough } from './rule-linker.ts';
import { createJobLeases } from './job-lease.ts';
import { handedOffKinds, type LocalHandoff } from './local-handoff.ts';
import { createPushWorker } from './push-worker.ts';
import { startScheduler } from './scheduler.ts';
import { createSessionRunner } from './session-runner.ts';
import { createSilenceKeeper, silenceKinds } from './silence-keeper.ts';
import { createHubShape } from '#infra/services/hub-shape.ts';
import { startSweeper, type Sweeper } from './sweeper.ts';

/** The field changes a `ticket.updated` message carries (only the fields and previous values are read). */
function changesOf(payload: Record<string, unknown>): FieldChange[] {
  const changes = payload['changes'];
  if (!Array.isArray(changes)) return [];
  return changes.filter(
    (change): change is FieldChange => typeof change === 'object' && change !== null && typeof change.field === 'string',
  );
}

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
  /** Each durable consumer by name, and whether it is attached and taking messages. */
  consumers(): Record<string, boolean>;
  stop(): Promise<void>;
}

/** Wires the workers to their subjects and starts them. */
export function startSyncEngine(deps: {
  orm: MikroORM;
  uow: UnitOfWork;
  sql: SqlPool;
  nats: NatsLink;
  names: StreamNames;
  projects: ProjectService;
  hubReplica: string;
  retry: RetryPolicy;
  logger: Logger;
  metrics: ProjectMetrics;
  tracer: Tracer;
  /** Engine messages of this process's commits, handed to its consumers here (local-handoff.ts). */
  handoff: LocalHandoff;
}): SyncEngine {
  const { names, logger } = deps;
  const p = names.prefix;
  const inbound = createInboundWorker(deps.uow, deps.sql, deps.projects, deps.hubReplica, logger.child({ worker: 'inbound' }));
  const shape = createHubShape(deps.orm, silenceKinds(deps.projects));
  const plan = createPushPlanner(deps.uow, routesThrough(deps.projects), shape);
  const keepSilences = createSilenceKeeper(deps.uow, deps.projects, shape, logger.child({ worker: 'silences' }));
  const push = createPushWorker(deps.uow, createJobLeases(deps.orm), deps.projects, deps.retry, deps.hubReplica, logger.child({ worker: 'push' }), deps.metrics);
  /** A durable consumer of `<prefix>.events.<subject>` on the events stream, traced and logged under its name. */
  const consume = (durable: string, subject: string, spanName: string, work: Pick<DurableConsumerOptions, 'handle' | 'concurrency' | 'park' | 'caughtUp'>) =>
    runDurableConsumer(deps.nats, { stream: names.events, durable, subject: `${p}.events.${subject}`, spanName, tracer: deps.tracer, logger: logger.child({ consumer: durable }), ...work });
  const pushes = consume('push', 'push.*.requested', 'push change', {
    handle: (payload) => push(String(payload['jobId'])),
    concurrency: workerConcurrency.push,
    park: (payload, error) => parkPushJob(deps.uow, String(payload['jobId']), error),
    caughtUp: (publishedAtMs) => deps.handoff.caughtUp('push.requested', publishedAtMs),
  });
  const deliveries = consume('inbound', 'delivery.*.received', 'apply delivery', {
    handle: (payload, deliveryCount) => inbound(String(payload['inboxId']), deliveryCount),
    concurrency: workerConcurrency.inbound,
    park: (payload, error) => parkDelivery(deps.uow, String(payload['inboxId']), error),
    caughtUp: (publishedAtMs) => deps.handoff.caughtUp('delivery.received', publishedAtMs),
  });
  const handedOff: Record<(typeof handedOffKinds)[number], RunningConsumer> = { 'delivery.received': deliveries, 'push.requested': pushes };
  const detachHandoff = handedOffKinds.map((kind) => deps.handoff.attach(kind, handedOff[kind].runHere));
  const runSession = createSessionRunner({ orm: deps.orm, uow: deps.uow, projects: deps.projects, hub: deps.hubReplica, logger: logger.child({ worker: 'sessions' }) });
  const consumers: RunningConsumer[] = [
    deliveries,
    // Ticket changes call for a plan, and bring alert groups' silences at their sources in step
    // with their tickets' status: one consumer does both, so each ticket event is delivered once.
    // Planning first: a silence the source refuses for now retries the event, and planning again
    // finds the fields already in flight.
    consume('push-planner', 'ticket.*.*', 'plan pushes', {
      handle: async (payload, deliveryCount) => {
        // Whatever creates a linked ticket (an import, a peer's twin) plans it in the same
        // transaction, and a ticket created on the hub has no link yet: only sync rules may want
        // a new ticket. Without rules that costs one read, so a large import queues no empty plans.
        const ticketId = String(payload['ticketId']);
        if (payload['type'] === 'ticket.created') await plan(ticketId, { kind: 'created' }, false);
        else if (payload['type'] === 'ticket.updated') {
          // Links planned in the event's own transaction (an applied external report), or none to
          // plan (an edit of a ticket without one): rules only.
          await plan(ticketId, { kind: 'updated', changes: changesOf(payload) }, payload['linksPlanned'] !== true);
        } else await plan(ticketId);
        return keepSilences(ticketId, deliveryCount);
      },
      concurrency: workerConcurrency.planner,
    }),
    // Conflict resolutions release held fields: they call for a plan too.
    consume('push-planner-resolutions', 'conflict.*.resolved', 'plan pushes', {
      handle: async (payload) => {
        await plan(String(payload['ticketId']));
        return 'done';
      },
      concurrency: workerConcurrency.planner,
    }),
    pushes,
    consume('sessions', 'session.*.requested', 'run sync session', {
      handle: (payload) => runSession(String(payload['sessionId'])),
      concurrency: workerConcurrency.sessions,
      park: (payload, error) => parkSession(deps.uow, String(payload['sessionId']), error),
    }),
  ];
  const sweeper = startSweeper(deps.orm, deps.uow, logger.child({ worker: 'sweeper' }));
  const scheduler = startScheduler(deps.uow, deps.projects, logger.child({ worker: 'scheduler' }));
  return {
    sweeper,
    consumers: () => Object.fromEntries(consumers.map((consumer) => [consumer.durable, consumer.isRunning()])),
    async stop() {
      for (const detach of detachHandoff) detach();
      await scheduler.stop();
      await sweeper.stop();
      await Promise.all(consumers.map((consumer) => consumer.stop()));
    },
  };
}
