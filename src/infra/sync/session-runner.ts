// Runs sync sessions. The pull side fetches the project's items page by page (from the beginning
// for initial and reconcile, from the project's cursor for incremental and manual) and applies
// them like deliveries; for reconcile and manual sessions the push side then plans every linked
// ticket, which re-sends whatever the project is missing; a backfill applies the project's sync
// rules to existing tickets instead (backfill.ts). A dry run does the same on an
// EntityManager that is never flushed, and keeps the plan. Each page is applied in one transaction
// that also saves the cursor, so a session interrupted by a restart resumes after the last page.
import { DeadlockException, FlushMode, LockMode, UniqueConstraintViolationException } from '@mikro-orm/core';
import type { MikroORM } from '@mikro-orm/postgresql';
import { DomainError } from '#domain/errors.ts';
import type { DomainEvent } from '#domain/events.ts';
import { ExternalCallError, type ExternalItem } from '#domain/project/connector.ts';
import { ExternalProject } from '#domain/project/external-project.ts';
import { SyncSession, type ItemOutcome } from '#domain/project/sync-session.ts';
import { SyncMapping } from '#domain/sync/mapping.ts';
import { allowsPull, allowsPush } from '#domain/sync/policy.ts';
import { planPushes } from '#domain/sync/push-plan.ts';
import { Ticket } from '#domain/ticket/ticket.ts';
import type { Outcome } from '#infra/bus/durable-consumer.ts';
import type { Logger } from '#infra/logger.ts';
import type { UnitOfWork } from '#infra/persistence/unit-of-work.ts';
import type { ProjectService } from '#infra/services/projects.ts';
import type { EngineEvent } from './engine-events.ts';
import { runBackfill } from './backfill.ts';
import { routesThrough } from './rule-linker.ts';
import { applyItem, applyItems, lockLinks } from './item-applier.ts';
import { planTicketPushes } from './push-planner.ts';

/** How many times a page is tried again after losing a race with a concurrent delivery. */
const contentionRetries = 3;

/** A page item the domain refused; the page's transaction rolls back and it is applied without it. */
class RefusedItem extends Error {
  readonly index: number;
  readonly refusal: DomainError;
  constructor(index: number, refusal: DomainError) {
    super(refusal.message);
    this.index = index;
    this.refusal = refusal;
  }
}

/** A transaction that lost a race for the same rows, which a fresh attempt resolves. */
const isContention = (error: unknown) => error instanceof DeadlockException || error instanceof UniqueConstraintViolationException;

/** Runs one session by id; safe to call again (it resumes where it stopped). */
export type SessionRunner = (sessionId: string) => Promise<Outcome>;

const syncEvent = (type: 'sync.progress' | 'sync.completed' | 'sync.failed', session: SyncSession): DomainEvent => ({
  type,
  projectId: session.projectId,
  sessionId: session.id,
  at: new Date().toISOString(),
});

