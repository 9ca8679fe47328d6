// Sync sessions through the API: a dry run reports its plan and changes nothing; a reconcile
// repairs what a failed delivery left behind and reports it; syncStatus streams the session.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGenericWebhookSimulator, type GenericWebhookSimulator } from '#simulators/generic-webhook/simulator.ts';
import { query } from '#test/support/databases.ts';
import { eventually } from '#test/support/eventually.ts';
import { createTestEnvironment, startInProcess, type RunningLockstep, type TestEnvironment } from '#test/support/lockstep.ts';

const SECRET = 'sessions-secret';
const SESSION = `query($id: ID!) { syncSession(id: $id) {
  id kind status dryRun created updated unchanged conflicts errors notes startedAt completedAt
  plan { action direction field ticketId }
} }`;
const START = `mutation($input: StartSyncInput!) { startSync(input: $input) { session { id kind status dryRun } } }`;

interface Session {
  id: string;
  kind: string;
  status: string;
  dryRun: boolean;
  updated: number;
  unchanged: number;
  errors: number;
  notes: string[];
  completedAt: string | null;
  plan: Array<{ action: string; direction: string; field: string; ticketId: string }>;
}

let env: TestEnvironment;
let lockstep: RunningLockstep;
let receiver: GenericWebhookSimulator;
let projectId: string;

beforeAll(async () => {
  receiver = createGenericWebhookSimulator({ secret: SECRET });
  await receiver.start();
  env = createTestEnvironment();
  lockstep = await startInProcess(env, { LOCKSTEP_PUSH_BACKOFF_MS: '20', LOCKSTEP_PUSH_MAX_ATTEMPTS: '2' });
  const connected = await lockstep.admin.run<{ connectExternalProject: { project: { id: string } } }>(
    `mutation($input: ConnectExternalProjectInput!) { connectExternalProject(input: $input) { project { id } } }`,
    { input: { name: 'Receiver', kind: 'GENERIC_WEBHOOK', direction: 'BIDIRECTIONAL', config: { targetUrl: receiver.url }, credentials: { secret: SECRET } } },
  );
  projectId = connected.connectExternalProject.project.id;
});

afterAll(async () => {
  await lockstep?.stop();
  await receiver?.stop();
  await env?.cleanup();
});

const session = async (id: string) => (await lockstep.admin.run<{ syncSession: Session }>(SESSION, { id })).syncSession;
const finished = (id: string) => eventually(() => session(id), (s) => s.status !== 'RUNNING');
const start = async (kind: string, dryRun: boolean) =>
  (await lockstep.admin.run<{ startSync: { session: Session } }>(START, { input: { projectId, kind, dryRun } })).startSync.session;

/** A linked ticket whose last change never reached the receiver (the push went dead). */
async function ticketWithMissedChange(): Promise<string> {
  const { createTicket } = await lockstep.admin.run<{ createTicket: { ticket: { id: string } } }>(
    `mutation { createTicket(input: { title: "Missed change" }) { ticket { id } } }`,
  );
  const id = createTicket.ticket.id;
  await lockstep.admin.run(`mutation($input: LinkTicketInput!) { linkTicket(input: $input) { pushJob { id } } }`, { input: { ticketId: id, projectId } });
  await eventually(async () => receiver.deliveries.filter((d) => d.event === 'ticket.created' && d.status < 300).length, (n) => n >= 1);
  await eventually(
    () => lockstep.admin.run<{ ticket: { mappings: unknown[] } }>(`query($id: ID!) { ticket(id: $id) { mappings { id } } }`, { id }),
    (r) => r.ticket.mappings.length === 1,
  );
  receiver.failNext(2, 503);
  await lockstep.admin.run(`mutation($id: ID!) { updateTicket(input: { id: $id, status: RESOLVED }) { ticket { id } } }`, { id });
  await eventually(
    () => lockstep.admin.run<{ pushJobs: { edges: unknown[] } }>(`query($t: ID) { pushJobs(filter: { ticketId: $t, status: DEAD }) { edges { node { id } } } }`, { t: id }),
    (r) => r.pushJobs.edges.length === 1,
  );
  return id;
}

describe('sync sessions', () => {
  it('a dry-run reconcile reports the missing push as its plan and changes nothing', async () => {
    const ticketId = await ticketWithMissedChange();
    const deliveriesBefore = receiver.deliveries.length;
    const jobsBefore = await query(env.databaseUrl, 'select id from push_jobs');
    const started = await start('RECONCILE', true);
    expect(started).toMatchObject({ kind: 'RECONCILE', status: 'RUNNING', dryRun: true });
    const done = await finished(started.id);
    expect(done.status).toBe('COMPLETED');
    expect(done.plan).toContainEqual({ action: 'push', direction: 'outbound', field: 'status', ticketId });
    expect(done.updated).toBe(1);
    expect(done.notes.join(' ')).toMatch(/GENERIC_WEBHOOK cannot be read back/);
    expect(done.completedAt).not.toBeNull();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(receiver.deliveries.length).toBe(deliveriesBefore);
    expect(await query(env.databaseUrl, 'select id from push_jobs')).toHaveLength(jobsBefore.length);
  });

  it('a reconcile repairs it, reports it, and streams its progress on syncStatus', async () => {
    const subscription = lockstep.admin.subscribe<{ syncStatus: { id: string; status: string; updated: number } }>(
      `subscription($p: ID!) { syncStatus(projectId: $p) { id status updated } }`,
      { p: projectId },
    );
    try {
      await new Promise((resolve) => setTimeout(resolve, 300));
      const started = await start('RECONCILE', false);
      const done = await finished(started.id);
      expect(done).toMatchObject({ status: 'COMPLETED', dryRun: false, errors: 0 });
      expect(done.updated).toBeGreaterThanOrEqual(1);
      const streamed = await subscription.next((e) => e.syncStatus.id === started.id && e.syncStatus.status === 'COMPLETED');
      expect(streamed.syncStatus.updated).toBe(done.updated);
      const repaired = await eventually(
        async () => receiver.deliveries.filter((d) => d.event === 'ticket.updated' && d.status === 200),
        (d) => d.some((x) => (x.body as { ticket?: { status?: string } }).ticket?.status === 'RESOLVED'),
      );
      expect(repaired.length).toBeGreaterThanOrEqual(1);
    } finally {
      await subscription.close();
    }
  });

  it('refuses to start on an unknown or paused project with a clear error', async () => {
    const unknown = await lockstep.admin.request(START, { input: { projectId: '00000000-0000-4000-8000-000000000000', kind: 'INCREMENTAL' } });
    expect(unknown.errors?.[0]?.extensions?.['code']).toBe('NOT_FOUND');
    await lockstep.admin.run(`mutation($id: ID!) { pauseExternalProject(id: $id) { project { status } } }`, { id: projectId });
    const paused = await lockstep.admin.request(START, { input: { projectId, kind: 'INCREMENTAL' } });
    expect(paused.errors?.[0]?.message).toMatch(/PAUSED; resume it first/);
    const resumed = await lockstep.admin.run<{ resumeExternalProject: { project: { status: string } } }>(
      `mutation($id: ID!) { resumeExternalProject(id: $id) { project { status } } }`,
      { id: projectId },
    );
    expect(resumed.resumeExternalProject.project.status).toBe('ACTIVE');
  });
});
