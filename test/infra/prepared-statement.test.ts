// Statements declared with `prepared` reach PostgreSQL as named prepared statements, through a pool
// and inside a unit of work alike: the connection holds them by name afterwards. Inside a unit of
// work one runs in its transaction (a rollback undoes it, whether or not `begin` was still
// waiting) and after the writes the unit of work held back; outside one, through the ORM, it runs
// on its own. Values travel as parameters, not spliced into the text: an array of awkward strings
// (the form the locked read of a batch's tickets takes its external ids in) comes back as sent.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Ticket } from '#domain/ticket/ticket.ts';
import { createLogger } from '#infra/logger.ts';
import { insertLater } from '#infra/persistence/deferred-writes.ts';
import { openDatabase, type Orm } from '#infra/persistence/orm.ts';
import { prepared, preparedQuery, runPrepared } from '#infra/persistence/prepared-statement.ts';
import { sqlPoolOf } from '#infra/persistence/sql-pool.ts';
import { AuditEntry } from '#infra/persistence/sync-records.ts';
import { createUnitOfWork, type UnitOfWork } from '#infra/persistence/unit-of-work.ts';
import { query } from '#test/support/databases.ts';
import { createTestEnvironment, type TestEnvironment } from '#test/support/lockstep.ts';

let env: TestEnvironment;
let orm: Orm;
let uow: UnitOfWork;

beforeAll(async () => {
  env = createTestEnvironment({ natsUrl: inject('natsUrl') });
  orm = await openDatabase(env.databaseUrl, createLogger('silent'));
  uow = createUnitOfWork(orm, 'prepared', () => {});
});

afterAll(async () => {
  await orm.close();
  await env.cleanup();
});

const ctx = () => ({ replica: 'hub', actor: 'tester', nowMs: Date.now(), newId: () => randomUUID() });
const titleOf = prepared('select title from tickets where id = $1');
const retitle = prepared('update tickets set title = $2 where id = $1 returning id');
const auditCount = prepared('select count(*)::int as count from audit_entries where ticket_id = $1');
const echoed = prepared('select value from unnest($1::text[]) with ordinality as given (value, position) order by position');
/** What the connection it runs on holds prepared, by name. */
const preparedHere = prepared('select name from pg_prepared_statements');

async function storedTicket(title: string): Promise<string> {
  const { ticket, events } = Ticket.create({ title }, ctx());
  await uow.insertWithEvents(Ticket, ticket, events);
  return ticket.id;
}

class Undone extends Error {}

describe('prepared statements', () => {
  it('name their statement by its text, so two texts never share a name', () => {
    expect(prepared('select 1').name).toBe(prepared('select 1').name);
    expect(prepared('select 1').name).not.toBe(prepared('select 2').name);
    expect(titleOf.text).toMatch(new RegExp(`^/\\* ${titleOf.name} \\*/ select title`));
  });

  it('are prepared by name on a pool connection', async () => {
    const id = await storedTicket('Pooled');
    const pool = await sqlPoolOf(orm);
    const client = await pool.connect();
    try {
      const { rows } = await client.query<{ title: string }>(preparedQuery(titleOf, [id]));
      expect(rows).toEqual([{ title: 'Pooled' }]);
      const held = await client.query<{ name: string }>('select name from pg_prepared_statements');
      expect(held.rows.map((row) => row.name)).toContain(titleOf.name);
    } finally {
      client.release();
    }
  });

  it('are prepared by name inside a unit of work, and run in its transaction', async () => {
    const id = await storedTicket('Before');
    const names = await uow.run(async (em) => {
      // The first statement of the transaction: `begin` still waits and must go first.
      await runPrepared(em, retitle, [id, 'Inside']);
      const seen = await runPrepared<{ title: string }>(em, titleOf, [id]);
      expect(seen).toEqual([{ title: 'Inside' }]);
      const held = await runPrepared<{ name: string }>(em, preparedHere, []);
      return { result: held.map((row) => row.name), events: [] };
    });
    expect(names).toEqual(expect.arrayContaining([retitle.name, titleOf.name]));
    expect(await query(env.databaseUrl, 'select title from tickets where id = $1', [id])).toEqual([{ title: 'Inside' }]);
  });

  it('are undone with the unit of work they ran in', async () => {
    const id = await storedTicket('Kept');
    await expect(
      uow.run(async (em) => {
        await runPrepared(em, retitle, [id, 'Undone']);
        throw new Undone('rolled back');
      }),
    ).rejects.toThrow(Undone);
    expect(await query(env.databaseUrl, 'select title from tickets where id = $1', [id])).toEqual([{ title: 'Kept' }]);
  });

  it('see the writes the unit of work held back', async () => {
    const id = await storedTicket('Audited');
    const seen = await uow.run(async (em) => {
      await insertLater(em, AuditEntry, [
        Object.assign(new AuditEntry(), { ticketId: id, projectId: null, field: 'title', fromValue: 'a', toValue: 'b', origin: 'hub', actor: null, deliveryId: null, at: new Date() }),
      ]);
      const rows = await runPrepared<{ count: number }>(em, auditCount, [id]);
      return { result: rows[0]?.count, events: [] };
    });
    expect(seen).toBe(1);
  });

  it('carry an array of awkward strings as one parameter, each element as sent', async () => {
    const awkward = ['plain', 'a,b', '{braces}', 'quote " and \\ backslash', "it's", 'NULL', ''];
    const rows = await runPrepared<{ value: string }>(orm, echoed, [awkward]);
    expect(rows.map((row) => row.value)).toEqual(awkward);
  });

  it('run on their own through the ORM, outside any unit of work', async () => {
    const id = await storedTicket('Alone');
    expect(await runPrepared(orm, retitle, [id, 'Changed alone'])).toEqual([{ id }]);
    expect(await query(env.databaseUrl, 'select title from tickets where id = $1', [id])).toEqual([{ title: 'Changed alone' }]);
  });
});
