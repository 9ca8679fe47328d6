// BACKFILL sessions: the project's sync rules applied to the tickets that already exist. Tickets
// are walked in id order, a page per transaction that locks the session and then the page's
// tickets (the order every writer of a ticket takes), asks for each wanted ticket's create through
// the same idempotent path as linkTicket, and saves the last id as the session's cursor, so a
// restarted session resumes after the last page. The creates go out through the push worker at
// the project's pace (its concurrency, backoff and Retry-After). A dry run lists the tickets it
// would link as `create` plan entries and writes nothing else.
import { LockMode } from '@mikro-orm/core';
import type { EntityManager, FilterQuery } from '@mikro-orm/postgresql';
import type { DomainEvent } from '#domain/events.ts';
import { ExternalProject } from '#domain/project/external-project.ts';
import { SyncSession, type ItemOutcome } from '#domain/project/sync-session.ts';
import { Ticket } from '#domain/ticket/ticket.ts';
import type { UnitOfWork } from '#infra/persistence/unit-of-work.ts';
import type { EngineEvent } from './engine-events.ts';
import { requestExternalCreate } from './external-create.ts';
import { backfillWants, ruledProjects, type RoutesOf } from './rule-linker.ts';

/** Tickets looked at per transaction. */
export const backfillPageSize = 100;

const skipped: ItemOutcome = { created: 0, updated: 0, unchanged: 1, conflicts: 0, entries: [] };

/** The outcome of linking (or, dry, planning to link) one ticket. */
const linking = (ticketId: string): ItemOutcome => ({
  created: 1,
  updated: 0,
  unchanged: 0,
  conflicts: 0,
  entries: [{ action: 'create', direction: 'outbound', externalId: null, ticketId, field: null }],
});

const event = (type: 'sync.progress' | 'sync.failed', session: SyncSession): DomainEvent => ({
  type,
  projectId: session.projectId,
  sessionId: session.id,
  at: new Date().toISOString(),
});

/** The next page of ticket ids after `cursor`. */
async function nextPage(em: EntityManager, cursor: string | null): Promise<string[]> {
  const leaving: FilterQuery<Ticket> = { privacy: { $ne: 'local_only' } };
  const where: FilterQuery<Ticket> = cursor ? { ...leaving, id: { $gt: cursor } } : leaving;
  const rows = await em.find(Ticket, where, { fields: ['id'], orderBy: { id: 'asc' }, limit: backfillPageSize });
  return rows.map((row) => row.id);
}

/**
 * Runs the backfill of session `sessionId` from its cursor to the end. False when the session
 * stopped running meanwhile (another process finished it), true when every page was done.
 */
export async function runBackfill(uow: UnitOfWork, routesOf: RoutesOf, sessionId: string): Promise<boolean> {
  for (;;) {
    const more = await uow.run(async (em) => {
      const session = await em.findOne(SyncSession, { id: sessionId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      if (!session || session.status !== 'running') return { result: 'stopped' as const, events: [] };
      const project = await em.findOneOrFail(ExternalProject, { id: session.projectId });
      if (!project.isSyncing()) {
        // Paused (or cut off) midway: the session ends; a new BACKFILL picks up what is still unlinked.
        session.fail(`project is ${project.status}`, Date.now());
        return { result: 'stopped' as const, events: [event('sync.failed', session)] };
      }
      const ruled = (await ruledProjects(em, routesOf)).find((candidate) => candidate.project.id === project.id) ?? {
        project,
        rules: [],
      };
      const ids = await nextPage(em, session.cursor);
      if (ids.length === 0) return { result: 'done' as const, events: [] };
      const tickets = session.dryRun
        ? await em.find(Ticket, { id: { $in: ids } }, { orderBy: { id: 'asc' } })
        : await em.find(Ticket, { id: { $in: ids } }, { orderBy: { id: 'asc' }, lockMode: LockMode.PESSIMISTIC_WRITE });
      const events: Array<DomainEvent | EngineEvent> = [];
      for (const ticket of tickets) {
        if (!(await backfillWants(em, ticket, ruled))) {
          session.record(skipped);
          continue;
        }
        if (session.dryRun) {
          session.record(linking(ticket.id));
          continue;
        }
        const create = await requestExternalCreate(em, ticket, project);
        if (create.kind === 'refused') session.recordError(`${ticket.id}: ${create.reason}`);
        else session.record(create.kind === 'requested' ? linking(ticket.id) : skipped);
        if (create.kind === 'requested') events.push(create.message);
      }
      session.advance(ids[ids.length - 1] ?? session.cursor);
      return { result: 'more' as const, events: [...events, event('sync.progress', session)] };
    });
    if (more === 'stopped') return false;
    if (more === 'done') return true;
  }
}
