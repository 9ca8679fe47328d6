// A ticket added with its events as one plain statement (UnitOfWork.insertWithEvents) is stored
// exactly as a flush would store it (read back through MikroORM they are equal, JSON, arrays, nulls
// and timestamps included), its events are in the outbox, a refused row writes no event (one
// statement, all or nothing), and an instance with an unset property is refused.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Ticket } from '#domain/ticket/ticket.ts';
import { createLogger } from '#infra/logger.ts';
import { openDatabase, type Orm } from '#infra/persistence/orm.ts';
import { createUnitOfWork, type Committed, type UnitOfWork } from '#infra/persistence/unit-of-work.ts';
import { createTestEnvironment, type TestEnvironment } from '#test/support/lockstep.ts';

let env: TestEnvironment;
let orm: Orm;
let uow: UnitOfWork;
const committed: Array<Committed<unknown>['events']> = [];

beforeAll(async () => {
  env = createTestEnvironment({ natsUrl: inject('natsUrl') });
  orm = await openDatabase(env.databaseUrl, createLogger('silent'));
  uow = createUnitOfWork(orm, 'plain', (events) => committed.push(events));
});

async function outboxOf(ticketId: string): Promise<Array<{ type: string; subject: string; ticketId: unknown; eventId: unknown; id: string }>> {
  const rows = await orm.em.getConnection().execute<Array<{ id: string; type: string; subject: string; payload: Record<string, unknown> }>>(
    `select id, type, subject, payload from outbox where payload->>'ticketId' = ? order by seq`,
    [ticketId],
  );
  return rows.map((row) => ({ id: row.id, type: row.type, subject: row.subject, ticketId: row.payload['ticketId'], eventId: row.payload['eventId'] }));
}

afterAll(async () => {
  await orm.close();
  await env.cleanup();
});

const created = (ids: string[]) => createdWithEvents(ids).ticket;
const createdWithEvents = (ids: string[]) => {
  const nowMs = Date.UTC(2026, 10, 2, 8, 30, 0, 456);
  return Ticket.create(
    { title: "It's \"quoted\" \\ and ünïcode", labels: ['a', 'b c', '{x}'], customFields: { team: 'ops', nested: { list: [1, null, 'two'] } } },
    { replica: 'hub', actor: 'tester', nowMs, newId: () => ids.shift() ?? randomUUID() },
  );
};

describe('a ticket added with its events in one statement', () => {
  it('is stored exactly as a flush stores it, and its events are in the outbox', async () => {
    const [viaFlush, viaInsert] = [randomUUID(), randomUUID()];
    await orm.em.fork().persist(created([viaFlush])).flush();
    const { ticket, events } = createdWithEvents([viaInsert]);
    await uow.insertWithEvents(Ticket, ticket, events);
    const em = orm.em.fork();
    const [flushed, inserted] = [await em.findOneOrFail(Ticket, { id: viaFlush }), await em.findOneOrFail(Ticket, { id: viaInsert })];
    expect({ ...inserted, id: viaFlush }).toStrictEqual({ ...flushed });
    expect(inserted.assignee).toBeNull();
    expect(inserted.labels).toEqual(['a', 'b c', '{x}']);
    const outbox = await outboxOf(viaInsert);
    expect(outbox.map((row) => row.type)).toEqual(events.map((event) => event.type));
    expect(outbox.every((row) => row.eventId === row.id && row.subject === `plain.events.ticket.${viaInsert}.created`)).toBe(true);
    expect(committed.at(-1)).toEqual(events);
  });

  it('writes no event when the row is refused', async () => {
    const id = randomUUID();
    const first = createdWithEvents([id]);
    await uow.insertWithEvents(Ticket, first.ticket, first.events);
    const again = createdWithEvents([id]);
    await expect(uow.insertWithEvents(Ticket, again.ticket, again.events)).rejects.toThrow(/duplicate key/);
    expect(await outboxOf(id)).toHaveLength(first.events.length);
  });

  it('refuses an instance with a property left unset, writing nothing', async () => {
    const id = randomUUID();
    const { ticket, events } = createdWithEvents([id]);
    Reflect.deleteProperty(ticket, 'updatedAt');
    await expect(uow.insertWithEvents(Ticket, ticket, events)).rejects.toThrow('Ticket.updatedAt is not set');
    expect(await orm.em.fork().findOne(Ticket, { id })).toBeNull();
    expect(await outboxOf(id)).toHaveLength(0);
  });
});
