// /healthz and /readyz as an orchestrator polls them: ready when the database, NATS, migrations
// and consumers are; not ready when NATS is unreachable or a migration is missing from the
// database; a project whose system keeps failing is listed but leaves the process ready.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { query } from '#test/support/databases.ts';
import { eventually } from '#test/support/eventually.ts';
import { createTestEnvironment, startInProcess, type RunningLockstep, type TestEnvironment } from '#test/support/lockstep.ts';
import { freePort } from '#test/support/nats-server.ts';

interface Readiness {
  status: string;
  database: string;
  nats: string;
  migrations: { state: string; pending: string[] };
  consumers: Record<string, string>;
  projectsInError: Array<{ id: string; name: string; kind: string; lastError: string | null }>;
}

const CONSUMERS = ['inbound', 'push', 'push-planner', 'push-planner-resolutions', 'sessions'];

async function readiness(url: string): Promise<{ status: number; body: Readiness }> {
  const response = await fetch(`${url}/readyz`);
  return { status: response.status, body: (await response.json()) as Readiness };
}

describe('a Lockstep with every dependency up', () => {
  let env: TestEnvironment;
  let lockstep: RunningLockstep;
  let failing: Server;

  beforeAll(async () => {
    env = createTestEnvironment();
    lockstep = await startInProcess(env, { LOCKSTEP_PUSH_BACKOFF_MS: '10', LOCKSTEP_PUSH_MAX_ATTEMPTS: '20' });
    // A receiver that answers every push with 500, so its project ends up in ERROR.
    failing = createServer((request, response) => {
      request.resume();
      response.writeHead(500).end('receiver is broken');
    });
    await new Promise<void>((resolve) => failing.listen(0, '127.0.0.1', resolve));
  });

  afterAll(async () => {
    await lockstep?.stop();
    await new Promise((resolve) => failing?.close(resolve));
    await env?.cleanup();
  });

  it('is live and ready, naming each dependency and consumer', async () => {
    expect((await fetch(`${lockstep.url}/healthz`)).status).toBe(200);
    const ready = await eventually(() => readiness(lockstep.url), (r) => r.status === 200);
    expect(ready).toEqual({
      status: 200,
      body: {
        status: 'ready',
        database: 'up',
        nats: 'up',
        migrations: { state: 'applied', pending: [] },
        consumers: Object.fromEntries(CONSUMERS.map((name) => [name, 'running'])),
        projectsInError: [],
      },
    });
  });

  it('lists a project in ERROR and stays ready', async () => {
    const { port } = failing.address() as AddressInfo;
    const connected = await lockstep.admin.run<{ connectExternalProject: { project: { id: string } } }>(
      `mutation($input: ConnectExternalProjectInput!) { connectExternalProject(input: $input) { project { id } } }`,
      {
        input: {
          name: 'Broken receiver',
          kind: 'GENERIC_WEBHOOK',
          direction: 'PUSH',
          config: { targetUrl: `http://127.0.0.1:${port}/hook` },
          credentials: { secret: 'receiver-secret' },
        },
      },
    );
    const projectId = connected.connectExternalProject.project.id;
    const created = await lockstep.admin.run<{ createTicket: { ticket: { id: string } } }>(
      `mutation { createTicket(input: { title: "Goes to a broken receiver" }) { ticket { id } } }`,
    );
    await lockstep.admin.run(`mutation($input: LinkTicketInput!) { linkTicket(input: $input) { pushJob { id } } }`, {
      input: { ticketId: created.createTicket.ticket.id, projectId },
    });
    const status = async () =>
      (await lockstep.admin.run<{ externalProject: { status: string } }>(`query($id: ID!) { externalProject(id: $id) { status } }`, { id: projectId }))
        .externalProject.status;
    expect(await eventually(status, (s) => s === 'ERROR', 20_000)).toBe('ERROR');

    const ready = await readiness(lockstep.url);
    expect(ready.status).toBe(200);
    expect(ready.body.status).toBe('ready');
    expect(ready.body.projectsInError).toEqual([
      expect.objectContaining({ id: projectId, name: 'Broken receiver', kind: 'GENERIC_WEBHOOK', lastError: expect.stringContaining('500') }),
    ]);
  });

  it('is not ready while a committed migration is missing from the database', async () => {
    const [latest] = await query<{ id: number; name: string; executed_at: Date }>(
      env.databaseUrl,
      'select id, name, executed_at from mikro_orm_migrations order by id desc limit 1',
    );
    if (!latest) throw new Error('no migration recorded');
    await query(env.databaseUrl, 'delete from mikro_orm_migrations where id = $1', [latest.id]);
    try {
      const unready = await readiness(lockstep.url);
      expect(unready.status).toBe(503);
      expect(unready.body).toMatchObject({ status: 'not_ready', database: 'up', nats: 'up', migrations: { state: 'pending', pending: [latest.name] } });
    } finally {
      await query(env.databaseUrl, 'insert into mikro_orm_migrations (id, name, executed_at) values ($1, $2, $3)', [latest.id, latest.name, latest.executed_at]);
    }
    expect((await readiness(lockstep.url)).status).toBe(200);
  });
});

describe('a Lockstep whose NATS is unreachable', () => {
  let env: TestEnvironment;
  let lockstep: RunningLockstep;

  beforeAll(async () => {
    // A port nobody listens on: NATS is down for this process from the start.
    env = createTestEnvironment({ natsUrl: `nats://127.0.0.1:${await freePort()}` });
    lockstep = await startInProcess(env);
  });

  afterAll(async () => {
    await lockstep?.stop();
    await env?.cleanup();
  });

  it('is not ready and says NATS is down and no consumer runs', async () => {
    const unready = await readiness(lockstep.url);
    expect(unready).toEqual({
      status: 503,
      body: {
        status: 'not_ready',
        database: 'up',
        nats: 'down',
        migrations: { state: 'applied', pending: [] },
        consumers: Object.fromEntries(CONSUMERS.map((name) => [name, 'stopped'])),
        projectsInError: [],
      },
    });
  });
});
