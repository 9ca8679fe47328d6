// Per-project Prometheus metrics, so an operator sees which integration is slow, refused, rate
// limited or piling up work. Counters and histograms count what this process did; the queue,
// dead-job and status gauges are read from PostgreSQL at scrape time (the same for every process).
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { DomainEvent } from '#domain/events.ts';
import type { EngineEvent } from '#infra/sync/engine-events.ts';

/** Why a delivery was refused, as the webhook receiver answered it. */
export type DeliveryRefusal = 'unknown_project' | 'too_large' | 'signature' | 'invalid' | 'subscription';

/** What the sync engine and the webhook receiver report about each project. */
export interface ProjectMetrics {
  /** A delivery was answered: accepted (new), duplicate (already had it) or refused (with why). */
  delivery(projectId: string | null, outcome: 'accepted' | 'duplicate' | 'refused', reason?: DeliveryRefusal): void;
  /** One call to push a change to the project's system, and how long it took. */
  pushed(projectId: string, outcome: 'delivered' | 'failed', seconds: number): void;
  /** A change reached the project's system this many seconds after its push was planned. */
  propagated(projectId: string, seconds: number): void;
  /** The project's system asked us to wait this long before calling again. */
  rateLimited(projectId: string, seconds: number): void;
  /** Events of a committed unit of work (conflicts opened and resolved are counted from them). */
  committed(events: readonly (DomainEvent | EngineEvent)[]): void;
}

/** One project's figures read from the database on each scrape. */
export interface ProjectFigures {
  readonly id: string;
  readonly name: string;
  readonly kind: string;
  readonly status: string;
  readonly pending: number;
  readonly dead: number;
}

/** Registers the per-project metrics on `registry`; `figures` is queried once per scrape. */
export function createProjectMetrics(registry: Registry, figures: () => Promise<readonly ProjectFigures[]>): ProjectMetrics {
  const deliveries = new Counter({
    name: 'lockstep_webhook_deliveries_total',
    help: 'Inbound webhook deliveries by project and outcome (accepted, duplicate, refused) and refusal reason.',
    labelNames: ['project', 'outcome', 'reason'] as const,
    registers: [registry],
  });
  const pushDuration = new Histogram({
    name: 'lockstep_push_duration_seconds',
    help: 'Duration of one push call to an external system, by project and outcome.',
    labelNames: ['project', 'outcome'] as const,
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20],
    registers: [registry],
  });
  const propagation = new Histogram({
    name: 'lockstep_propagation_seconds',
    help: 'Time from a push being planned (the change committed on the hub) to the external system accepting it.',
    labelNames: ['project'] as const,
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
    registers: [registry],
  });
  const rateLimited = new Counter({
    name: 'lockstep_rate_limited_seconds_total',
    help: 'Seconds the project’s external system asked Lockstep to wait (rate limits), by project.',
    labelNames: ['project'] as const,
    registers: [registry],
  });
  const conflictsOpened = new Counter({
    name: 'lockstep_conflicts_opened_total',
    help: 'Conflicts opened, by project ("hub" when two writers on the hub collided).',
    labelNames: ['project'] as const,
    registers: [registry],
  });
  const conflictsResolved = new Counter({
    name: 'lockstep_conflicts_resolved_total',
    help: 'Conflicts resolved, by project ("hub" when two writers on the hub collided).',
    labelNames: ['project'] as const,
    registers: [registry],
  });

  // One query per scrape, shared by the gauges below (prom-client collects them concurrently).
  let scraping: Promise<readonly ProjectFigures[] | undefined> | undefined;
  const read = () =>
    (scraping ??= figures()
      .catch(() => undefined)
      .finally(() => setTimeout(() => (scraping = undefined), 50).unref()));
  const gauge = (name: string, help: string, labelNames: readonly string[], fill: (g: Gauge, rows: readonly ProjectFigures[]) => void) =>
    new Gauge({
      name,
      help,
      labelNames,
      registers: [registry],
      async collect() {
        const rows = await read();
        this.reset();
        if (rows) fill(this, rows);
      },
    });
  gauge('lockstep_project_info', 'One series per project naming it; status is its lifecycle status (error while its system keeps failing).',
    ['project', 'name', 'kind', 'status'], (g, rows) => {
      for (const row of rows) g.set({ project: row.id, name: row.name, kind: row.kind, status: row.status }, 1);
    });
  gauge('lockstep_push_queue_depth', 'Push jobs waiting to be delivered, by project.', ['project'], (g, rows) => {
    for (const row of rows) g.set({ project: row.id }, row.pending);
  });
  const dead = 'Push jobs that gave up (dead letters) and wait for an operator, by project.';
  gauge('lockstep_push_jobs_dead', dead, ['project'], (g, rows) => {
    for (const row of rows) g.set({ project: row.id }, row.dead);
  });

  return {
    delivery(projectId, outcome, reason) {
      deliveries.inc({ project: projectId ?? 'unknown', outcome, reason: reason ?? '' });
    },
    pushed(projectId, outcome, seconds) {
      pushDuration.observe({ project: projectId, outcome }, seconds);
    },
    propagated(projectId, seconds) {
      propagation.observe({ project: projectId }, seconds);
    },
    rateLimited(projectId, seconds) {
      rateLimited.inc({ project: projectId }, seconds);
    },
    committed(events) {
      for (const event of events) {
        if (event.type === 'conflict.detected') conflictsOpened.inc({ project: event.projectId ?? 'hub' });
        else if (event.type === 'conflict.resolved') conflictsResolved.inc({ project: event.projectId ?? 'hub' });
      }
    },
  };
}
