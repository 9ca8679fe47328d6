// Linear end to end: Lockstep against the Linear simulator (Linear's GraphQL schema on loopback,
// signed webhooks for every change including ours), driven through GraphQL and webhooks only.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chosenUuid } from '#adapters/linear/ids.ts';
import { createLinearSimulator, type LinearSimulator } from '#simulators/linear/simulator.ts';
import { eventually } from '#test/support/eventually.ts';
import { useLockstep } from '#test/support/lockstep.ts';
import { CONNECT, connectLinear, postLinearWebhook, type ConnectedLinear } from '#test/adapters/linear/connect.ts';

const suite = useLockstep({ LOCKSTEP_PUSH_BACKOFF_MS: '100' });
let linear: LinearSimulator;
let project: ConnectedLinear;

const TICKET = `query($id: ID!) { ticket(id: $id) {
  id title description status priority assignee labels
  mappings { externalId errors { field direction message } }
  openConflicts { id field }
} }`;
const CREATE = `mutation($input: CreateTicketInput!) { createTicket(input: $input) { ticket { id } } }`;
const UPDATE = `mutation($input: UpdateTicketInput!) { updateTicket(input: $input) { ticket { id } } }`;
const LINK = `mutation($input: LinkTicketInput!) { linkTicket(input: $input) { pushJob { id } } }`;
const START = `mutation($p: ID!) { startSync(input: { projectId: $p, kind: INITIAL }) { session { id } } }`;
const SESSION = `query($id: ID!) { syncSession(id: $id) { status created } }`;
const PAUSE = `mutation($id: ID!) { pauseExternalProject(id: $id) { project { status } } }`;
const RESUME = `mutation($id: ID!) { resumeExternalProject(id: $id) { project { status } } }`;
const RESOLVE = `mutation($c: ID!, $v: JSON!) {
  resolveConflict(input: { conflictId: $c, value: $v }) { conflict { status } }
}`;
interface TicketView {
  id: string;
  title: string;
  description: string;
  status: string;
  priority: string;
  assignee: string | null;
  labels: string[];
  mappings: Array<{ externalId: string; errors: Array<{ field: string | null; direction: string; message: string }> }>;
  openConflicts: Array<{ id: string; field: string }>;
}

const admin = () => suite.lockstep.admin;
const read = async (id: string) => (await admin().run<{ ticket: TicketView }>(TICKET, { id })).ticket;
const create = async (input: Record<string, unknown>) =>
  (await admin().run<{ createTicket: { ticket: { id: string } } }>(CREATE, { input })).createTicket.ticket.id;
const update = (id: string, fields: Record<string, unknown>) => admin().run(UPDATE, { input: { id, ...fields } });
const settle = (ms = 800) => new Promise((resolve) => setTimeout(resolve, ms));
const calls = (key: string) => linear.calls.get(key) ?? 0;

async function linkedIssue(input: Record<string, unknown>): Promise<{ id: string; issueId: string; jobId: string }> {
  const id = await create(input);
  const link = { ticketId: id, projectId: project.id };
  const linked = await admin().run<{ linkTicket: { pushJob: { id: string } } }>(LINK, { input: link });
  const ticket = await eventually(() => read(id), (t) => t.mappings.length === 1);
  await linear.webhooks.settled();
  await settle(300);
  return { id, issueId: ticket.mappings[0]?.externalId ?? '', jobId: linked.linkTicket.pushJob.id };
}

const startSync = async () =>
  (await admin().run<{ startSync: { session: { id: string } } }>(START, { p: project.id })).startSync.session.id;
const sessionDone = (sessionId: string) =>
  eventually(
    () => admin().run<{ syncSession: { status: string; created: number } }>(SESSION, { id: sessionId }),
    (r) => r.syncSession.status !== 'RUNNING',
    30_000,
  );

beforeAll(async () => {
  linear = createLinearSimulator({ teamKey: 'ENG', labels: ['bug', 'infra'] });
  await linear.start();
  project = await connectLinear(admin(), linear, { defaultStrategy: 'MANUAL' });
});

