// Executes push jobs: claims the job (reading what the call needs in the same statement), calls the
// project's connector (create or update; comment jobs go to comment-pusher.ts), then, in one
// transaction, marks the job delivered, records the acknowledgement on the mapping (the side's new
// base) and plans whatever changed meanwhile. Failures are retried with backoff and jitter under the same
// delivery id (the job id), honour 429 Retry-After for the whole project, disconnect the project
// when credentials are refused, and end in the dead-letter state after the retry policy's last attempt.
import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { DomainEvent } from '#domain/events.ts';
import type { JsonValue } from '#domain/json.ts';
import {
  ExternalCallError,
  PreconditionFailed,
  type ConnectorCapabilities,
  type ExternalItem,
  type OutboundRequest,
  type OutboundResult,
} from '#domain/project/connector.ts';
import { movedSinceBase, writePrecondition } from '#domain/sync/precondition.ts';
import type { PlannedPush } from '#domain/sync/push-plan.ts';
import type { FieldKey } from '#domain/ticket/fields.ts';
import { ExternalProject } from '#domain/project/external-project.ts';
import { SyncMapping } from '#domain/sync/mapping.ts';
import { Ticket } from '#domain/ticket/ticket.ts';
import type { Logger } from '#infra/logger.ts';
import type { ProjectMetrics } from '#infra/project-metrics.ts';
import { PushJob } from '#infra/persistence/sync-records.ts';
import type { UnitOfWork } from '#infra/persistence/unit-of-work.ts';
import type { ProjectService } from '#infra/services/projects.ts';
import { newHubId } from '#infra/services/ids.ts';
import type { Outcome } from '#infra/bus/durable-consumer.ts';
import { backoffMs, type RetryPolicy } from './backoff.ts';
import { createCommentPusher } from './comment-pusher.ts';
import { giveWay, giveWayToReport } from './give-way.ts';
import { claimedJob, giveBack, type ClaimedJob, type JobLease, type JobLeases, type LeaseHolder } from './job-lease.ts';
import { entityFrom } from './claimed-rows.ts';
import { lockedJobStatus, lockTicketAndMapping, markDelivered } from './delivered-job.ts';
import { mirrorsCommentsOf, planTicketComments } from './comment-planner.ts';
import { planTicketPushes } from './push-planner.ts';
import { applyItems } from './item-applier.ts';
import { isCreateEndedByUnlink, recordCreateAfterUnlink } from './late-create.ts';
import { recordSyncError } from './sync-errors.ts';
import { acknowledgePeerPush, failPeerPush } from '#domain/sync/peer-push.ts';
import { peerTicketState } from '#domain/sync/peer-state.ts';

/** The value the side will report for what we sent (connectors say when it differs, e.g. Jira labels). */
function reported(result: OutboundResult, field: FieldKey, sent: JsonValue): JsonValue {
  return result.reportedValues?.[field] ?? sent;
}

/** The side holds what we pushed (in its own spelling): that becomes each field's base. */
function acknowledge(mapping: SyncMapping, pushes: readonly PlannedPush[], result: OutboundResult): void {
  for (const push of pushes) mapping.recordSentAcknowledged(push.field, push.value, reported(result, push.field, push.value), result.orderingKey);
}

/** Job `job` ends dead with `message` (retryable by hand): a sync error shows it, and its fields are no longer in flight. */
export async function buryJob(em: EntityManager, job: PushJob, project: ExternalProject, message: string): Promise<DomainEvent> {
  job.status = 'dead';
  job.lastError = message;
  job.updatedAt = new Date();
  const refused = recordSyncError(em, {
    projectId: project.id,
    ticketId: job.ticketId,
    externalId: null,
    field: job.operation === 'comment' ? 'comments' : job.fields.length === 1 ? (job.fields[0]?.field ?? null) : null,
    direction: 'outbound',
    message,
    deliveryId: job.id,
  });
  const mapping = job.mappingId ? await em.findOne(SyncMapping, { id: job.mappingId }, { lockMode: LockMode.PESSIMISTIC_WRITE }) : null;
  if (mapping && project.kind === 'lockstep_peer') failPeerPush(mapping, job.fields.map((push) => push.field));
  else for (const push of job.fields) mapping?.recordPushFailed(push.field);
  return refused;
}

