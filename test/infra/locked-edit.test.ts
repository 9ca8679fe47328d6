// A ticket edited through UnitOfWork.editLocked (two round trips: the locked read, then the write
// and commit) is stored exactly as a MikroORM flush of the same edit stores it; edits of one ticket
// sent at once queue on its row lock, each applied on the one before and each with its event in
// the outbox (none lost, none doubled); a stale edit's conflict commits with it; and an edit that
// fails, in the domain or in a statement, leaves no trace and releases the lock. Edits of one row
// that queue behind an edit in flight go together in one transaction, each answered with its own
// state, and one that fails (refused, or its own statement) fails alone. Edits of different rows
// sent at once share one transaction too, and one that fails there fails alone as well.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { SyncMapping } from '#domain/sync/mapping.ts';
import { Ticket } from '#domain/ticket/ticket.ts';
import type { Caller } from '#infra/auth/tokens.ts';
import { createLogger } from '#infra/logger.ts';
import { openDatabase, type Orm } from '#infra/persistence/orm.ts';
import { createUnitOfWork, type Committed, type UnitOfWork } from '#infra/persistence/unit-of-work.ts';
import { createTicketService, type TicketService } from '#infra/services/tickets.ts';
import { createTestEnvironment, type TestEnvironment } from '#test/support/lockstep.ts';
import { holdTicketLock } from '#test/support/row-lock.ts';
import { eventually } from '#test/support/eventually.ts';
import { sampleProject } from '#test/support/sample-project.ts';

let env: TestEnvironment;
let orm: Orm;
let uow: UnitOfWork;
let tickets: TicketService;
const committed: Array<Committed<unknown>['events']> = [];
const caller: Caller = { tokenId: 't', name: 'tester', role: 'editor' };

beforeAll(async () => {
  env = createTestEnvironment({ natsUrl: inject('natsUrl') });
  orm = await openDatabase(env.databaseUrl, createLogger('silent'));
  uow = createUnitOfWork(orm, 'locked', (events) => committed.push(events));
  tickets = createTicketService(uow, 'hub:locked');
});

afterAll(async () => {
  await orm.close();
  await env.cleanup();
});

async function outboxOf(ticketId: string): Promise<Array<{ type: string; version: unknown }>> {
  const rows = await orm.em.getConnection().execute<Array<{ type: string; payload: Record<string, unknown> }>>(
    `select type, payload from outbox where payload->>'ticketId' = ? order by seq`,
    [ticketId],
  );
  return rows.map(({ type, payload }) => ({ type, version: payload['version'] }));
}

const reload = (id: string) => orm.em.fork().findOneOrFail(Ticket, { id });

