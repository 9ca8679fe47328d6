// The races of ordinary operation, each played for real: processes starting together on a fresh
// database, two sync starts at once, and a create slower than any fixed wait whose own webhook
// arrives before its answer.
import { afterAll, describe, expect, it } from 'vitest';
import { createGenericWebhookSimulator } from '#adapters/generic-webhook/simulator.ts';
import { createJiraSimulator } from '#adapters/jira/simulator.ts';
import { eventually } from '#test/support/eventually.ts';
import { connectJira } from '#test/support/jira.ts';
import { createTestEnvironment, startChild, startInProcess, type RunningLockstep, type TestEnvironment } from '#test/support/lockstep.ts';

const cleanups: Array<() => Promise<unknown>> = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
});

async function started(env: TestEnvironment): Promise<RunningLockstep> {
  const lockstep = await startInProcess(env, { LOCKSTEP_PUSH_BACKOFF_MS: '100' });
  cleanups.push(() => lockstep.stop());
  return lockstep;
}

describe('two processes starting together with LOCKSTEP_ADMIN_TOKEN on a fresh database', () => {
  it('both come up (one migrates, one admin row) and the token works on each', async () => {
    const env = createTestEnvironment();
    cleanups.push(() => env.cleanup());
    const [a, b] = await Promise.all([startChild(env), startChild(env)]);
    cleanups.push(() => a.stop(), () => b.stop());
    for (const lockstep of [a, b]) {
      const tokens = await lockstep.admin.run<{ apiTokens: Array<{ name: string }> }>(`{ apiTokens { name } }`);
      expect(tokens.apiTokens.filter((t) => t.name === 'LOCKSTEP_ADMIN_TOKEN')).toHaveLength(1);
    }
  });
});

describe('startSync twice at once for one project', () => {
  it('runs one session: both calls answer with it', async () => {
    const env = createTestEnvironment();
    cleanups.push(() => env.cleanup());
    const lockstep = await started(env);
    const jira = createJiraSimulator({ projectKey: 'OPS' });
    await jira.start();
    cleanups.push(() => jira.stop());
    jira.seed(300);
    const project = await connectJira(lockstep.admin, jira, { direction: 'PULL' });
    const start = () =>
      lockstep.admin.run<{ startSync: { session: { id: string } } }>(`mutation($input: StartSyncInput!) { startSync(input: $input) { session { id } } }`, {
        input: { projectId: project.id, kind: 'RECONCILE' },
      });
    const answers = await Promise.all([start(), start(), start()]);
    const ids = new Set(answers.map((a) => a.startSync.session.id));
    expect(ids.size).toBe(1);
  });
});

describe('a create slower than 30 seconds whose own webhook arrives first', () => {
  it('is linked to its item, never imported as a twin', async () => {
    const env = createTestEnvironment();
    cleanups.push(() => env.cleanup());
    const lockstep = await started(env);
    const receiver = createGenericWebhookSimulator({ secret: 'slow-create' });
    await receiver.start();
    cleanups.push(() => receiver.stop());
    const { connectExternalProject } = await lockstep.admin.run<{ connectExternalProject: { project: { id: string; webhookUrl: string; webhookSecret: string } } }>(
      `mutation($input: ConnectExternalProjectInput!) { connectExternalProject(input: $input) { project { id webhookUrl webhookSecret } } }`,
      { input: { name: 'Slow', kind: 'GENERIC_WEBHOOK', direction: 'BIDIRECTIONAL', config: { targetUrl: receiver.url }, credentials: { secret: 'slow-create' } } },
    );
    const project = connectExternalProject.project;
    const { createTicket } = await lockstep.admin.run<{ createTicket: { ticket: { id: string } } }>(`mutation { createTicket(input: { title: "Slow to create" }) { ticket { id } } }`);
    // Four attempts hang until the call's timeout; the fifth is answered, some 40 s after the first.
    receiver.delayAnswers(25_000, 4);
    await lockstep.admin.run(`mutation($input: LinkTicketInput!) { linkTicket(input: $input) { pushJob { id } } }`, {
      input: { ticketId: createTicket.ticket.id, projectId: project.id },
    });
    await receiver.waitForDeliveries(1);
    const [externalId] = [...receiver.items.keys()];
    // The side reports a change of the new item while our create still waits for its answer.
    expect(await receiver.sendChange({ webhookUrl: project.webhookUrl, secret: project.webhookSecret, externalId: externalId ?? '', fields: { title: 'Slow to create, edited there' } })).toBe(202);
    const ticket = await eventually(
      () => lockstep.admin.run<{ ticket: { title: string; mappings: Array<{ externalId: string }> } }>(`query($id: ID!) { ticket(id: $id) { title mappings { externalId } } }`, { id: createTicket.ticket.id }),
      (r) => r.ticket.title === 'Slow to create, edited there',
      70_000,
    );
    expect(ticket.ticket.mappings).toEqual([{ externalId }]);
    const all = await lockstep.admin.run<{ tickets: { edges: unknown[] } }>(`{ tickets(first: 10) { edges { node { id } } } }`);
    expect(all.tickets.edges).toHaveLength(1);
  }, 120_000);
});