afterAll(async () => {
  await linear?.stop();
});

describe('Linear', () => {
  it('tests the connection on connect: a refused key and an unknown team are named', async () => {
    const config = { teamKey: 'ENG', apiUrl: linear.apiUrl };
    const connect = (name: string, settings: Record<string, unknown>, apiKey: string) =>
      admin().request(CONNECT, { input: { name, kind: 'LINEAR', direction: 'PUSH', config: settings, credentials: { apiKey } } });
    const refused = await connect('Bad key', config, 'lin_api_wrong');
    expect(refused.errors?.[0]?.message).toMatch(/connection test failed: the credentials were refused/);
    const missing = await connect('No team', { ...config, teamKey: 'NOPE' }, linear.apiKey);
    const notFound = /connection test failed: the configured project or resource was not found/;
    expect(missing.errors?.[0]?.message).toMatch(notFound);
    const invalid = await connect('Bad config', { teamKey: 'E-N-G' }, 'k');
    expect(invalid.errors?.[0]?.message).toMatch(/config\.teamKey/);
  });

  it('imports the team issues once, never twice', async () => {
    linear.seed(3, (i) => ({ title: `Imported issue ${i + 1}`, priority: 3, state: 'In Progress', labels: ['infra'] }));
    const first = await sessionDone(await startSync());
    expect(first.syncSession).toMatchObject({ status: 'COMPLETED', created: 3 });
    const second = await sessionDone(await startSync());
    expect(second.syncSession).toMatchObject({ status: 'COMPLETED', created: 0 });
    type Imported = { status: string; priority: string; labels: string[] };
    const imported = await admin().run<{ tickets: { edges: Array<{ node: Imported }> } }>(
      `{ tickets(first: 20, filter: { text: "Imported issue" }) { edges { node { status priority labels } } } }`,
    );
    const expected = { status: 'IN_PROGRESS', priority: 'P3', labels: ['infra'] };
    expect(imported.tickets.edges.map((e) => e.node)).toEqual(Array(3).fill(expected));
  });

  it('creates the issue under an id chosen from the push, with every mapped field', async () => {
    const { issueId, jobId } = await linkedIssue({
      title: 'Payments are failing',
      description: 'Card **declined** for EU users',
      priority: 'P1',
      labels: ['bug', 'payments'],
      assignee: 'ann',
      status: 'IN_PROGRESS',
    });
    expect(issueId).toBe(chosenUuid('issue', project.id, jobId));
    expect(linear.issue(issueId)).toMatchObject({
      title: 'Payments are failing',
      description: 'Card **declined** for EU users',
      priority: 1,
      state: 'In Progress',
      labels: ['bug', 'payments'],
      assignee: 'ann@example.com',
    });
  });

  it('makes no twin when the answer to a create is lost and the create is retried', async () => {
    linear.loseNextAnswers(1);
    const { id, issueId } = await linkedIssue({ title: 'Answer lost on the way back' });
    const made = [...linear.store.issues.values()].filter((issue) => issue.title === 'Answer lost on the way back');
    expect(made.map((issue) => issue.id)).toEqual([issueId]);
    const query = `{ tickets(first: 50, filter: { text: "Answer lost" }) { edges { node { id } } } }`;
    const found = await admin().run<{ tickets: { edges: Array<{ node: { id: string } }> } }>(query);
    expect(found.tickets.edges.map((e) => e.node.id)).toEqual([id]);
  });

  it('sends a hub edit to Linear, and its echo changes nothing', async () => {
    const { id, issueId } = await linkedIssue({ title: 'Search is slow' });
    await update(id, { title: 'Search is slow for EU users', status: 'RESOLVED', priority: 'P5', labels: ['infra'] });
    const arrived = (issue: ReturnType<LinearSimulator['issue']>) =>
      issue?.state === 'Done' && issue.title === 'Search is slow for EU users';
    await eventually(async () => linear.issue(issueId), arrived);
    expect(linear.issue(issueId)).toMatchObject({ priority: 0, labels: ['infra'] });
    await linear.webhooks.settled();
    await settle();
    const ticket = await read(id);
    expect(ticket).toMatchObject({ title: 'Search is slow for EU users', status: 'RESOLVED', priority: 'P5' });
    expect(ticket.labels).toEqual(['infra']);
    expect(ticket.openConflicts).toEqual([]);
  });

  it('learns the state after its write from the issueUpdate answer, not from another read', async () => {
    const { id, issueId } = await linkedIssue({ title: 'Slow exports' });
    linear.resetCalls();
    await update(id, { title: 'Slow exports of large teams' });
    await eventually(async () => linear.issue(issueId)?.title, (title) => title === 'Slow exports of large teams');
    await linear.webhooks.settled();
    await settle();
    // One read before the write (a person's edit must not be overwritten) and the write; the echo
    // webhook carries the issue, and the mutation's answer is the state after the write.
    expect(calls('mutation issueUpdate')).toBe(1);
    expect(calls('query issue')).toBe(1);
    expect((await read(id)).title).toBe('Slow exports of large teams');
  });

  it('applies a change made in Linear through its signed webhook, without writing it back', async () => {
    const { id, issueId } = await linkedIssue({ title: 'Cache stampede' });
    linear.resetCalls();
    const edit = { title: 'Cache stampede on deploy', state: 'Canceled', priority: 2, labels: ['bug'] };
    linear.personEdit(issueId, { ...edit, assignee: 'ann@example.com' });
    const ticket = await eventually(() => read(id), (t) => t.title === 'Cache stampede on deploy');
    expect(ticket).toMatchObject({ status: 'CLOSED', priority: 'P2', labels: ['bug'], assignee: 'ann' });
    await settle();
    expect(calls('mutation issueUpdate')).toBe(0);
  });

  it('turns concurrent edits into a conflict whose resolution reaches Linear', async () => {
    const { id, issueId } = await linkedIssue({ title: 'Flaky deploys' });
    await admin().run(PAUSE, { id: project.id });
    linear.webhooks.configure({ hold: true });
    await update(id, { title: 'Flaky deploys (hub)' });
    linear.personEdit(issueId, { title: 'Flaky deploys (linear)' });
    linear.webhooks.configure({ hold: false });
    await linear.webhooks.release();
    await admin().run(RESUME, { id: project.id });
    const conflicted = await eventually(() => read(id), (t) => t.openConflicts.length === 1);
    expect(conflicted.openConflicts[0]?.field).toBe('title');
    expect(linear.issue(issueId)?.title).toBe('Flaky deploys (linear)');
    await admin().run(RESOLVE, { c: conflicted.openConflicts[0]?.id, v: 'Flaky deploys (agreed)' });
    await eventually(async () => linear.issue(issueId)?.title, (title) => title === 'Flaky deploys (agreed)');
  });

  it('never overwrites a Linear change whose webhook is still held: the read before the write sees it', async () => {
    const { id, issueId } = await linkedIssue({ title: 'Slow builds' });
    linear.webhooks.configure({ hold: true });
    try {
      linear.personEdit(issueId, { title: 'Slow builds (linear)' });
      await update(id, { title: 'Slow builds (hub)' });
      const conflicted = await eventually(() => read(id), (t) => t.openConflicts.length === 1, 20_000);
      expect(conflicted.openConflicts[0]?.field).toBe('title');
      expect(linear.issue(issueId)?.title).toBe('Slow builds (linear)');
    } finally {
      linear.webhooks.configure({ hold: false });
      await linear.webhooks.release();
    }
    await settle();
    expect(linear.issue(issueId)?.title).toBe('Slow builds (linear)');
    expect((await read(id)).openConflicts).toHaveLength(1);
  });

  it('applies duplicated and reordered webhooks once, newest last', async () => {
    const { id, issueId } = await linkedIssue({ title: 'Noisy webhooks' });
    linear.webhooks.configure({ hold: true, duplicate: true });
    try {
      linear.personEdit(issueId, { title: 'Noisy webhooks: first' });
      linear.personEdit(issueId, { title: 'Noisy webhooks: second' });
      await linear.webhooks.release('newest-first');
      await eventually(() => read(id), (t) => t.title === 'Noisy webhooks: second');
      await settle();
      expect((await read(id)).title).toBe('Noisy webhooks: second');
      expect(linear.webhooks.deliveries.slice(-2).map((d) => d.statuses)).toEqual([[202, 202], [202, 202]]);
    } finally {
      linear.webhooks.configure({ hold: false, duplicate: false });
    }
  });

  it('refuses a bad signature and a stale webhookTimestamp with 401, and a malformed body with 400', async () => {
    const body = (stamp: number) =>
      JSON.stringify({ action: 'update', type: 'Issue', data: { id: 'x' }, webhookTimestamp: stamp });
    const forged = await postLinearWebhook(project, body(Date.now()), { 'linear-signature': '0'.repeat(64) });
    expect(forged.status).toBe(401);
    expect((await postLinearWebhook(project, body(Date.now() - 120_000))).status).toBe(401);
    const malformed = await postLinearWebhook(project, body(Date.now()));
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as { error: string }).error).toMatch(/data\.title/);
  });

  it('acknowledges a repeated Linear-Delivery without applying it twice', async () => {
    const { id, issueId } = await linkedIssue({ title: 'Repeat me' });
    const view = linear.issue(issueId);
    const stamp = new Date(Date.now() + 1_000).toISOString();
    const body = JSON.stringify({
      action: 'update',
      type: 'Issue',
      createdAt: stamp,
      webhookTimestamp: Date.now(),
      url: 'https://linear.app/acme/issue/ENG-1',
      data: {
        id: issueId,
        title: 'Repeated once',
        priority: view?.priority,
        updatedAt: stamp,
        labels: [],
        labelIds: [],
        assigneeId: null,
        state: { id: 's', name: 'Todo', type: 'unstarted' },
      },
    });
    const headers = { 'linear-delivery': crypto.randomUUID() };
    const first = await postLinearWebhook(project, body, headers);
    const second = await postLinearWebhook(project, body, headers);
    expect([first.status, second.status]).toEqual([202, 202]);
    expect(((await second.json()) as { status: string }).status).toBe('duplicate');
    await eventually(() => read(id), (t) => t.title === 'Repeated once');
  });

  it('waits out RATELIMITED until the reset Linear announces, then pushes once', async () => {
    const { id, issueId } = await linkedIssue({ title: 'Throttled' });
    linear.resetCalls();
    linear.rateLimitNext(1, { status: 400, resetInMs: 1_500 });
    const start = Date.now();
    await update(id, { title: 'Throttled, then through' });
    await eventually(async () => linear.issue(issueId)?.title, (title) => title === 'Throttled, then through', 20_000);
    expect(Date.now() - start).toBeGreaterThanOrEqual(1_200);
    // The limited call was the first one (the read before the write, or the write itself); the write went once.
    expect(calls('mutation issueUpdate')).toBe(1);
  });

  it('shows a value it cannot send as a sync error on the link', async () => {
    const { id, issueId } = await linkedIssue({ title: 'Unmappable assignee' });
    await update(id, { assignee: 'zoe' });
    const view = await eventually(() => read(id), (t) => (t.mappings[0]?.errors.length ?? 0) > 0, 20_000);
    expect(view.mappings[0]?.errors[0]).toMatchObject({ field: 'assignee', direction: 'outbound' });
    expect(view.mappings[0]?.errors[0]?.message).toMatch(/config\.userMap/);
    expect(linear.issue(issueId)?.assignee).toBeNull();
  });
});
