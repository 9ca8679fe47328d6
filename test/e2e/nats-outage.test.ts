// NATS goes away and comes back (a real nats-server of the test's own, killed and restarted):
// /healthz says it is down (liveness stays 200) while it is gone, mutations keep committing, and the relay then publishes
// every event exactly once — counted in the stream.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { streamNames } from '#infra/bus/streams.ts';
import { query } from '#test/support/databases.ts';
import { createTestEnvironment, startInProcess, type RunningLockstep, type TestEnvironment } from '#test/support/lockstep.ts';
import { startPrivateNats, type PrivateNats } from '#test/support/nats-server.ts';

let nats: PrivateNats;
let env: TestEnvironment;
let lockstep: RunningLockstep;

beforeAll(async () => {
  nats = await startPrivateNats();
  env = createTestEnvironment({ natsUrl: nats.url });
  lockstep = await startInProcess(env);
});

afterAll(async () => {
  await lockstep?.stop();
  await env?.cleanup();
  await nats?.dispose();
});

async function health(): Promise<{ status: number; body: Record<string, string> }> {
  const response = await fetch(`${lockstep.url}/healthz`);
  return { status: response.status, body: (await response.json()) as Record<string, string> };
}

async function eventually<T>(probe: () => Promise<T>, accept: (value: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (accept(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const create = (title: string) =>
  lockstep.admin.run(`mutation($t: String!) { createTicket(input: { title: $t }) { ticket { id } } }`, { t: title });

async function streamedEventIds(): Promise<string[]> {
  const nc = await connect({ servers: nats.url });
  try {
    const jsm = await jetstreamManager(nc);
    const name = streamNames(env.prefix).events;
    const info = await jsm.streams.info(name);
    const ids: string[] = [];
    for (let seq = info.state.first_seq; seq <= info.state.last_seq && info.state.messages > 0; seq += 1) {
      const message = await jsm.streams.getMessage(name, { seq });
      if (message) ids.push(String(message.json<{ eventId: string }>().eventId));
    }
    return ids;
  } finally {
    await nc.close();
  }
}

describe('a NATS outage', () => {
  it('is reported by /healthz and loses or doubles no event', async () => {
    expect(await eventually(health, (h) => h.status === 200)).toEqual({ status: 200, body: { status: 'ok', database: 'up', nats: 'up' } });
    for (let i = 0; i < 5; i += 1) await create(`before ${i}`);

    await nats.stop();
    // Liveness stays 200 (the process is alive and keeps accepting work); the body says NATS is down.
    const down = await eventually(health, (h) => h.body['nats'] === 'down');
    expect(down).toEqual({ status: 200, body: { status: 'degraded', database: 'up', nats: 'down' } });
    for (let i = 0; i < 7; i += 1) await create(`during ${i}`);
    const pending = await query<{ n: string }>(env.databaseUrl, 'select count(*) as n from outbox where published_at is null');
    expect(Number(pending[0]?.n)).toBeGreaterThanOrEqual(7);

    await nats.start();
    expect((await eventually(health, (h) => h.body['status'] === 'ok')).status).toBe(200);
    for (let i = 0; i < 3; i += 1) await create(`after ${i}`);

    const outbox = await query<{ id: string }>(env.databaseUrl, 'select id from outbox order by seq');
    expect(outbox).toHaveLength(15);
    const ids = await eventually(streamedEventIds, (found) => found.length >= 15);
    expect(ids).toHaveLength(15);
    expect(new Set(ids).size).toBe(15);
    expect([...ids].sort()).toEqual(outbox.map((row) => row.id).sort());
    const unpublished = await query<{ n: string }>(env.databaseUrl, 'select count(*) as n from outbox where published_at is null');
    expect(Number(unpublished[0]?.n)).toBe(0);
  });
});
