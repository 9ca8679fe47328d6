// Writes of a unit of work wait and go out together: an edit, its audit entries and its events
// reach PostgreSQL as one statement before the commit, all stored as sent (audit keys generated);
// a read in the middle sees every write made before it; a row inserted by one flush and changed
// by the next keeps both; a write refused at the end (a duplicate key) fails the unit of work and
// leaves nothing of it, writes sent earlier in the chain included.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Ticket } from '#domain/ticket/ticket.ts';
import { createLogger } from '#infra/logger.ts';
import { chainedStatement, insertLater } from '#infra/persistence/deferred-writes.ts';
import { openDatabase, type Orm } from '#infra/persistence/orm.ts';
import { AuditEntry } from '#infra/persistence/sync-records.ts';
import { createUnitOfWork, type UnitOfWork } from '#infra/persistence/unit-of-work.ts';
import { query } from '#test/support/databases.ts';
import { createTestEnvironment, type TestEnvironment } from '#test/support/lockstep.ts';

let env: TestEnvironment;
let orm: Orm;
let uow: UnitOfWork;
/** Every statement that reached PostgreSQL through the ORM's connection, in order. */
const sent: string[] = [];

beforeAll(async () => {
  env = createTestEnvironment({ natsUrl: inject('natsUrl') });
  orm = await openDatabase(env.databaseUrl, createLogger('silent'));
  const connection = orm.em.getConnection() as unknown as { execute: (query: unknown, ...rest: unknown[]) => Promise<unknown> };
  const execute = connection.execute.bind(connection);
  connection.execute = (statement, ...rest) => {
    sent.push(String(statement));
    return execute(statement, ...rest);
  };
  uow = createUnitOfWork(orm, 'deferred', () => {});
});

afterAll(async () => {
  await orm.close();
  await env.cleanup();
});

const ctx = (ids: string[] = []) => ({ replica: 'hub', actor: 'tester', nowMs: Date.now(), newId: () => ids.shift() ?? randomUUID() });

async function storedTicket(title: string): Promise<string> {
  const { ticket, events } = Ticket.create({ title }, ctx());
  await uow.insertWithEvents(Ticket, ticket, events);
  return ticket.id;
}

const audit = (ticketId: string, field: string) =>
  Object.assign(new AuditEntry(), { ticketId, projectId: null, field, fromValue: 'a', toValue: { b: ["it's"] }, origin: 'hub', actor: null, deliveryId: null, at: new Date() });

describe('deferred writes', () => {
  it('chains writes as CTEs in front of the last', () => {
    expect(chainedStatement(['insert into a values (1)'])).toBe('insert into a values (1)');
    expect(chainedStatement(['insert into a values (1)', 'update b set x = 1'], 'insert into c values (2) returning id')).toBe(
      'with w1 as (insert into a values (1)), w2 as (update b set x = 1) insert into c values (2) returning id',
    );
  });

  it('sends an edit, its audit entries and its events as one statement before the commit', async () => {
    const id = await storedTicket('Before');
    const from = sent.length;
    await uow.run(async (em) => {
      const ticket = await em.findOneOrFail(Ticket, { id });
      const { events } = ticket.edit({ title: 'After' }, ctx());
      await insertLater(em, AuditEntry, [audit(id, 'title'), audit(id, 'status')]);
      return { result: undefined, events };
    });
    const statements = sent.slice(from);
    expect(statements.filter((statement) => /^\s*(with|insert|update)/i.test(statement))).toHaveLength(1);
    expect(statements.at(-1)).toMatch(/^with w1 as \(.*"tickets".*insert into "audit_entries"/s);
    const [ticket] = await query<{ title: string }>(env.databaseUrl, 'select title from tickets where id = $1', [id]);
    expect(ticket?.title).toBe('After');
    const entries = await query<{ id: string; field: string; to_value: unknown }>(env.databaseUrl, 'select id, field, to_value from audit_entries where ticket_id = $1 order by id', [id]);
    expect(entries.map((entry) => [entry.field, entry.to_value])).toEqual([['title', { b: ["it's"] }], ['status', { b: ["it's"] }]]);
    expect(entries.every((entry) => Number(entry.id) > 0)).toBe(true);
    expect(await query(env.databaseUrl, `select 1 from outbox where payload->>'ticketId' = $1 and type = 'ticket.updated'`, [id])).toHaveLength(1);
  });

  it('lets a read in the middle see the writes made before it', async () => {
    const id = await storedTicket('Seen');
    const seen = await uow.run(async (em) => {
      await insertLater(em, AuditEntry, [audit(id, 'title')]);
      const rows = await em.getConnection().execute<Array<{ count: string }>>('select count(*) as count from audit_entries where ticket_id = ?', [id], 'all', em.getTransactionContext());
      return { result: Number(rows[0]?.count), events: [] };
    });
    expect(seen).toBe(1);
  });

  it('keeps both writes of a row written by two flushes with no read between', async () => {
    const { ticket: added, events } = Ticket.create({ title: 'Added' }, ctx());
    await uow.run(async (em) => {
      em.persist(added);
      await em.flush();
      const edited = added.edit({ title: 'Edited after its insert' }, ctx());
      return { result: undefined, events: [...events, ...edited.events] };
    });
    expect(await query(env.databaseUrl, 'select title from tickets where id = $1', [added.id])).toEqual([{ title: 'Edited after its insert' }]);
  });

  it('leaves nothing of a unit of work whose last write is refused', async () => {
    const id = await storedTicket('Kept');
    const twin = await storedTicket('Twin');
    await expect(
      uow.run(async (em) => {
        const ticket = await em.findOneOrFail(Ticket, { id });
        const { events } = ticket.edit({ title: 'Lost' }, ctx());
        await insertLater(em, AuditEntry, [audit(id, 'title')]);
        // The same key as a stored ticket: refused when the chain reaches PostgreSQL.
        const { ticket: clash } = Ticket.create({ title: 'Clash' }, ctx([twin]));
        em.persist(clash);
        return { result: undefined, events };
      }),
    ).rejects.toThrow(/duplicate key|unique/i);
    expect(await query<{ title: string }>(env.databaseUrl, 'select title from tickets where id = $1', [id])).toEqual([{ title: 'Kept' }]);
    expect(await query(env.databaseUrl, 'select 1 from audit_entries where ticket_id = $1', [id])).toHaveLength(0);
    expect(await query(env.databaseUrl, `select 1 from outbox where payload->>'ticketId' = $1 and type = 'ticket.updated'`, [id])).toHaveLength(0);
  });
});
