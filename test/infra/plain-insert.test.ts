// A ticket inserted as one plain statement is stored exactly as a flush would store it (read back
// through MikroORM they are equal, JSON, arrays, nulls and timestamps included), it is part of the
// caller's transaction (a rollback removes it), and an instance with an unset property is refused.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Ticket } from '#domain/ticket/ticket.ts';
import { createLogger } from '#infra/logger.ts';
import { insertPlain } from '#infra/persistence/plain-insert.ts';
import { openDatabase, type Orm } from '#infra/persistence/orm.ts';
import { createTestEnvironment, type TestEnvironment } from '#test/support/lockstep.ts';

let env: TestEnvironment;
let orm: Orm;

beforeAll(async () => {
  env = createTestEnvironment({ natsUrl: inject('natsUrl') });
  orm = await openDatabase(env.databaseUrl, createLogger('silent'));
});

afterAll(async () => {
  await orm.close();
  await env.cleanup();
});

const created = (ids: string[]) => {
  const nowMs = Date.UTC(2026, 10, 2, 8, 30, 0, 456);
  const { ticket } = Ticket.create(
    { title: "It's \"quoted\" \\ and ünïcode", labels: ['a', 'b c', '{x}'], customFields: { team: 'ops', nested: { list: [1, null, 'two'] } } },
    { replica: 'hub', actor: 'tester', nowMs, newId: () => ids.shift() ?? randomUUID() },
  );
  return ticket;
};

describe('plain insert', () => {
  it('stores a ticket exactly as a flush does', async () => {
    const [viaFlush, viaInsert] = [randomUUID(), randomUUID()];
    await orm.em.fork().persist(created([viaFlush])).flush();
    await orm.em.fork().transactional((em) => insertPlain(em, Ticket, created([viaInsert])));
    const em = orm.em.fork();
    const [flushed, inserted] = [await em.findOneOrFail(Ticket, { id: viaFlush }), await em.findOneOrFail(Ticket, { id: viaInsert })];
    expect({ ...inserted, id: viaFlush }).toStrictEqual({ ...flushed });
    expect(inserted.assignee).toBeNull();
    expect(inserted.labels).toEqual(['a', 'b c', '{x}']);
  });

  it('belongs to the caller transaction', async () => {
    const id = randomUUID();
    await expect(
      orm.em.fork().transactional(async (em) => {
        await insertPlain(em, Ticket, created([id]));
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect(await orm.em.fork().findOne(Ticket, { id })).toBeNull();
  });

  it('refuses an instance with a property left unset', async () => {
    const ticket = created([randomUUID()]);
    Reflect.deleteProperty(ticket, 'updatedAt');
    await expect(orm.em.fork().transactional((em) => insertPlain(em, Ticket, ticket))).rejects.toThrow('Ticket.updatedAt is not set');
  });
});
