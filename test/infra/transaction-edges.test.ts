// `begin` travels with a transaction's first statement and `commit` with its last write: what
// reaches PostgreSQL (recorded by the connections' own client class) is one message per
// statement, the transaction still holds together (a failure inside it keeps nothing), an empty
// transaction sends nothing, and nothing may follow a transaction that committed along its write.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import pg from 'pg';
import { createLogger } from '#infra/logger.ts';
import { openDatabase } from '#infra/persistence/orm.ts';
import { commitAlong, mergeTransactionEdges } from '#infra/persistence/transaction-edges.ts';
import { createTestEnvironment, type TestEnvironment } from '#test/support/lockstep.ts';

let env: TestEnvironment;
let pool: pg.Pool;
/** The text of every message sent to PostgreSQL, in order. */
const sent: string[] = [];

class RecordingClient extends pg.Client {
  override query(...args: unknown[]): never {
    if (typeof args[0] === 'string') sent.push(args[0]);
    return (super.query as (...a: unknown[]) => never)(...args);
  }
}

beforeAll(async () => {
  env = createTestEnvironment({ natsUrl: inject('natsUrl') });
  await (await openDatabase(env.databaseUrl, createLogger('silent'))).close();
  pool = new pg.Pool({ connectionString: env.databaseUrl, max: 1, Client: RecordingClient });
  mergeTransactionEdges(pool);
  await pool.query('create table if not exists edges_notes (id text primary key)');
});

afterAll(async () => {
  await pool.end();
  await env.cleanup();
});

/** Runs `work` on one checked-out connection and returns the messages it sent. */
async function messagesOf(work: (client: pg.PoolClient) => Promise<void>): Promise<string[]> {
  const client = await pool.connect();
  const from = sent.length;
  try {
    await work(client);
  } finally {
    client.release();
  }
  return sent.slice(from);
}

const notes = async () => (await pool.query<{ id: string }>('select id from edges_notes order by id')).rows.map((row) => row.id);

describe('transaction edges', () => {
  it('sends begin with the first statement and commit with the last write', async () => {
    const messages = await messagesOf(async (client) => {
      expect((await client.query('begin')).command).toBe('BEGIN');
      expect((await client.query(`select 'read' as value`)).rows).toEqual([{ value: 'read' }]);
      await client.query(commitAlong(`insert into edges_notes values ('one')`));
      await client.query('commit');
    });
    expect(messages).toEqual([`begin;\nselect 'read' as value`, commitAlong(`insert into edges_notes values ('one')`)]);
    expect(await notes()).toContain('one');
  });

  it('sends nothing for a transaction that sent nothing', async () => {
    expect(await messagesOf(async (client) => void (await client.query('begin'), await client.query('commit')))).toEqual([]);
  });

  it('keeps nothing of a transaction whose statement failed', async () => {
    const messages = await messagesOf(async (client) => {
      await client.query('begin');
      await client.query(`insert into edges_notes values ('two')`);
      await expect(client.query(`insert into edges_notes values ('two')`)).rejects.toThrow(/duplicate key/);
      await client.query('rollback');
    });
    expect(messages).toEqual([`begin;\ninsert into edges_notes values ('two')`, `insert into edges_notes values ('two')`, 'rollback']);
    expect(await notes()).not.toContain('two');
  });

  it('sends begin ahead of a statement with parameters, inside the same transaction', async () => {
    await messagesOf(async (client) => {
      await client.query('begin');
      await client.query('insert into edges_notes values ($1)', ['three']);
      await client.query('rollback');
    });
    expect(await notes()).not.toContain('three');
  });

  it('refuses a statement after the transaction committed along its write, and the connection serves the next one', async () => {
    await messagesOf(async (client) => {
      await client.query('begin');
      await client.query(commitAlong(`insert into edges_notes values ('four')`));
      await expect(client.query(`insert into edges_notes values ('five')`)).rejects.toThrow(/after its transaction committed/);
    });
    expect(await notes()).toEqual(expect.arrayContaining(['four']));
    expect(await notes()).not.toContain('five');
    const next = await messagesOf(async (client) => {
      await client.query('begin');
      await client.query(commitAlong(`insert into edges_notes values ('six')`));
      await client.query('commit');
    });
    expect(next).toEqual([`begin;\n${commitAlong(`insert into edges_notes values ('six')`)}`]);
  });
});
