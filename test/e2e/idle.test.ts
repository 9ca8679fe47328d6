// An idle Lockstep asks its database almost nothing: commits wake the outbox relay through a
// signal instead of a poll four times a second, and the scheduler sleeps until a project falls due.
// Counted from PostgreSQL's own statistics for the test's database.
import { describe, expect, it } from 'vitest';
import { query } from '#test/support/databases.ts';
import { useLockstep } from '#test/support/lockstep.ts';

const suite = useLockstep();

async function transactions(): Promise<number> {
  const [row] = await query<{ n: string }>(
    suite.env.databaseUrl,
    'select xact_commit + xact_rollback as n from pg_stat_database where datname = current_database()',
  );
  return Number(row?.n ?? Number.NaN);
}

describe('an idle Lockstep', () => {
  it('runs at most about one transaction a second against its database', async () => {
    // PostgreSQL backends report their counts when they go idle, up to 10 s late: let the start's
    // migrations and setup be counted before the window opens.
    await new Promise((resolve) => setTimeout(resolve, 11_000));
    const before = await transactions();
    await new Promise((resolve) => setTimeout(resolve, 10_000));
    const after = await transactions();
    // Our own statistics read counts as one; the rest is Lockstep's: about 9 (the relay's safety
    // poll twice, the scheduler twice, the sweeper's two reads twice). Polling made it over 50; the
    // bound leaves room for counts PostgreSQL reports late on a busy machine.
    expect(after - before - 1).toBeLessThanOrEqual(20);
  }, 40_000);
});
