// Recently read projects for the hot paths that only read one (the webhook door, the inbound and
// push workers' checks), so a change does not look its project up again at every step. A change to
// a project committed in this process drops its entry at once; an entry lives at most `ttlMs`,
// which bounds how long a change made by another Lockstep process goes unseen here.
import type { MikroORM } from '@mikro-orm/postgresql';
import { ExternalProject } from '#domain/project/external-project.ts';

/** How long a cached project is trusted without reading it again. */
export const projectCacheTtlMs = 1_000;

/** Read-only copies of projects; never change (or flush) what `get` returns. */
export interface ProjectCache {
  /** The project as committed at most `projectCacheTtlMs` ago (this process's own changes at once). */
  get(id: string): Promise<ExternalProject | null>;
  forget(id: string): void;
}

/** A cache over `orm`, dropping entries when this process flushes or commits a change to a project. */
export function createProjectCache(orm: MikroORM, ttlMs = projectCacheTtlMs): ProjectCache {
  const entries = new Map<string, { readonly until: number; readonly project: Promise<ExternalProject | null> }>();
  /** Projects changed by a flush whose transaction may not have committed yet: dropped again at commit. */
  const changed = new Set<string>();
  const forget = (id: string) => void entries.delete(id);

  orm.em.getEventManager().registerSubscriber({
    getSubscribedEntities: () => [ExternalProject],
    afterCreate: ({ entity }) => void changed.add((entity as ExternalProject).id),
    afterUpdate: ({ entity }) => {
      const { id } = entity as ExternalProject;
      changed.add(id);
      forget(id);
    },
    afterDelete: ({ entity }) => {
      const { id } = entity as ExternalProject;
      changed.add(id);
      forget(id);
    },
    afterTransactionCommit: () => {
      for (const id of changed) forget(id);
      changed.clear();
    },
    afterTransactionRollback: () => {
      for (const id of changed) forget(id);
      changed.clear();
    },
  });

  return {
    get(id) {
      const now = Date.now();
      const cached = entries.get(id);
      if (cached && cached.until > now) return cached.project;
      const project = orm.em.fork().findOne(ExternalProject, { id });
      entries.set(id, { until: now + ttlMs, project });
      // Absent projects and failed reads are not remembered.
      project.then(
        (found) => {
          if (!found && entries.get(id)?.project === project) forget(id);
        },
        () => {
          if (entries.get(id)?.project === project) forget(id);
        },
      );
      return project;
    },
    forget,
  };
}