/** The session runner. */
export function createSessionRunner(deps: { orm: MikroORM; uow: UnitOfWork; projects: ProjectService; hub: string; logger: Logger }): SessionRunner {
  const { orm, uow, projects, hub, logger } = deps;

  /** Loads the session under a lock, lets `change` update it, commits with `events`. */
  const withSession = (id: string, change: (session: SyncSession) => Array<DomainEvent | EngineEvent>) =>
    uow.run(async (em) => {
      const session = await em.findOne(SyncSession, { id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      if (!session || session.status !== 'running') return { result: session, events: [] };
      return { result: session, events: change(session) };
    });

  /**
   * Applies one fetched page in one transaction: its items, their outcomes, the cursor and the
   * progress event commit together, so a restarted session resumes after the last page committed
   * and never records a page twice nor skips one. An item the domain refuses rolls the page back;
   * the page is then applied again without it, its error recorded in the same transaction. A page
   * that loses a race with a concurrent delivery about the same items (a deadlock, or the same new
   * item imported by both) is tried again a few times. False when the session is no longer running.
   */
  async function commitPage(session: SyncSession, items: readonly ExternalItem[], cursor: string | null): Promise<boolean> {
    const ctx = { hub, deliveryId: `session:${session.id}`, dryRun: false };
    const refused = new Map<number, string>();
    for (let contended = 0; ; ) {
      try {
        return await uow.run(async (em) => {
          const locked = await em.findOne(SyncSession, { id: session.id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
          if (!locked || locked.status !== 'running') return { result: false, events: [] };
          const project = await em.findOneOrFail(ExternalProject, { id: session.projectId });
          const events: Array<DomainEvent | EngineEvent> = [];
          const links = await lockLinks(em, project, items.filter((_, index) => !refused.has(index)), ctx);
          for (const [index, item] of items.entries()) {
            const refusal = refused.get(index);
            if (refusal !== undefined) {
              locked.recordError(`${item.externalId}: ${refusal}`);
              continue;
            }
            try {
              locked.record(await applyItem(em, project, item, links, ctx, events));
            } catch (error) {
              throw error instanceof DomainError ? new RefusedItem(index, error) : error;
            }
          }
          locked.advance(cursor);
          return { result: true, events: [...events, syncEvent('sync.progress', locked)] };
        });
      } catch (error) {
        if (error instanceof RefusedItem) refused.set(error.index, error.refusal.message);
        else if (isContention(error) && contended < contentionRetries) contended += 1;
        else throw error;
      }
    }
  }

  async function applyPage(session: SyncSession, items: readonly ExternalItem[], cursor: string | null): Promise<boolean> {
    if (!session.dryRun) return commitPage(session, items, cursor);
    const em = orm.em.fork({ flushMode: FlushMode.COMMIT });
    const project = await em.findOneOrFail(ExternalProject, { id: session.projectId });
    const results: Array<ItemOutcome | string> = [];
    for (const item of items) {
      try {
        results.push(...(await applyItems(em, project, [item], { hub, deliveryId: `session:${session.id}`, dryRun: true }, [])));
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        results.push(`${item.externalId}: ${error.message}`);
      }
    }
    em.clear();
    const saved = await withSession(session.id, (s) => {
      for (const result of results) {
        if (typeof result === 'string') s.recordError(result);
        else s.record(result);
      }
      s.advance(cursor);
      return [syncEvent('sync.progress', s)];
    });
    return saved?.status === 'running';
  }

  async function pushSide(session: SyncSession, project: ExternalProject): Promise<void> {
    const mappings = await uow.reader().find(SyncMapping, { projectId: project.id, status: 'linked' }, { fields: ['id', 'ticketId'] });
    for (const { ticketId } of mappings) {
      if (session.dryRun) {
        const em = orm.em.fork({ flushMode: FlushMode.COMMIT });
        const ticket = await em.findOne(Ticket, { id: ticketId });
        const mapping = await em.findOne(SyncMapping, { ticketId, projectId: project.id, status: 'linked' });
        const plan = ticket && mapping ? planPushes(ticket, mapping, project.policy()) : [];
        await withSession(session.id, (s) => {
          s.record({
            created: 0,
            updated: plan.length > 0 ? 1 : 0,
            unchanged: plan.length > 0 ? 0 : 1,
            conflicts: 0,
            entries: plan.map((push) => ({ action: 'push', direction: 'outbound', externalId: mapping?.externalId ?? null, ticketId, field: push.field })),
          });
          return [];
        });
        continue;
      }
      await uow.run(async (em) => {
        const ticket = await em.findOne(Ticket, { id: ticketId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
        const mapping = await em.find(SyncMapping, { ticketId, projectId: project.id, status: 'linked' }, { lockMode: LockMode.PESSIMISTIC_WRITE });
        const requested = ticket ? await planTicketPushes(em, ticket, mapping) : [];
        const locked = await em.findOneOrFail(SyncSession, { id: session.id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
        // Only dry runs keep plan entries; a real run just counts.
        locked.record({ created: 0, updated: requested.length > 0 ? 1 : 0, unchanged: requested.length > 0 ? 0 : 1, conflicts: 0, entries: [] });
        return { result: undefined, events: requested };
      });
    }
  }

  return async (sessionId) => {
    const session = await uow.reader().findOne(SyncSession, { id: sessionId });
    if (!session || session.status !== 'running') return 'done';
    const project = await uow.reader().findOne(ExternalProject, { id: session.projectId });
    if (!project || !project.isSyncing()) {
      await withSession(sessionId, (s) => (s.fail(`project is ${project?.status ?? 'gone'}`, Date.now()), [syncEvent('sync.failed', s)]));
      return 'done';
    }
    if (session.kind === 'backfill') {
      if (await runBackfill(uow, routesThrough(projects), sessionId)) await withSession(sessionId, (s) => (s.complete(Date.now()), [syncEvent('sync.completed', s)]));
      return 'done';
    }
    const { connector, settings } = projects.settingsOf(project);
    try {
      if (allowsPull(project.direction) && connector.capabilities.canFetch) {
        const client = connector.open(settings);
        let cursor = session.cursor ?? (session.kind === 'incremental' || session.kind === 'manual' ? project.cursor : null);
        for (;;) {
          const page = await client.fetchChanges(cursor, AbortSignal.timeout(30_000));
          if (!(await applyPage(session, page.items, page.cursor))) return 'done';
          cursor = page.cursor;
          if (page.done || page.items.length === 0) break;
        }
        if (!session.dryRun) {
          await uow.run(async (em) => {
            const locked = await em.findOneOrFail(ExternalProject, { id: project.id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
            locked.cursor = cursor;
            locked.recordSuccess(Date.now());
            return { result: undefined, events: [] };
          });
        }
      } else if (allowsPull(project.direction)) {
        await withSession(sessionId, (s) => (s.note(`${project.kind.toUpperCase()} cannot be read back; only the outbound side was compared`), []));
      }
      // Imports and catch-ups already plan pushes for whatever they changed; comparing every linked
      // ticket is what a reconcile (or an operator's manual session) is for.
      if (allowsPush(project.direction) && (session.kind === 'reconcile' || session.kind === 'manual')) await pushSide(session, project);
      await withSession(sessionId, (s) => (s.complete(Date.now()), [syncEvent('sync.completed', s)]));
      return 'done';
    } catch (error) {
      if (error instanceof ExternalCallError && error.isTransient()) {
        logger.warn({ sessionId, err: error.message }, 'sync session paused by a transient failure; resuming later');
        return { retryInMs: Math.max(error.retryAfterMs ?? 0, 2_000) };
      }
      const message = error instanceof Error ? error.message : String(error);
      await withSession(sessionId, (s) => (s.fail(message, Date.now()), [syncEvent('sync.failed', s)]));
      if (error instanceof ExternalCallError && error.kind === 'unauthorized') {
        await uow.run(async (em) => {
          const locked = await em.findOneOrFail(ExternalProject, { id: project.id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
          locked.disconnect(`credentials refused: ${message}`, Date.now());
          return { result: undefined, events: [] };
        });
      }
      return 'done';
    }
  };
}
