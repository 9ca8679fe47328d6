// Starting and reading sync sessions. A session is recorded first (with `sync.started` and a
// `session.requested` message in the same transaction) and run by whichever Lockstep process
// takes the message; a second start while one of the same kind runs returns the running one.
import { SyncSession, type SyncSessionKind } from '#domain/project/sync-session.ts';
import { BadInputError, NotFoundError } from './errors.ts';
import type { UnitOfWork } from '#infra/persistence/unit-of-work.ts';
import type { SessionRequested } from '#infra/sync/engine-events.ts';
import { isHubId, newHubId } from './ids.ts';
import type { ProjectService } from './projects.ts';

/** The session use cases. */
export interface SessionService {
  start(projectId: string, kind: SyncSessionKind, dryRun: boolean, trigger?: string): Promise<SyncSession>;
  get(id: string): Promise<SyncSession | null>;
  listFor(projectId: string, limit: number): Promise<SyncSession[]>;
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
  return {
    async start(projectId, kind, dryRun, trigger = 'api') {
      const project = await projects.require(projectId);
      if (!project.isSyncing()) throw new BadInputError(`projectId: project ${project.name} is ${project.status.toUpperCase()}; resume it first`);
      return uow.run(async (em) => {
        const running = await em.findOne(SyncSession, { projectId, kind, dryRun, status: 'running' });
        if (running) return { result: running, events: [] };
        const { session, events } = newSession(projectId, kind, dryRun, trigger);
        em.persist(session);
        return { result: session, events };
      });
    },
    get: async (id) => (isHubId(id) ? uow.reader().findOne(SyncSession, { id }) : null),
    async listFor(projectId, limit) {
      if (!isHubId(projectId)) throw new NotFoundError(`No external project with id "${projectId}"`);
      return uow.reader().find(SyncSession, { projectId }, { orderBy: { startedAt: 'desc' }, limit });
    },
  };
}
