// The push planner and a ticket with no live link: without sync rules there is nothing to plan, so
// the planner neither waits for nor takes the ticket's row lock (a burst of edits to an unlinked
// ticket keeps its row to itself). A linked ticket is still planned under that lock.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { SyncMapping } from '#domain/sync/mapping.ts';
import type { Caller } from '#infra/auth/tokens.ts';
import { createLogger } from '#infra/logger.ts';
import { openDatabase, type Orm } from '#infra/persistence/orm.ts';
import { PushJob } from '#infra/persistence/sync-records.ts';
import { createUnitOfWork, type UnitOfWork } from '#infra/persistence/unit-of-work.ts';
import { createTicketService, type TicketService } from '#infra/services/tickets.ts';
import { createPushPlanner } from '#infra/sync/push-planner.ts';
import { createTestEnvironment, type TestEnvironment } from '#test/support/lockstep.ts';
import { holdTicketLock } from '#test/support/row-lock.ts';
import { sampleProject } from '#test/support/sample-project.ts';

let env: TestEnvironment;
let orm: Orm;
let uow: UnitOfWork;
let tickets: TicketService;
const caller: Caller = { tokenId: 't', name: 'tester', role: 'editor' };

beforeAll(async () => {
  env = createTestEnvironment({ natsUrl: inject('natsUrl') });
  orm = await openDatabase(env.databaseUrl, createLogger('silent'));
  uow = createUnitOfWork(orm, 'planner', () => undefined);
  tickets = createTicketService(uow, 'hub:planner');
});

afterAll(async () => {
  await orm.close();
  await env.cleanup();
});

/** How `promise` settles within `ms`: 'settled', or 'waiting' when it has not. */
async function within(promise: Promise<unknown>, ms: number): Promise<'settled' | 'waiting'> {
  let timer: NodeJS.Timeout | undefined;
  const waited = new Promise<'waiting'>((resolve) => (timer = setTimeout(() => resolve('waiting'), ms)));
  try {
    return await Promise.race([promise.then(() => 'settled' as const), waited]);
  } finally {
    clearTimeout(timer);
  }
}

describe('planning pushes without sync rules', () => {
  const plan = () => createPushPlanner(uow, () => [], { hasRules: async () => false });

  it('reads nothing under the row lock, so an edit holding it does not hold the planner up', async () => {
    const ticket = await tickets.create({ title: 'Unlinked' }, caller);
    const lock = await holdTicketLock(env.databaseUrl, ticket.id);
    try {
      const planned = plan()(ticket.id, { kind: 'updated', changes: [] });
      expect(await within(planned, 2_000)).toBe('settled');
    } finally {
      await lock.release();
    }
  });

  it('still waits for the lock of a linked ticket, then plans its push', async () => {
    const ticket = await tickets.create({ title: 'Linked' }, caller);
    const project = sampleProject({ id: randomUUID(), mappedFields: ['title'] });
    const em = orm.em.fork();
    em.persist([project, SyncMapping.link({ id: randomUUID(), ticket, projectId: project.id, externalId: 'EXT-1', fields: ['title'], nowMs: Date.now() })]);
    await em.flush();
    await tickets.update(ticket.id, { title: 'Linked, then edited' }, undefined, caller);
    const lock = await holdTicketLock(env.databaseUrl, ticket.id);
    let planned: Promise<void> | undefined;
    try {
      planned = plan()(ticket.id, { kind: 'updated', changes: [] });
      expect(await within(planned, 500)).toBe('waiting');
    } finally {
      await lock.release();
    }
    await planned;
    const jobs = await orm.em.fork().find(PushJob, { ticketId: ticket.id });
    expect(jobs.map((job) => job.fields.map((push) => push.field))).toEqual([['title']]);
  });
});
