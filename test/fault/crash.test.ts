// Lockstep killed with SIGKILL (no shutdown, no last flush) while it imports a large Jira project,
// pushes tickets to a generic-webhook receiver and takes a burst of signed deliveries, then started
// again on the same database, NATS and port. Once it has caught up, the counts must hold: every
// accepted delivery applied once, every change pushed (under one delivery id, once on the
// receiver), the import complete without twins, and no job, delivery or session left behind.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGenericWebhookSimulator } from '#simulators/generic-webhook/simulator.ts';
import { createJiraSimulator } from '#simulators/jira/simulator.ts';
import { query } from '#test/support/databases.ts';
import { eventually } from '#test/support/eventually.ts';
import { connectJira } from '#test/support/jira.ts';
import { createTestEnvironment, startChild, type ChildLockstep } from '#test/support/lockstep.ts';
import { freePort } from '#test/support/nats-server.ts';
import { planBurst, sendBurst, sleep, type BurstOutcome } from './burst-sender.ts';
import { connectFaultProjects } from './projects.ts';
import { backlog, caughtUp, inboundLedger, pushLedger } from './ledger.ts';

const ISSUES = 1_000;
const PUSHED_TICKETS = 10;
const EDIT_ROUNDS = 3;
const BURST_ITEMS = 40;
const RECEIVER_SECRET = 'crash-receiver-secret';

const env = createTestEnvironment();
const jira = createJiraSimulator();
const receiver = createGenericWebhookSimulator({ secret: RECEIVER_SECRET });
const burst = planBurst('burst', BURST_ITEMS, 2);
const burstOutcome: BurstOutcome = { accepted: new Set(), refused: [], failedAttempts: 0 };
let settings: Record<string, string> = {};
let lockstep: ChildLockstep | undefined;
let ids = { jira: '', receiver: '', source: '', session: '' };
let source = { webhookUrl: '', secret: '' };
let ticketIds: string[] = [];

const live = () => {
  if (!lockstep) throw new Error('Lockstep is not running');
  return lockstep;
};

/** Runs a mutation, trying again (same input, so at most once in effect) while Lockstep is down. */
async function mutate(document: string, variables: Record<string, unknown>): Promise<void> {
  for (let attempt = 0; ; attempt += 1) {
    const result = await live()
      .admin.request(document, variables)
      .catch(() => undefined);
    if (result?.status === 200 && result.data && !result.errors?.length) return;
    if (result?.errors?.some((error) => error.extensions?.['code'] === 'BAD_USER_INPUT'))
      throw new Error(JSON.stringify(result.errors));
    if (attempt > 600) throw new Error(`mutation kept failing: ${JSON.stringify(result?.errors)}`);
    await sleep(200);
  }
}

beforeAll(async () => {
  await jira.start();
  await receiver.start();
  receiver.delayAnswers(40);
  jira.seed(ISSUES, (index) => ({ summary: `Imported issue ${index + 1}` }));
  settings = { PORT: String(await freePort()), LOCKSTEP_PUSH_BACKOFF_MS: '100', LOCKSTEP_PUSH_MAX_ATTEMPTS: '50' };
  lockstep = await startChild(env, settings);
  ids.jira = (await connectJira(live().admin, jira)).id;
  const projects = await connectFaultProjects(live().admin, receiver.url, RECEIVER_SECRET);
  ids.receiver = projects.receiverId;
  ids.source = projects.sourceId;
  source = projects.source;
  for (let i = 0; i < PUSHED_TICKETS; i += 1) {
    const created = await live().admin.run<{ createTicket: { ticket: { id: string } } }>(
      `mutation($t: String!) { createTicket(input: { title: $t }) { ticket { id } } }`,
      { t: `Pushed ticket ${i} round 0` },
    );
    ticketIds.push(created.createTicket.ticket.id);
  }
}, 120_000);

afterAll(async () => {
  await lockstep?.kill('SIGKILL').catch(() => undefined);
  await receiver.stop();
  await jira.stop();
  await env.cleanup();
});