describe('an edit under the row lock in two round trips', () => {
  it('stores exactly what a MikroORM flush of the same edit stores', async () => {
    const nowMs = Date.UTC(2026, 10, 2, 8, 30, 0, 456);
    const make = (id: string) =>
      Ticket.create({ title: 'Before', labels: ['a'], customFields: { team: 'ops' } }, { replica: 'hub', actor: 'tester', nowMs, newId: () => id });
    const [viaFlush, viaLock] = [randomUUID(), randomUUID()];
    for (const id of [viaFlush, viaLock]) await uow.insertWithEvents(Ticket, make(id).ticket, make(id).events);
    const patch = { title: "It's \"quoted\" \\ and ünïcode", labels: ['b c', '{x}'], customFields: { nested: { list: [1, null, 'two'] } }, assignee: null };
    const edit = { replica: 'hub', actor: 'tester', nowMs: nowMs + 1_000, newId: randomUUID };
    const em = orm.em.fork();
    (await em.findOneOrFail(Ticket, { id: viaFlush })).edit(patch, edit);
    await em.flush();
    await uow.editLocked(Ticket, viaLock, (ticket) => ({ result: undefined, events: ticket ? ticket.edit(patch, edit).events : [] }));
    const [flushed, locked] = [await reload(viaFlush), await reload(viaLock)];
    expect({ ...locked, id: viaFlush }).toStrictEqual({ ...flushed });
    expect(locked.title).toBe(patch.title);
  });

  it('applies edits sent at once one after another, each with its own event', async () => {
    const created = await tickets.create({ title: 'Contended' }, caller);
    const titles = Array.from({ length: 12 }, (_, index) => `Edit ${index}`);
    const answers = await Promise.all(titles.map((title) => tickets.update(created.id, { title }, undefined, caller)));
    const versions = answers.map(({ ticket }) => ticket.version);
    expect(new Set(versions).size).toBe(titles.length);
    const events = (await outboxOf(created.id)).filter((event) => event.type === 'ticket.updated');
    expect(events).toHaveLength(titles.length);
    expect(new Set(events.map((event) => event.version))).toEqual(new Set(versions));
    // The last edit to take the lock is what the row holds now.
    const last = answers.find(({ ticket }) => ticket.version === events.at(-1)?.version);
    expect((await reload(created.id)).title).toBe(last?.ticket.title);
  });

  it('commits a stale edit’s conflict with the ticket and the event', async () => {
    const created = await tickets.create({ title: 'Original' }, caller);
    await tickets.update(created.id, { title: 'First writer' }, undefined, caller);
    const stale = await tickets.update(created.id, { title: 'Second writer' }, created.version, caller);
    expect(stale.conflicts).toHaveLength(1);
    const stored = await orm.em.getConnection().execute<Array<{ id: string; field: string }>>('select id, field from conflicts where ticket_id = ?', [created.id]);
    expect(stored).toEqual([{ id: stale.conflicts[0]?.id, field: 'title' }]);
    expect((await outboxOf(created.id)).map((event) => event.type)).toContain('conflict.detected');
    expect((await reload(created.id)).title).toBe('First writer');
  });

  it('changes nothing and writes no event when the domain refuses, and the lock is free again', async () => {
    const created = await tickets.create({ title: 'Kept' }, caller);
    const before = committed.length;
    await expect(tickets.update(created.id, { title: '' }, undefined, caller)).rejects.toThrow(/must not be empty/);
    expect(committed).toHaveLength(before);
    expect((await reload(created.id)).title).toBe('Kept');
    const next = await tickets.update(created.id, { title: 'Edited after' }, undefined, caller);
    expect(next.ticket.title).toBe('Edited after');
  });

  it('writes nothing of an edit that changed the row and then refused', async () => {
    const created = await tickets.create({ title: 'Kept as is' }, caller);
    const events = (await outboxOf(created.id)).length;
    await expect(
      uow.editLocked(Ticket, created.id, (ticket) => {
        ticket?.edit({ title: 'Changed, then refused' }, { replica: 'hub', actor: 'tester', nowMs: Date.now(), newId: randomUUID });
        throw new Error('refused after changing the ticket');
      }),
    ).rejects.toThrow(/refused after changing/);
    expect((await reload(created.id)).title).toBe('Kept as is');
    expect(await outboxOf(created.id)).toHaveLength(events);
  });

  it('keeps neither the change nor its events when a statement of the write fails', async () => {
    const created = await tickets.create({ title: 'Untouched' }, caller);
    const events = (await outboxOf(created.id)).length;
    const before = committed.length;
    // A second ticket with the id of an existing one: the insert fails after the update ran.
    const twin = Ticket.create({ title: 'Twin' }, { replica: 'hub', actor: 'tester', nowMs: Date.now(), newId: () => created.id }).ticket;
    await expect(
      uow.editLocked(Ticket, created.id, (ticket) => {
        const edited = ticket?.edit({ title: 'Rolled back' }, { replica: 'hub', actor: 'tester', nowMs: Date.now(), newId: randomUUID });
        return { result: undefined, events: edited?.events ?? [], added: [twin] };
      }),
    ).rejects.toThrow(/duplicate key/);
    expect((await reload(created.id)).title).toBe('Untouched');
    expect(await outboxOf(created.id)).toHaveLength(events);
    expect(committed).toHaveLength(before);
    await tickets.update(created.id, { title: 'Lock released' }, undefined, caller);
    expect((await reload(created.id)).title).toBe('Lock released');
  });

  it('says in its event that an edit of a ticket without a live link leaves the planner nothing to plan', async () => {
    const unlinked = await tickets.create({ title: 'Hub only' }, caller);
    const linked = await tickets.create({ title: 'Linked' }, caller);
    const project = sampleProject({ id: randomUUID(), mappedFields: ['title'] });
    const em = orm.em.fork();
    em.persist([project, SyncMapping.link({ id: randomUUID(), ticket: linked, projectId: project.id, externalId: 'EXT-7', fields: ['title'], nowMs: Date.now() })]);
    await em.flush();
    for (const ticket of [unlinked, linked]) await tickets.update(ticket.id, { title: `${ticket.title}, edited` }, undefined, caller);
    const linksPlanned = async (ticketId: string) =>
      orm.em.getConnection().execute<Array<{ planned: boolean | null }>>(
        `select (payload->>'linksPlanned')::boolean as planned from outbox where type = 'ticket.updated' and payload->>'ticketId' = ?`,
        [ticketId],
      );
    expect(await linksPlanned(unlinked.id)).toEqual([{ planned: true }]);
    expect(await linksPlanned(linked.id)).toEqual([{ planned: null }]);
  });

  it('tells an unknown ticket from any other failure', async () => {
    await expect(tickets.update(randomUUID(), { title: 'x' }, undefined, caller)).rejects.toThrow(/No ticket with id/);
    await expect(tickets.update('not-an-id', { title: 'x' }, undefined, caller)).rejects.toThrow(/No ticket with id/);
  });
});

