// Prometheus metrics (prom-client) for operators: HTTP traffic, GraphQL operations and errors,
// and how far the outbox lags behind (rows not yet published, age of the oldest).
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** The metrics one Lockstep process exposes on GET /metrics. */
export interface Metrics {
  readonly registry: Registry;
  readonly httpRequests: Counter<'method' | 'route' | 'status'>;
  readonly httpDuration: Histogram<'method' | 'route'>;
  readonly graphqlOperations: Counter<'type' | 'name'>;
  readonly graphqlErrors: Counter<'type' | 'name' | 'code'>;
}

/** Outbox figures read on every scrape. */
export interface OutboxLagProbe {
  (): Promise<{ pending: number; oldestAgeSeconds: number; publishedByThisProcess: number }>;
}

/** Creates a registry with Lockstep's metrics; `outboxLag` is queried at scrape time. */
export function createMetrics(outboxLag: OutboxLagProbe): Metrics {
  const registry = new Registry();
  registry.setDefaultLabels({ service: 'lockstep' });
  collectDefaultMetrics({ register: registry, prefix: 'lockstep_' });
  const httpRequests = new Counter({
    name: 'lockstep_http_requests_total',
    help: 'HTTP requests by method, route and status code.',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  });
  const httpDuration = new Histogram({
    name: 'lockstep_http_request_duration_seconds',
    help: 'HTTP request duration in seconds (streams excluded).',
    labelNames: ['method', 'route'] as const,
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const graphqlOperations = new Counter({
    name: 'lockstep_graphql_operations_total',
    help: 'GraphQL operations executed, by operation type and name.',
    labelNames: ['type', 'name'] as const,
    registers: [registry],
  });
  const graphqlErrors = new Counter({
    name: 'lockstep_graphql_errors_total',
    help: 'GraphQL errors returned, by operation type, name and error code.',
    labelNames: ['type', 'name', 'code'] as const,
    registers: [registry],
  });
  // One probe per scrape, shared by the three gauges (prom-client collects them concurrently).
  let lag: Awaited<ReturnType<OutboxLagProbe>> | undefined;
  let probing: Promise<void> | undefined;
  const refresh = () =>
    (probing ??= outboxLag()
      .then((value) => {
        lag = value;
      }, () => {
        lag = undefined;
      })
      .finally(() => setTimeout(() => (probing = undefined), 50).unref()));
  new Gauge({
    name: 'lockstep_outbox_pending',
    help: 'Outbox rows committed but not yet published to JetStream.',
    registers: [registry],
    async collect() {
      await refresh();
      this.set(lag?.pending ?? -1);
    },
  });
  new Gauge({
    name: 'lockstep_outbox_oldest_pending_age_seconds',
    help: 'Age of the oldest unpublished outbox row (0 when none).',
    registers: [registry],
    async collect() {
      await refresh();
      this.set(lag?.oldestAgeSeconds ?? -1);
    },
  });
  new Gauge({
    name: 'lockstep_outbox_published_total',
    help: 'Outbox rows this process published since it started.',
    registers: [registry],
    async collect() {
      await refresh();
      this.set(lag?.publishedByThisProcess ?? 0);
    },
  });
  return { registry, httpRequests, httpDuration, graphqlOperations, graphqlErrors };
}
