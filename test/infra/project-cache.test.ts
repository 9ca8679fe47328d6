// The project cache the hot paths read through: a change committed in this process shows at once
// (also one made while a read was in flight), a change made by another process (raw SQL here)
// shows once the entry expires, and a project that does not exist is never remembered as absent.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ExternalProject } from '#domain/project/external-project.ts';
import { createLogger } from '#infra/logger.ts';
import { openDatabase, type Orm } from '#infra/persistence/orm.ts';
import { createProjectCache, type ProjectCache } from '#infra/services/project-cache.ts';
import { query } from '#test/support/databases.ts';
import { sampleProject } from '#test/support/sample-project.ts';
import { createTestEnvironment, type TestEnvironment } from '#test/support/lockstep.ts';

const TTL_MS = 300;
let env: TestEnvironment;
let orm: Orm;
let cache: ProjectCache;

beforeAll(async () => {
  env = createTestEnvironment({ natsUrl: inject('natsUrl') });
  orm = await openDatabase(env.databaseUrl, createLogger('silent'));
  cache = createProjectCache(orm, TTL_MS);
});

afterAll(async () => {
  await orm.close();
  await env.cleanup();
});

async function stored(name: string): Promise<string> {
  const id = randomUUID();
  const project = sampleProject({ id, name });
  await orm.em.fork().persist(project).flush();
  return id;
}

describe('project cache', () => {
  it('shows a change committed in this process at once', async () => {
    const id = await stored('Ops');
    expect((await cache.get(id))?.isSyncing()).toBe(true);
    await orm.em.fork().transactional(async (em) => {
      const project = await em.findOneOrFail(ExternalProject, { id });
      project.pause(Date.now());
      await em.flush();
      // Read while the pause is flushed but not committed: the old state may be seen now...
      expect((await cache.get(id))?.isSyncing()).toBe(true);
    });
    // ...but not once it committed.
    expect((await cache.get(id))?.isSyncing()).toBe(false);
  });

  it('serves a repeated read from memory and sees another process’s change once the entry expires', async () => {
    const id = await stored('Ops');
    const first = await cache.get(id);
    await query(env.databaseUrl, 'update external_projects set name = $1 where id = $2', ['Renamed', id]);
    expect(await cache.get(id)).toBe(first);
    await new Promise((resolve) => setTimeout(resolve, TTL_MS + 50));
    expect((await cache.get(id))?.name).toBe('Renamed');
  });

  it('does not remember a project as absent', async () => {
    const id = randomUUID();
    expect(await cache.get(id)).toBeNull();
    await orm.em.fork().persist(
      sampleProject({ id, name: 'Late' }),
    ).flush();
    expect((await cache.get(id))?.name).toBe('Late');
  });
});