describe('SIGKILL in the middle of an import, pushes and a webhook burst', () => {
  it('is survived: after a restart every count holds', async () => {
    // Start all three kinds of work at once.
    const started = await live().admin.run<{ startSync: { session: { id: string } } }>(
      `mutation($p: ID!) { startSync(input: { projectId: $p, kind: INITIAL }) { session { id } } }`,
      { p: ids.jira },
    );
    ids.session = started.startSync.session.id;
    const LINK = `mutation($input: LinkTicketInput!) { linkTicket(input: $input) { ticket { id } } }`;
    const EDIT = `mutation($id: ID!, $t: String!) { updateTicket(input: { id: $id, title: $t }) { ticket { id } } }`;
    let pushesQueued = false;
    const pushing = (async () => {
      for (const ticketId of ticketIds) await mutate(LINK, { input: { ticketId, projectId: ids.receiver } });
      for (let round = 1; round <= EDIT_ROUNDS; round += 1) {
        for (const [i, id] of ticketIds.entries()) await mutate(EDIT, { id, t: `Pushed ticket ${i} round ${round}` });
        await sleep(300);
      }
      pushesQueued = true;
    })();
    const sending = sendBurst(source, burst, {
      concurrency: 4,
      // Paced so the burst is still under way when the import's first page and the first pushes land.
      paceMs: 100,
      deadlineMs: 120_000,
      outcome: burstOutcome,
    });

    // Kill once each is under way and none is finished.
    const importedSoFar = async () =>
      Number(
        (
          await query<{ n: string }>(env.databaseUrl, 'select count(*) as n from sync_mappings where project_id = $1', [
            ids.jira,
          ])
        )[0]?.n,
      );
    await eventually(
      async () => ({
        imported: await importedSoFar(),
        pushed: receiver.deliveries.length,
        accepted: burstOutcome.accepted.size,
      }),
      (progress) => progress.imported >= 100 && progress.pushed >= 3 && progress.accepted >= 10,
      40_000,
      20,
    );
    const atKill = { imported: await importedSoFar(), accepted: burstOutcome.accepted.size, pushesQueued };
    await live().kill('SIGKILL');
    expect(atKill.imported).toBeLessThan(ISSUES);
    expect(atKill.accepted).toBeLessThan(burst.length);
    expect(atKill.pushesQueued).toBe(false);
    await sleep(500);
    lockstep = await startChild(env, settings);

    await Promise.all([pushing, sending]);
    expect(burstOutcome.refused).toEqual([]);
    expect(burstOutcome.accepted.size).toBe(burst.length);

    // The interrupted session resumes when JetStream hands its message out again (ack wait).
    await eventually(
      () => backlog(env.databaseUrl),
      (now) => JSON.stringify(now) === JSON.stringify(caughtUp),
      100_000,
      500,
    );
    const hubTitles = await query<{ id: string; title: string }>(
      env.databaseUrl,
      'select id, title from tickets where id = any($1)',
      [ticketIds],
    );
    expect(hubTitles.map((t) => t.title).sort()).toEqual(
      ticketIds.map((_, i) => `Pushed ticket ${i} round ${EDIT_ROUNDS}`).sort(),
    );
    const pushes = await eventually(
      () => pushLedger(env.databaseUrl, ids.receiver, receiver),
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

    // Duplicates of accepted deliveries are acknowledged and change nothing.
    const before = await inboundLedger(env.databaseUrl, ids.source, burst);
    const again: BurstOutcome = { accepted: new Set(), refused: [], failedAttempts: 0 };
    await sendBurst(source, burst.slice(0, 20), { concurrency: 4, paceMs: 0, deadlineMs: 10_000, outcome: again });
    expect(again.accepted.size).toBe(20);
    await sleep(300);
    const inbound = await inboundLedger(env.databaseUrl, ids.source, burst);
    expect(inbound).toEqual(before);
    expect(inbound).toEqual({ inboxRows: burst.length, itemsWithoutOneTicket: [], staleItems: [], appliedTwice: [] });

    const session = await query<{ status: string; created: number }>(
      env.databaseUrl,
      'select status, created from sync_sessions where id = $1',
      [ids.session],
    );
    expect(session[0]).toMatchObject({ status: 'completed', created: ISSUES });
    const imported = await query<{ links: string; items: string; tickets: string }>(
      env.databaseUrl,
      `select count(*) as links, count(distinct external_id) as items, count(distinct ticket_id) as tickets
         from sync_mappings where project_id = $1 and status = 'linked'`,
      [ids.jira],
    );
    expect(imported[0]).toEqual({ links: String(ISSUES), items: String(ISSUES), tickets: String(ISSUES) });
    const tickets = await query<{ n: string }>(env.databaseUrl, 'select count(*) as n from tickets');
    expect(Number(tickets[0]?.n)).toBe(ISSUES + PUSHED_TICKETS + BURST_ITEMS);
  }, 180_000);
});