/** True when the engine must read the side before an update: it can be read and cannot refuse a stale write. */
function readsBeforeWrite(capabilities: ConnectorCapabilities): boolean {
  return capabilities.canFetch && capabilities.conditionalWrites !== true;
}

/** The ids every log line about a push carries: its ticket, its project and the delivery id the side sees. */
function changeIds(job: PushJob): { ticketId: string; projectId: string; deliveryId: string } {
  return { ticketId: job.ticketId, projectId: job.projectId, deliveryId: job.id };
}

/** Runs one push job by id; safe to call again for the same job. */
export type PushExecutor = (jobId: string) => Promise<Outcome>;

/** The push worker over `uow`, calling connectors through `projects`. */
export function createPushWorker(
  uow: UnitOfWork,
  leases: JobLeases,
  projects: ProjectService,
  retry: RetryPolicy,
  hub: string,
  logger: Logger,
  metrics: ProjectMetrics,
): PushExecutor {
  const mirrorsComments = mirrorsCommentsOf(projects);
  const pushComment = createCommentPusher(uow, mirrorsComments);
  async function fail(lease: LeaseHolder, error: unknown): Promise<Outcome> {
    const message = error instanceof Error ? error.message : String(error);
    let gaveBack = false;
    const outcome = await uow.run(async (em) => {
      const job = await em.findOne(PushJob, { id: lease.jobId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      const project = job ? await em.findOne(ExternalProject, { id: job.projectId }) : null;
      if (!job || job.status !== 'pending' || !project) return { result: 'done' as Outcome, events: [] };
      const now = Date.now();
      job.attempts += 1;
      job.lastError = message;
      job.updatedAt = new Date(now);
      gaveBack = giveBack(job, lease);
      const external = error instanceof ExternalCallError ? error : undefined;
      if (external?.kind === 'unauthorized') project.disconnect(`credentials refused: ${message}`, now);
      else project.recordFailure(message, now);
      if (external?.kind === 'rate_limited') {
        project.rateLimit(now + (external.retryAfterMs ?? 1_000));
        metrics.rateLimited(project.id, (external.retryAfterMs ?? 1_000) / 1_000);
      }
      const transient = external === undefined || external.isTransient();
      if (transient && job.attempts < retry.maxAttempts) {
        const wait = backoffMs(retry, job.attempts, external?.retryAfterMs);
        job.nextAttemptAt = new Date(now + wait);
        logger.warn({ ...changeIds(job), attempt: job.attempts, wait, err: message }, 'push failed; will retry');
        return { result: { retryInMs: wait }, events: [] };
      }
      const refused = await buryJob(em, job, project, message);
      logger.error({ ...changeIds(job), attempts: job.attempts, err: message }, 'push gave up (dead letter)');
      return { result: 'done' as Outcome, events: [refused] };
    });
    if (gaveBack) lease.cleared();
    return outcome;
  }

  /**
   * The project in `em`, with the success recorded. Its row changes only when the claimed copy says
   * `recordSuccess` has something to write (failures to forget, an error to clear, lastSyncedAt a
   * second old); it is then read again here, since an admin may have paused it meanwhile.
   */
  async function recordSuccess(em: EntityManager, lease: JobLease, claimed: ExternalProject, now: number): Promise<ExternalProject> {
    const due = claimed.successWouldChange(now);
    const project = due ? await em.findOne(ExternalProject, { id: claimed.id }) : entityFrom(em, ExternalProject, lease.row, 'project');
    if (due) project?.recordSuccess(now);
    return project ?? claimed;
  }

  async function succeed(lease: JobLease, claimed: ClaimedJob, result: OutboundResult, readBack: ExternalItem | null): Promise<Outcome> {
    const { job } = claimed;
    let gaveBack = false;
    const outcome = await uow.run(async (em) => {
      const now = Date.now();
      const linkId = job.operation === 'create' && result.externalId !== null ? newHubId() : null;
      // The job's row lock, first as everywhere: it ends here unless it was ended meanwhile.
      gaveBack = await markDelivered(em, lease, now, linkId);
      if (!gaveBack) {
        const status = await lockedJobStatus(em, job.id);
        if (status !== null && isCreateEndedByUnlink({ ...job, status }) && result.externalId !== null) {
          await recordCreateAfterUnlink(em, job, result.externalId, result.url ?? null);
        }
        return { result: 'done' as Outcome, events: [] };
      }
      const locked =
        job.operation === 'create'
          ? { ticket: await em.findOne(Ticket, { id: job.ticketId }, { lockMode: LockMode.PESSIMISTIC_WRITE }), mapping: null }
          : job.mappingId
            ? await lockTicketAndMapping(em, job.ticketId, job.mappingId)
            : null;
      const project = await recordSuccess(em, lease, claimed.project, now);
      metrics.propagated(job.projectId, Math.max(0, now - job.createdAt.getTime()) / 1_000);
      const pushed = job.fields.map((push) => push.field);
      logger.info({ ...changeIds(job), operation: job.operation, fields: pushed, attempts: job.attempts + 1 }, 'change pushed');
      const ticket = locked?.ticket;
      if (!ticket) return { result: 'done' as Outcome, events: [] };
      const events: Array<DomainEvent | Awaited<ReturnType<typeof planTicketPushes>>[number]> = [];
      const at = new Date(now).toISOString();
      let mapping: SyncMapping | null = locked.mapping;
      if (linkId !== null && result.externalId !== null) {
        const sent = Object.fromEntries(job.fields.map((push) => [push.field, reported(result, push.field, push.value)])) as Record<string, JsonValue>;
        mapping = SyncMapping.link({
          id: linkId,
          ticket,
          projectId: project.id,
          externalId: result.externalId,
          fields: project.mappedFields,
          nowMs: now,
          externalValues: sent,
          ...(result.orderingKey !== undefined ? { orderingKey: result.orderingKey } : {}),
          externalUrl: result.url ?? null,
        });
        em.persist(mapping);
        events.push({ type: 'external_ticket.created', ticketId: ticket.id, projectId: project.id, externalId: result.externalId, at });
        // The conversation so far follows the ticket into the new item.
        await em.flush();
        events.push(...(await planTicketComments(em, ticket.id, ticket.privacy, mirrorsComments, project.id)));
      } else if (mapping) {
        if (project.kind === 'lockstep_peer') acknowledgePeerPush(mapping, pushed);
        else acknowledge(mapping, job.fields, result);
        events.push({ type: 'external_ticket.updated', ticketId: ticket.id, projectId: project.id, externalId: mapping.externalId, fields: pushed, at });
      }
      if (mapping && readBack) {
        // The side's state right after our write: our fields come back as echoes, a person's edit
        // made meanwhile applies, and its key makes every older report (intermediate workflow
        // steps included) stale.
        await applyItems(em, project, [{ ...readBack, externalId: mapping.externalId }], { hub, deliveryId: `push:${job.id}`, dryRun: false }, events);
      } else if (mapping) {
        events.push(...(await planTicketPushes(em, ticket, [mapping])));
      }
      return { result: 'done' as Outcome, events };
    });
    if (gaveBack) lease.cleared();
    return outcome;
  }

  async function run(lease: JobLease): Promise<Outcome> {
    const claimed = claimedJob(uow.reader(), lease.row);
    const { job, ticket, mapping, project } = claimed;
    // A paused or disconnected project keeps its jobs pending; they are sent again on resume.
    if (!project.isSyncing()) return 'done';
    const now = Date.now();
    if (job.nextAttemptAt.getTime() > now + 50) return { retryInMs: job.nextAttemptAt.getTime() - now };
    if (project.rateLimitedUntil && project.rateLimitedUntil.getTime() > now) return { retryInMs: project.rateLimitedUntil.getTime() - now };
    if (job.operation === 'update' && (!mapping || mapping.status !== 'linked')) return 'done';
    const failed = (error: unknown) => fail(lease, error);
    const { connector, settings } = projects.settingsOf(project);
    const session = connector.open(settings);
    if (job.operation === 'comment') return pushComment(job, project, mapping, session, lease, failed);
    // A report settled some of these fields after the job was planned: writing them now would
    // overwrite what the side holds (a concurrent edit, a conflict perhaps still open there). A side
    // that only displays tickets is redrawn with the ticket as it is, nothing in flight; peers merge.
    if (job.operation === 'update' && mapping && project.kind !== 'lockstep_peer' && !connector.capabilities.displaysTicket) {
      const overtaken = job.fields.filter((push) => !mapping.isInFlight(push.field, push.value)).map((push) => push.field);
      if (overtaken.length > 0) return giveWayToReport(uow, lease, mapping.id, overtaken);
    }

    // Only the project's mapped fields leave the hub (connectors that send whole tickets read this).
    const full = ticket.snapshot() as unknown as Record<string, JsonValue>;
    const snapshot: Record<string, JsonValue> = { id: ticket.id };
    for (const field of project.mappedFields) if (full[field] !== undefined) snapshot[field] = full[field];
    const peerState = project.kind === 'lockstep_peer' ? peerTicketState(ticket, project.policy(), hub) : null;
    const precondition = job.operation === 'update' && mapping ? writePrecondition(mapping, job.fields, project.policy().compareKeys) : undefined;
    const request: OutboundRequest = {
      ...(peerState ? { peerState } : {}),
      ...(precondition ? { precondition } : {}),
      deliveryId: job.id,
      ticketId: ticket.id,
      changed: Object.fromEntries(job.fields.map((push) => [push.field, push.value])),
      ticket: snapshot,
      retry: job.attempts > 0 || lease.interrupted,
      signal: AbortSignal.timeout(20_000),
    };
    if (precondition && mapping && readsBeforeWrite(connector.capabilities)) {
      // A side without conditional writes: what it holds now decides whether we may write.
      let current: ExternalItem | null;
      try {
        current = await session.fetchItem(mapping.externalId, AbortSignal.timeout(15_000));
      } catch (error) {
        return failed(error);
      }
      const moved = current ? movedSinceBase(precondition, job.fields, current.fields) : [];
      if (current && moved.length > 0) return giveWay(uow, hub, lease, { ...current, externalId: mapping.externalId }, moved);
    }
    let result: OutboundResult;
    const started = performance.now();
    try {
      result = job.operation === 'create' ? await session.createItem(request) : await session.updateItem(mapping?.externalId ?? '', request);
      metrics.pushed(project.id, 'delivered', (performance.now() - started) / 1_000);
    } catch (error) {
      metrics.pushed(project.id, 'failed', (performance.now() - started) / 1_000);
      // A side with a version precondition refused a stale write: it moved, so the push gives way.
      if (error instanceof PreconditionFailed && mapping) {
        const current = error.current ?? (await session.fetchItem(mapping.externalId, AbortSignal.timeout(15_000)).catch(() => null));
        if (current) return giveWay(uow, hub, lease, { ...current, externalId: mapping.externalId }, job.fields.map((push) => push.field));
      }
      return failed(error);
    }
    const externalId = result.externalId ?? mapping?.externalId ?? null;
    // The side's state after the write: from the write's own answer when it carries it, else one read.
    const readBack =
      result.state ??
      (connector.capabilities.canFetch && project.kind !== 'lockstep_peer' && externalId !== null
        ? await session.fetchItem(externalId, AbortSignal.timeout(15_000)).catch(() => null)
        : null);
    return succeed(lease, claimed, result, readBack);
  }

  return async (jobId) => {
    // One process runs a job at a time: another one's run (a re-sent message) leaves it alone.
    const lease = await leases.claim(jobId);
    if (!lease) return 'done';
    try {
      return await run(lease);
    } finally {
      // No statement when the write that ended the job gave the lease back.
      await lease.release();
    }
  };
}