describe('edits of one row that queue behind an edit in flight', () => {
  /** Sends `edits` at once while another transaction holds the row, then lets them through. */
  async function queued<T>(ticketId: string, edits: ReadonlyArray<() => Promise<T>>): Promise<Array<PromiseSettledResult<T>>> {
    const lock = await holdTicketLock(env.databaseUrl, ticketId);
    const settled = Promise.allSettled(edits.map((edit) => edit()));
    await new Promise((resolve) => setTimeout(resolve, 100));
    await lock.release();
    return settled;
  }

  it('go in one transaction, each answered with the state it left and each with its event', async () => {
    const created = await tickets.create({ title: 'Hot' }, caller);
    const commits = committed.length;
    const titles = Array.from({ length: 12 }, (_, index) => `Burst ${index}`);
    const results = await queued(created.id, titles.map((title) => () => tickets.update(created.id, { title }, undefined, caller)));
    const answers = results.map((result) => (result.status === 'fulfilled' ? result.value : undefined));
    // The first edit waited on the lock alone; the other eleven went together once it committed.
    expect(committed.length - commits).toBe(2);
    expect(answers.map((answer) => answer?.ticket.title)).toEqual(titles);
    const events = (await outboxOf(created.id)).filter((event) => event.type === 'ticket.updated');
    expect(events.map((event) => event.version)).toEqual(answers.map((answer) => answer?.ticket.version));
    expect((await reload(created.id)).title).toBe('Burst 11');
  });

  it('refuse one edit alone and keep the others', async () => {
    const created = await tickets.create({ title: 'Hot' }, caller);
    const results = await queued(created.id, ['First', '', 'Third'].map((title) => () => tickets.update(created.id, { title }, undefined, caller)));
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(String((results[1] as PromiseRejectedResult).reason)).toMatch(/must not be empty/);
    expect((await reload(created.id)).title).toBe('Third');
    const events = (await outboxOf(created.id)).filter((event) => event.type === 'ticket.updated');
    expect(events).toHaveLength(2);
  });

  it('fail only the edit whose own statement fails, and commit the others after it', async () => {
    const created = await tickets.create({ title: 'Hot' }, caller);
    const other = await tickets.create({ title: 'Other' }, caller);
    const twin = Ticket.create({ title: 'Twin' }, { replica: 'hub', actor: 'tester', nowMs: Date.now(), newId: () => other.id }).ticket;
    const edit = (title: string, added: object[] = []) => () =>
      uow.editLocked(Ticket, created.id, (ticket) => {
        const edited = ticket?.edit({ title }, { replica: 'hub', actor: 'tester', nowMs: Date.now(), newId: randomUUID });
        return { result: ticket?.title, events: edited?.events ?? [], added };
      });
    const results = await queued(created.id, [edit('Alone'), edit('Kept'), edit('Duplicate', [twin]), edit('Last')]);
    expect(results.map((result) => (result.status === 'fulfilled' ? result.value : 'failed'))).toEqual(['Alone', 'Kept', 'failed', 'Last']);
    expect(String((results[2] as PromiseRejectedResult).reason)).toMatch(/duplicate key/);
    expect((await reload(created.id)).title).toBe('Last');
    expect((await outboxOf(created.id)).filter((event) => event.type === 'ticket.updated')).toHaveLength(3);
  });
});

