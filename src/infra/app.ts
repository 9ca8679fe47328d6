// The composition root: builds Lockstep from its configuration and returns it as a disposable
// app, so `main.ts`, the tests and the bench all start and stop the very same thing.
import type { AddressInfo } from 'node:net';
import { buildSchema } from '#graphql/schema.ts';
import { startOutboxRelay } from './bus/outbox-relay.ts';
import { listenToOutbox } from './persistence/outbox-signal.ts';
import { createNatsLink } from './bus/nats-link.ts';
import { ensureStreams, streamNames } from './bus/streams.ts';
import type { Config } from './config.ts';
import { bearerToken, createTokenStore, sameToken, tokenCacheMs } from './auth/tokens.ts';
import { createGraphQLServer } from './http/graphql-server.ts';
import { createGraphQLRoute } from './http/graphql-route.ts';
import { attachGraphQLWebSocket } from './http/graphql-ws.ts';
import { createSubscriptionSlots } from './http/subscription-slots.ts';
import { checkHealth } from './http/health.ts';
import { checkReadiness } from './http/readiness.ts';
import { createHttpServer, sendJson } from './http/server.ts';
import { consoleRoute } from './http/console-route.ts';
import { tracedRoute } from './http/traced-route.ts';
import { createTracing } from './tracing/tracing.ts';
import type { SpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { Logger } from './logger.ts';
import { createMetrics } from './metrics.ts';
import { createProjectMetrics } from './project-metrics.ts';
import { readProjectFigures } from './persistence/project-figures.ts';
import { openDatabase } from './persistence/orm.ts';
import { sqlPoolOf } from './persistence/sql-pool.ts';
import { readOutboxLag } from './persistence/outbox-lag.ts';
import { createEventFeed } from './services/event-feed.ts';
import { createEventFanout } from './bus/event-fanout.ts';
import { registerFanoutMetrics } from './bus/fanout-metrics.ts';
import { createTicketService } from './services/tickets.ts';
import { createConnectorRegistry } from '#adapters/registry.ts';
import { allowPrivateTargets } from '#adapters/shared/outbound-targets.ts';
import { createCredentialVault } from './crypto/credential-vault.ts';
import { resealCredentials } from './crypto/reseal.ts';
import { createLinkService } from './services/links.ts';
import { createProjectService } from './services/projects.ts';
import { createProjectCache } from './services/project-cache.ts';
import { createPushJobService } from './services/push-jobs.ts';
import { createSessionService } from './services/sessions.ts';
import { createSyncErrorService } from './services/sync-errors.ts';
import { mirrorsCommentsOf } from './sync/comment-planner.ts';
import { startSyncEngine } from './sync/engine.ts';
import { createLocalHandoff } from './sync/local-handoff.ts';
import { registerHandoffMetrics } from './sync/handoff-metrics.ts';
import { createWebhookReceiver } from './sync/webhook-receiver.ts';
import { createInboxDoor } from './sync/inbox-door.ts';
import { createPeeringService } from './peering/peering-service.ts';
import { createPeerRoutes } from './peering/peer-routes.ts';
import { createPeerApi } from './peering/peer-api.ts';
import { createAlertService } from './services/alerts.ts';
import { createProjectActivityService } from './services/project-activity.ts';
import { createCommentService } from './services/comments.ts';
import { createConflictService } from './services/conflicts.ts';
import type { Services } from './services/services.ts';
import { loadHubReplicaId } from './persistence/hub-identity.ts';
import { createUnitOfWork, type Committed } from './persistence/unit-of-work.ts';

/** A started Lockstep process. */
export interface Lockstep {
  /** Base URL it listens on, e.g. `http://127.0.0.1:4000`. */
  readonly url: string;
  /** The admin token generated on this start, if one was (print it once). */
  readonly generatedAdminToken: string | undefined;
  /** Stops accepting, finishes in-flight work, drains the relay and closes every connection. */
  stop(): Promise<void>;
}

/** What the composition root takes besides configuration (tests watch spans through `spanProcessor`). */
export interface StartOptions {
  readonly spanProcessor?: SpanProcessor;
}

/** Migrates, connects and starts serving; resolves once the port is bound. */
export async function startLockstep(config: Config, logger: Logger, options: StartOptions = {}): Promise<Lockstep> {
  allowPrivateTargets(config.allowPrivateTargets);
  const tracing = createTracing({ otlpEndpoint: config.otlpEndpoint, processor: options.spanProcessor });
  const orm = await openDatabase(config.databaseUrl, logger);
  const nats = createNatsLink(config.natsUrl, logger.child({ module: 'nats' }));
  const names = streamNames(config.natsPrefix);
  nats.onConnected((nc) => ensureStreams(nc, names));
  const outboxSignal = listenToOutbox(config.databaseUrl, logger.child({ module: 'outbox-signal' }));
  const sql = await sqlPoolOf(orm);
  const relay = startOutboxRelay(sql, nats, logger.child({ module: 'outbox-relay' }), outboxSignal);
  const shutdown = new AbortController();

  const tokens = createTokenStore(orm);
  const generatedAdminToken = await tokens.bootstrapAdmin(config.adminToken);
  const replica = await loadHubReplicaId(orm);
  const metrics = createMetrics(async () => ({ ...(await readOutboxLag(orm)), publishedByThisProcess: relay.published() }));
  const projectMetrics = createProjectMetrics(metrics.registry, () => readProjectFigures(orm));
  const afterCommit = (events: Committed<unknown>['events']) => {
    // The commit's NOTIFY wakes every relay, this one too; kicking here as well would run a second,
    // empty batch per commit. Without the signal, the kick is what keeps the relay prompt.
    if (!outboxSignal.listening()) relay.kick();
    projectMetrics.committed(events);
  };
  const handoff = createLocalHandoff(names.prefix);
  const uow = createUnitOfWork(orm, names.prefix, afterCommit, handoff);
  const vault = createCredentialVault(config.secretKey, config.previousSecretKeys);
  if (!config.secretKey) logger.warn('LOCKSTEP_SECRET_KEY is not set: credentials are sealed with the development key');
  await resealCredentials(orm, vault, logger.child({ module: 'credentials' }));
  const connectors = createConnectorRegistry();
  const projects = createProjectService(uow, connectors, vault, createProjectCache(orm));
  const engine = startSyncEngine({ orm, uow, sql, nats, names, projects, handoff,
    hubReplica: replica,
    retry: { maxAttempts: config.pushMaxAttempts, baseMs: config.pushBackoffMs },
    metrics: projectMetrics,
    tracer: tracing.tracer,
    logger: logger.child({ module: 'sync' }) });
  let publicUrl = config.publicUrl ?? `http://127.0.0.1:${config.port}`;
  const peering = createPeeringService(uow, vault, replica, () => publicUrl);
  const fanout = createEventFanout(nats, names.events, names.prefix, logger.child({ module: 'event-fanout' }));
  const services: Services = {
    tokens,
    tickets: createTicketService(uow, replica),
    conflicts: createConflictService(uow, replica),
    comments: createCommentService(uow, mirrorsCommentsOf(projects)),
    feed: createEventFeed(fanout, names, shutdown.signal),
    projects,
    links: createLinkService(uow, projects),
    pushJobs: createPushJobService(uow),
    sessions: createSessionService(uow, projects),
    syncErrors: createSyncErrorService(uow),
    peering,
    alerts: createAlertService(uow),
    connectors,
    activity: createProjectActivityService(uow),
    publicUrl: () => publicUrl,
    sweepNow: () => engine.sweeper.sweep(),
  };
  registerFanoutMetrics(metrics.registry, fanout);
  registerHandoffMetrics(metrics.registry, handoff);
  const graphql = createGraphQLServer(buildSchema(), services, metrics, logger.child({ module: 'graphql' }));

  const slots = createSubscriptionSlots(config.maxSubscriptionsPerToken);
  const graphqlRoute = createGraphQLRoute(graphql, tokens, slots, config.maxRequestBytes);
  const server = createHttpServer(
    {
      '/graphql': tracedRoute(tracing.tracer, 'POST /graphql', graphqlRoute.handle),
      '/console': consoleRoute,
      '/console/*': consoleRoute,
      '/healthz': async (_request, response) => {
        sendJson(response, 200, await checkHealth(orm, nats));
      },
      '/readyz': async (_request, response) => {
        const report = await checkReadiness(orm, nats, () => engine.consumers());
        sendJson(response, report.status === 'ready' ? 200 : 503, report);
      },
      '/api/webhooks/*': tracedRoute(tracing.tracer, 'receive webhook', createWebhookReceiver(uow, createInboxDoor(sql, names.prefix, afterCommit, handoff), projects, projectMetrics)),
      '/api/peering/*': createPeerRoutes(peering, createPeerApi(uow, replica, mirrorsCommentsOf(projects))),
      '/metrics': async (request, response) => {
        if (config.metricsToken !== undefined && !sameToken(bearerToken(request.headers.authorization), config.metricsToken)) {
          response.setHeader('www-authenticate', 'Bearer');
          sendJson(response, 401, { error: 'GET /metrics needs "Authorization: Bearer <LOCKSTEP_METRICS_TOKEN>"' });
          return;
        }
        const text = await metrics.registry.metrics();
        response.writeHead(200, { 'content-type': metrics.registry.contentType });
        response.end(text);
      },
    },
    metrics,
    logger.child({ module: 'http' }),
  );
  const sockets = attachGraphQLWebSocket(server, graphql, {
    tokens,
    slots,
    maxPerConnection: config.maxSubscriptionsPerConnection,
    report: graphql.report,
  });
  // A revoked token's sockets and SSE streams close: at once in this process, within tokenCacheMs in the others.
  const endStreams = (revoked: ReadonlySet<string>) => {
    sockets.closeTokens(revoked, 'token revoked');
    graphqlRoute.closeTokens(revoked);
  };
  tokens.onRevoked((tokenId) => endStreams(new Set([tokenId])));
  const revocationWatch = setInterval(() => {
    tokens.revokedAmong(new Set([...sockets.openTokenIds(), ...graphqlRoute.openTokenIds()])).then(
      endStreams,
      (error: unknown) => logger.warn({ err: error }, 'could not check open sockets for revoked tokens'),
    );
  }, tokenCacheMs);
  revocationWatch.unref();

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const reachable = ['0.0.0.0', '::'].includes(config.host) ? '127.0.0.1' : config.host;
  const url = `http://${reachable.includes(':') ? `[${reachable}]` : reachable}:${port}`;
  publicUrl = config.publicUrl ?? url;
  logger.info({ url, publicUrl: config.publicUrl ?? url }, 'Lockstep is listening');

  let stopping: Promise<void> | undefined;
  async function stop(): Promise<void> {
    logger.info('shutting down');
    // Every phase is bounded: a stuck dependency is logged by name and the shutdown goes on.
    const phase = async (name: string, work: () => Promise<unknown>, limitMs = 8_000) => {
      const started = Date.now();
      let timer: NodeJS.Timeout | undefined;
      const outcome = await Promise.race([
        work().then(() => 'done' as const),
        new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), limitMs))),
      ]).catch((error: unknown) => {
        logger.warn({ phase: name, err: error }, 'shutdown phase failed');
        return 'failed' as const;
      });
      clearTimeout(timer);
      if (outcome === 'late') logger.warn({ phase: name, limitMs }, 'shutdown phase took too long; going on');
      else logger.debug({ phase: name, ms: Date.now() - started }, 'shutdown phase done');
    };
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    shutdown.abort();
    clearInterval(revocationWatch);
    await phase('websockets', () => sockets.close());
    await phase('event fan-out', () => fanout.close());
    // Requests still running get a grace period; streams ended through `shutdown` above.
    const grace = setTimeout(() => server.closeAllConnections(), 5_000);
    await phase('http', () => closed);
    clearTimeout(grace);
    await phase('engine', () => engine.stop());
    await phase('relay', async () => {
      await relay.drain(5_000);
      await relay.stop();
      await outboxSignal.close();
    });
    await phase('nats', () => nats.close());
    await phase('database', () => orm.close());
    await phase('traces', () => tracing.shutdown(), 3_000);
    logger.info('stopped');
  }

  return {
    url,
    generatedAdminToken,
    stop: () => (stopping ??= stop()),
  };
}
