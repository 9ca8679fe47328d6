// NATS and PostgreSQL restarted under load: Lockstep (a child process) runs on a nats-server and a
// PostgreSQL cluster of this test's own, never the shared ones other suites use. While a source
// sends a burst of deliveries and tickets are edited and pushed, NATS is killed and started again,
// then PostgreSQL is crashed and started again. Lockstep must stay up and, once both are back,
// apply every accepted delivery once, push every change once, make no twin and leave nothing stuck.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGenericWebhookSimulator } from '#simulators/generic-webhook/simulator.ts';
import { query } from '#test/support/databases.ts';
import { eventually } from '#test/support/eventually.ts';
import { createTestEnvironment, startChild, type ChildLockstep, type TestEnvironment } from '#test/support/lockstep.ts';
import { freePort, startPrivateNats, type PrivateNats } from '#test/support/nats-server.ts';
import { postgresBinaries, startPrivatePostgres, type PrivatePostgres } from '#test/support/postgres-server.ts';
import { planBurst, sendBurst, sleep, type BurstOutcome } from './burst-sender.ts';
import { connectFaultProjects } from './projects.ts';
import { backlog, caughtUp, inboundLedger, pushLedger } from './ledger.ts';

const PUSHED_TICKETS = 6;
const EDIT_ROUNDS = 3;
const BURST_ITEMS = 30;
const RECEIVER_SECRET = 'restart-receiver-secret';

const receiver = createGenericWebhookSimulator({ secret: RECEIVER_SECRET });
const burst = planBurst('restart', BURST_ITEMS, 2);
let nats: PrivateNats | undefined;
let postgres: PrivatePostgres | undefined;
let env: TestEnvironment | undefined;
let lockstep: ChildLockstep | undefined;
const ids = { receiver: '', source: '' };
let source = { webhookUrl: '', secret: '' };
const ticketIds: string[] = [];

const running = () => {
  if (!lockstep || !env) throw new Error('Lockstep is not running');
  return { lockstep, env };
};

/** Runs a mutation, trying again while a service is down (same input: at most once in effect). */
async function mutate(document: string, variables: Record<string, unknown>): Promise<void> {
  for (let attempt = 0; ; attempt += 1) {
    const result = await running()
      .lockstep.admin.request(document, variables)
      .catch(() => undefined);
    if (result?.status === 200 && result.data && !result.errors?.length) return;
    if (attempt > 400) throw new Error(`mutation kept failing: ${JSON.stringify(result?.errors)}`);
    await sleep(200);
  }
}

beforeAll(async () => {
  if (postgresBinaries() === undefined) return;
  await receiver.start();
  receiver.delayAnswers(20);
  [nats, postgres] = await Promise.all([startPrivateNats(), startPrivatePostgres()]);
  env = createTestEnvironment({ natsUrl: nats.url, databaseServerUrl: postgres.url });
  lockstep = await startChild(env, {
    PORT: String(await freePort()),
    LOCKSTEP_PUSH_BACKOFF_MS: '100',
    LOCKSTEP_PUSH_MAX_ATTEMPTS: '50',
  });
  const projects = await connectFaultProjects(running().lockstep.admin, receiver.url, RECEIVER_SECRET);
  ids.receiver = projects.receiverId;
  ids.source = projects.sourceId;
  source = projects.source;
  for (let i = 0; i < PUSHED_TICKETS; i += 1) {
    const created = await running().lockstep.admin.run<{ createTicket: { ticket: { id: string } } }>(
      `mutation($t: String!) { createTicket(input: { title: $t }) { ticket { id } } }`,
      { t: `Restart ticket ${i} round 0` },
    );
    ticketIds.push(created.createTicket.ticket.id);
  }
}, 120_000);

afterAll(async () => {
  await lockstep?.kill('SIGKILL').catch(() => undefined);
  await receiver.stop();
  await nats?.dispose();
  await postgres?.dispose();
});

describe.skipIf(postgresBinaries() === undefined)('NATS and PostgreSQL restarted under load', () => {
  it('loses, doubles and leaves behind nothing', async () => {
    const { env: environment } = running();
    const LINK = `mutation($input: LinkTicketInput!) { linkTicket(input: $input) { ticket { id } } }`;
    const EDIT = `mutation($id: ID!, $t: String!) { updateTicket(input: { id: $id, title: $t }) { ticket { id } } }`;
    const pushing = (async () => {
      for (const ticketId of ticketIds) await mutate(LINK, { input: { ticketId, projectId: ids.receiver } });
      for (let round = 1; round <= EDIT_ROUNDS; round += 1) {
        for (const [i, id] of ticketIds.entries()) await mutate(EDIT, { id, t: `Restart ticket ${i} round ${round}` });
        await sleep(700);
      }
    })();
    const outcome: BurstOutcome = { accepted: new Set(), refused: [], failedAttempts: 0 };
    // Paced so the burst is still being sent when PostgreSQL goes down (acceptance does not wait for NATS).
    const sending = sendBurst(source, burst, { concurrency: 2, paceMs: 150, deadlineMs: 90_000, outcome });

    await eventually(
      async () => outcome.accepted.size,
      (accepted) => accepted >= 8,
      20_000,
      20,
    );
    await nats?.stop();
    await sleep(1_500);
    await nats?.start();
    await eventually(
      async () => outcome.accepted.size,
      (accepted) => accepted >= 25,
      30_000,
      20,
    );
    const failedBeforeCrash = outcome.failedAttempts;
    await postgres?.crash();
    const health = await fetch(`${running().lockstep.url}/readyz`).then((response) => response.json());
    await sleep(1_500);
    await postgres?.start();
    const acceptedBeforeRecovery = outcome.accepted.size;

    await Promise.all([pushing, sending]);
    expect(acceptedBeforeRecovery).toBeLessThan(burst.length);
    expect(health).toMatchObject({ status: 'not_ready', database: 'down' });
    // The source saw the outage (answers 5xx or none) and sent those deliveries again.
    expect(outcome.failedAttempts).toBeGreaterThan(failedBeforeCrash);
    expect(outcome.refused).toEqual([]);
    expect(outcome.accepted.size).toBe(burst.length);
    expect(running().lockstep.child.exitCode).toBeNull();

    await eventually(
      () => backlog(environment.databaseUrl),
      (now) => JSON.stringify(now) === JSON.stringify(caughtUp),
      45_000,
      500,
    );
    const pushes = await eventually(
      () => pushLedger(environment.databaseUrl, ids.receiver, receiver),
      (l) => l.divergent.length === 0,
      15_000,
    );
    expect(pushes).toMatchObject({
      deliveredButNotReceived: 0,
      unknownDeliveryIds: 0,
      ticketsCreatedTwice: [],
      receiverItems: PUSHED_TICKETS,
      divergent: [],
    });
    const titles = await query<{ title: string }>(
      environment.databaseUrl,
      'select title from tickets where id = any($1)',
      [ticketIds],
    );
    expect(titles.map((t) => t.title).sort()).toEqual(
      ticketIds.map((_, i) => `Restart ticket ${i} round ${EDIT_ROUNDS}`).sort(),
    );
    expect(await inboundLedger(environment.databaseUrl, ids.source, burst)).toEqual({
      inboxRows: burst.length,
      itemsWithoutOneTicket: [],
      staleItems: [],
      appliedTwice: [],
    });
    const tickets = await query<{ n: string }>(environment.databaseUrl, 'select count(*) as n from tickets');
    expect(Number(tickets[0]?.n)).toBe(PUSHED_TICKETS + BURST_ITEMS);
  }, 120_000);
});
