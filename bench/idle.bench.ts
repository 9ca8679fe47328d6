// `npm run bench -- idle`: how much CPU a Lockstep with nothing to do burns, beside a bare Node
// process holding the same kind of connections (a pg pool with a LISTEN, and NATS) and doing
// nothing. Both are measured in this process over the same window, one after the other.
import { connect } from '@nats-io/transport-node';
import pg from 'pg';
import type { BenchSuite } from './figure.ts';
import { startBenchLockstep } from './support/bench-lockstep.ts';

const SETTLE_MS = 5_000;
const WINDOW_MS = 20_000;

/** Share of one core this process used over `WINDOW_MS`, in percent. */
async function cpuShare(): Promise<number> {
  const before = process.cpuUsage();
  const started = performance.now();
  await new Promise((resolve) => setTimeout(resolve, WINDOW_MS));
  const used = process.cpuUsage(before);
  return ((used.user + used.system) / 1000 / (performance.now() - started)) * 100;
}

async function bareIdle(): Promise<number> {
  const databaseUrl = process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 4 });
  const listener = new pg.Client({ connectionString: databaseUrl });
  const nats = await connect({ servers: process.env['NATS_URL'] ?? 'nats://127.0.0.1:4222' });
  try {
    await listener.connect();
    await listener.query('listen bench_idle');
    await pool.query('select 1');
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
    return await cpuShare();
  } finally {
    await nats.close();
    await listener.end();
    await pool.end();
  }
}

async function lockstepIdle(): Promise<number> {
  await using lockstep = await startBenchLockstep();
  void lockstep;
  await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
  return cpuShare();
}

export const run: BenchSuite = async () => {
  const bare = await bareIdle();
  const idle = await lockstepIdle();
  return [
    {
      name: 'idle Lockstep CPU',
      value: idle,
      unit: '% of a core',
      baseline: { name: 'a bare process holding pg and NATS connections', value: bare },
      detail:
        `lower is better (goal: at most 1% of a core); measured over ${WINDOW_MS / 1000} s after ${SETTLE_MS / 1000} s of settling, ` +
        `no project connected; the relay wakes on NOTIFY (5 s safety poll), the scheduler sleeps until a project falls due`,
    },
  ];
};
