// Starting and reading sync sessions. A session is recorded first (with `sync.started` and a
// `session.requested` message in the same transaction) and run by whichever Lockstep process
// takes the message. At most one runs per project (and one dry run): a second start of the same
// kind returns the running one, of another kind is refused until it ends.
import { LockMode } from '@mikro-orm/core';
import { ExternalProject } from '#domain/project/external-project.ts';
import { SyncSession, type SyncSessionKind, type SyncSessionStatus } from '#domain/project/sync-session.ts';
import { allowsPush } from '#domain/sync/policy.ts';
import { BadInputError, NotFoundError } from './errors.ts';
import type { UnitOfWork } from '#infra/persistence/unit-of-work.ts';
import type { SessionRequested } from '#infra/sync/engine-events.ts';
import { routesThrough, ruledProjects } from '#infra/sync/rule-linker.ts';
import { isHubId, newHubId } from './ids.ts';
import { keyset, type KeysetPage } from './keyset.ts';
import type { ProjectService } from './projects.ts';

/** The session use cases. */
export interface SessionService {
  start(projectId: string, kind: SyncSessionKind, dryRun: boolean, trigger?: string): Promise<SyncSession>;
  get(id: string): Promise<SyncSession | null>;
  /** A project's sessions, newest first, optionally of one kind and/or status. */
  listFor(projectId: string, filter: { kind?: SyncSessionKind; status?: SyncSessionStatus }, page: KeysetPage): Promise<SyncSession[]>;
}

/** Records a new running session and the messages that start it, inside the caller's transaction. */
export function newSession(projectId: string, kind: SyncSessionKind, dryRun: boolean, trigger: string) {
  const session = SyncSession.start({ id: newHubId(), projectId, kind, dryRun, trigger, cursor: null, nowMs: Date.now() });
  const requested: SessionRequested = { type: 'session.requested', projectId, sessionId: session.id };
  const started = { type: 'sync.started' as const, projectId, sessionId: session.id, at: session.startedAt.toISOString() };
  return { session, events: [started, requested] };
}

/** Session service over `uow`. */
export function createSessionService(uow: UnitOfWork, projects: ProjectService): SessionService {
  /** A backfill needs rules to apply (its own or routed to it) and a project that takes pushes. */
  async function requireBackfill(project: ExternalProject): Promise<void> {
    const ruled = await ruledProjects(uow.reader(), routesThrough(projects));
    if (!ruled.some((candidate) => candidate.project.id === project.id)) {
      throw new BadInputError(`projectId: project ${project.name} has no linkRules; a BACKFILL links what they match`);
    }
    if (!allowsPush(project.direction)) {
      throw new BadInputError(`projectId: project ${project.name} does not accept pushes (direction ${project.direction.toUpperCase()})`);
    }
  }

  return {
    async start(projectId, kind, dryRun, trigger = 'api') {
      const project = await projects.require(projectId);
      if (!project.isSyncing()) throw new BadInputError(`projectId: project ${project.name} is ${project.status.toUpperCase()}; resume it first`);
      if (kind === 'backfill') await requireBackfill(project);
      return uow.run(async (em) => {
        // Starts of one project queue on its row, so two at once never both find none running.
        await em.findOne(ExternalProject, { id: projectId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
        const running = await em.findOne(SyncSession, { projectId, dryRun, status: 'running' });
        if (running?.kind === kind) return { result: running, events: [] };
        if (running) throw new BadInputError(`projectId: a ${running.kind.toUpperCase()} sync (session ${running.id}) is running for this project; start another when it ends`);
        const { session, events } = newSession(projectId, kind, dryRun, trigger);
        em.persist(session);
        return { result: session, events };
      });
    },
    get: async (id) => (isHubId(id) ? uow.reader().findOne(SyncSession, { id }) : null),
    async listFor(projectId, filter, page) {
      if (!isHubId(projectId)) throw new NotFoundError(`No external project with id "${projectId}"`);
      const where: object[] = [{ projectId }];
      if (filter.kind !== undefined) where.push({ kind: filter.kind });
      if (filter.status !== undefined) where.push({ status: filter.status });
      const { where: position, orderBy, limit } = keyset('startedAt', page);
      return uow.reader().find(SyncSession, { $and: [...where, ...position] }, { orderBy, limit });
    },
  };
}