describe('edits of different rows sent at once', () => {
  it('share one transaction, each row with its own write and each edit with its own event', async () => {
    const created = await Promise.all(['A', 'B', 'C'].map((title) => tickets.create({ title }, caller)));
    const commits = committed.length;
    const answers = await Promise.all(created.map((ticket) => tickets.update(ticket.id, { title: `${ticket.title}, grouped` }, undefined, caller)));
    expect(committed.length - commits).toBe(1);
    expect(committed.at(-1)?.filter((event) => event.type === 'ticket.updated')).toHaveLength(3);
    for (const [index, ticket] of created.entries()) {
      expect(answers[index]?.ticket.title).toBe(`${ticket.title}, grouped`);
      expect((await reload(ticket.id)).title).toBe(`${ticket.title}, grouped`);
    }
  });

  it('fail only the edit whose own statement fails', async () => {
    const [first, second, third] = await Promise.all(['A', 'B', 'C'].map((title) => tickets.create({ title }, caller)));
    if (!first || !second || !third) throw new Error('three tickets expected');
    const twin = Ticket.create({ title: 'Twin' }, { replica: 'hub', actor: 'tester', nowMs: Date.now(), newId: () => third.id }).ticket;
    const edit = (id: string, title: string, added: object[] = []) =>
      uow.editLocked(Ticket, id, (ticket) => {
        const edited = ticket?.edit({ title }, { replica: 'hub', actor: 'tester', nowMs: Date.now(), newId: randomUUID });
        return { result: ticket?.title, events: edited?.events ?? [], added };
      });
    const results = await Promise.allSettled([edit(first.id, 'First kept'), edit(second.id, 'Second failed', [twin]), edit(third.id, 'Third kept')]);
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(String((results[1] as PromiseRejectedResult).reason)).toMatch(/duplicate key/);
    expect([(await reload(first.id)).title, (await reload(second.id)).title, (await reload(third.id)).title]).toEqual(['First kept', 'B', 'Third kept']);
  });

  it('go on without a row that another transaction holds, which waits alone', async () => {
    const [free, alsoFree] = await Promise.all(['Free', 'Also free'].map((title) => tickets.create({ title }, caller)));
    if (!free || !alsoFree) throw new Error('two tickets expected');
    // Its id sorts first, so the rows are locked after it in the shared transaction.
    const first = `00000000-0000-4000-8000-${randomUUID().slice(-12)}`;
    const { ticket: held, events } = Ticket.create({ title: 'Held' }, { replica: 'hub', actor: 'tester', nowMs: Date.now(), newId: () => first });
    await uow.insertWithEvents(Ticket, held, events);
    const lock = await holdTicketLock(env.databaseUrl, held.id);
    let heldAnswered = false;
    const heldEdit = tickets.update(held.id, { title: 'Held, then edited' }, undefined, caller).then((answer) => {
      heldAnswered = true;
      return answer;
    });
    try {
      const freeEdits = await Promise.all([free, alsoFree].map((ticket) => tickets.update(ticket.id, { title: `${ticket.title}, edited` }, undefined, caller)));
      expect(freeEdits.map((answer) => answer.ticket.title)).toEqual(['Free, edited', 'Also free, edited']);
      expect(heldAnswered).toBe(false);
    } finally {
      await lock.release();
    }
    expect((await heldEdit).ticket.title).toBe('Held, then edited');
  });

  it('fail, and are not run again, when the connection is lost: the commit may have happened', async () => {
    const [free] = await Promise.all(['Free'].map((title) => tickets.create({ title }, caller)));
    const held = await tickets.create({ title: 'Held' }, caller);
    if (!free) throw new Error('a ticket expected');
    const lock = await holdTicketLock(env.databaseUrl, held.id);
    try {
      const edits = Promise.allSettled([held, free].map((ticket) => tickets.update(ticket.id, { title: `${ticket.title}, edited` }, undefined, caller)));
      // The shared transaction waits for the held row; its session ends under it.
      const admin = orm.em.getConnection();
      const waiting = await eventually(
        () => admin.execute<Array<{ pid: number }>>(`select pid from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock' and query like '%for update%'`),
        (rows) => rows.length === 1,
      );
      await admin.execute('select pg_terminate_backend(?)', [waiting[0]?.pid]);
      const results = await edits;
      expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected']);
    } finally {
      await lock.release();
    }
    expect([(await reload(held.id)).title, (await reload(free.id)).title]).toEqual(['Held', 'Free']);
  });
});
