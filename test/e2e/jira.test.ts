// Jira end to end: Lockstep against the Jira simulator (REST v3 subset on loopback, a strict
// workflow, signed webhooks for every change including ours), driven through GraphQL and signed
// webhooks only.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJiraSimulator, type JiraSimulator } from '#simulators/jira/simulator.ts';
import { strictWorkflow } from '#simulators/jira/store.ts';
import { eventually } from '#test/support/eventually.ts';
import { connectJira } from '#test/support/jira.ts';
import { useLockstep } from '#test/support/lockstep.ts';

const suite = useLockstep({ LOCKSTEP_PUSH_BACKOFF_MS: '100' });
let jira: JiraSimulator;
let project: { id: string; webhookUrl: string; webhookSecret: string };

const CONNECT = `mutation($input: ConnectExternalProjectInput!) { connectExternalProject(input: $input) { project { id status webhookUrl webhookSecret } } }`;
const TICKET = `query($id: ID!) { ticket(id: $id) { id title status labels mappings { externalId } openConflicts { id field } } }`;
interface TicketView {
  id: string;
  title: string;
  status: string;
  labels: string[];
  mappings: Array<{ externalId: string }>;
  openConflicts: Array<{ id: string; field: string }>;
}

const admin = () => suite.lockstep.admin;
const read = async (id: string) => (await admin().run<{ ticket: TicketView }>(TICKET, { id })).ticket;
const create = async (input: Record<string, unknown>) =>
  (await admin().run<{ createTicket: { ticket: { id: string } } }>(`mutation($input: CreateTicketInput!) { createTicket(input: $input) { ticket { id } } }`, { input })).createTicket.ticket.id;
const update = (id: string, fields: Record<string, unknown>) =>
  admin().run(`mutation($input: UpdateTicketInput!) { updateTicket(input: $input) { ticket { id } } }`, { input: { id, ...fields } });
const settle = (ms = 800) => new Promise((resolve) => setTimeout(resolve, ms));

async function linkedIssue(title: string): Promise<{ id: string; key: string }> {
  const id = await create({ title });
  await admin().run(`mutation($input: LinkTicketInput!) { linkTicket(input: $input) { pushJob { id } } }`, { input: { ticketId: id, projectId: project.id } });
  const ticket = await eventually(() => read(id), (t) => t.mappings.length === 1);
  return { id, key: ticket.mappings[0]?.externalId ?? '' };
}

beforeAll(async () => {
  jira = createJiraSimulator({ projectKey: 'OPS', workflow: strictWorkflow });
  await jira.start();
  project = await connectJira(admin(), jira, { defaultStrategy: 'MANUAL' });
});

afterAll(async () => {
  await jira?.stop();
});

describe('Jira', () => {
  it('validates the connection on connect, naming what failed', async () => {
    const refused = await admin().request(CONNECT, {
      input: { name: 'Wrong', kind: 'JIRA', direction: 'PUSH', config: { baseUrl: jira.baseUrl, projectKey: 'OPS' }, credentials: { email: 'bot@example.com', apiToken: 'nope' } },
    });
    expect(refused.errors?.[0]?.message).toMatch(/connection test failed: the credentials were refused/);
    const missing = await admin().request(CONNECT, {
      input: { name: 'Wrong', kind: 'JIRA', direction: 'PUSH', config: { baseUrl: jira.baseUrl, projectKey: 'NOPE' }, credentials: { token: 'bearer-token' } },
    });
    expect(missing.errors?.[0]?.message).toMatch(/connection test failed/);
  });

  it('creates the issue and walks a strict workflow without the intermediate echoes pulling the ticket back', async () => {
    const { id, key } = await linkedIssue('Payments are failing');
    expect(key).toMatch(/^OPS-\d+$/);
    expect(jira.issue(key)?.summary).toBe('Payments are failing');
    await update(id, { status: 'RESOLVED' });
    await eventually(async () => jira.issue(key)?.status, (status) => status === 'Done');
    await jira.webhooks.settled();
    await settle();
    expect((await read(id)).status).toBe('RESOLVED');
  });

  it('applies a change made in Jira and does not write it back', async () => {
    const { id, key } = await linkedIssue('Search is slow');
    await jira.webhooks.settled();
    await settle();
    jira.resetCalls();
    jira.personEdit(key, { summary: 'Search is slow for EU users', labels: ['search'] });
    const ticket = await eventually(() => read(id), (t) => t.title === 'Search is slow for EU users');
    expect(ticket.labels).toEqual(['search']);
    await settle();
    const edits = [...jira.calls.entries()].filter(([endpoint]) => endpoint.startsWith('PUT')).reduce((n, [, count]) => n + count, 0);
    expect(edits).toBe(0);
  });

  it('turns concurrent edits into a conflict whose resolution reaches Jira', async () => {
    const { id, key } = await linkedIssue('Cache stampede');
    await jira.webhooks.settled();
    await settle();
    await admin().run(`mutation($id: ID!) { pauseExternalProject(id: $id) { project { status } } }`, { id: project.id });
    await update(id, { title: 'Cache stampede (hub)' });
    jira.personEdit(key, { summary: 'Cache stampede (jira)' });
    await jira.webhooks.settled();
    await admin().run(`mutation($id: ID!) { resumeExternalProject(id: $id) { project { status } } }`, { id: project.id });
    const conflicted = await eventually(() => read(id), (t) => t.openConflicts.length === 1);
    expect(conflicted.openConflicts[0]?.field).toBe('title');
    await admin().run(`mutation($c: ID!) { resolveConflict(input: { conflictId: $c, value: "Cache stampede (agreed)" }) { conflict { status } } }`, {
      c: conflicted.openConflicts[0]?.id,
    });
    await eventually(async () => jira.issue(key)?.summary, (summary) => summary === 'Cache stampede (agreed)');
  });

  it('imports existing issues once, never twice', async () => {
    jira.seed(3, (index) => ({ summary: `Imported issue ${index + 1}` }));
    const start = async () =>
      (await admin().run<{ startSync: { session: { id: string } } }>(`mutation($p: ID!) { startSync(input: { projectId: $p, kind: INITIAL }) { session { id } } }`, { p: project.id })).startSync.session.id;
    const done = (sessionId: string) =>
      eventually(
        () => admin().run<{ syncSession: { status: string; created: number } }>(`query($id: ID!) { syncSession(id: $id) { status created } }`, { id: sessionId }),
        (r) => r.syncSession.status !== 'RUNNING',
        30_000,
      );
    const first = await done(await start());
    expect(first.syncSession).toMatchObject({ status: 'COMPLETED', created: 3 });
    const second = await done(await start());
    expect(second.syncSession).toMatchObject({ status: 'COMPLETED', created: 0 });
    const imported = await admin().run<{ tickets: { edges: unknown[] } }>(`{ tickets(first: 20, filter: { text: "Imported issue" }) { edges { node { id } } } }`);
    expect(imported.tickets.edges).toHaveLength(3);
  });

  it('never sends a LOCAL_ONLY ticket, and refuses a bad signature with 401', async () => {
    const id = await create({ title: 'Internal only', privacy: 'LOCAL_ONLY' });
    const refused = await admin().request(`mutation($input: LinkTicketInput!) { linkTicket(input: $input) { pushJob { id } } }`, {
      input: { ticketId: id, projectId: project.id },
    });
    expect(refused.errors?.[0]?.message).toMatch(/LOCAL_ONLY/);
    const forged = await fetch(project.webhookUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature': 'sha256=00' },
      body: JSON.stringify({ webhookEvent: 'jira:issue_updated' }),
    });
    expect(forged.status).toBe(401);
  });

  it('makes exactly one ticket for an issue it created, even though Jira reports the create at once', async () => {
    const { key } = await linkedIssue('Created here first');
    await jira.webhooks.settled();
    await settle();
    const found = await admin().run<{ tickets: { edges: Array<{ node: { mappings: Array<{ externalId: string }> } }> } }>(
      `{ tickets(first: 30) { edges { node { mappings { externalId } } } } }`,
    );
    expect(found.tickets.edges.filter((e) => e.node.mappings.some((m) => m.externalId === key))).toHaveLength(1);
  });

  it('adopts the issue a create whose answer was lost had made, instead of creating a twin', async () => {
    jira.loseNextAnswers(1);
    const { id, key } = await linkedIssue('Answer lost on the way back');
    await jira.webhooks.settled();
    await settle();
    const made = [...jira.store.issues.values()].filter((issue) => issue.summary === 'Answer lost on the way back');
    expect(made.map((issue) => issue.key)).toEqual([key]);
    expect(made[0]?.properties['lockstep']).toMatchObject({ ticketId: id });
    expect(jira.calls.get('POST /rest/api/3/issue')).toBeGreaterThanOrEqual(1);
    const found = await admin().run<{ tickets: { edges: Array<{ node: { mappings: Array<{ externalId: string }> } }> } }>(
      `{ tickets(first: 50) { edges { node { mappings { externalId } } } } }`,
    );
    expect(found.tickets.edges.filter((e) => e.node.mappings.some((m) => m.externalId === key))).toHaveLength(1);
  });

  it('applies duplicated and reordered webhooks once, newest last', async () => {
    const { id, key } = await linkedIssue('Noisy webhooks');
    await jira.webhooks.settled();
    await settle();
    jira.webhooks.configure({ url: project.webhookUrl, secret: project.webhookSecret, duplicate: true, reorder: true });
    try {
      jira.personEdit(key, { summary: 'Noisy webhooks: first' });
      jira.personEdit(key, { summary: 'Noisy webhooks: second' });
      await jira.webhooks.release();
      await jira.webhooks.settled();
      await eventually(() => read(id), (t) => t.title === 'Noisy webhooks: second');
      await settle();
      expect((await read(id)).title).toBe('Noisy webhooks: second');
    } finally {
      jira.webhooks.configure({ url: project.webhookUrl, secret: project.webhookSecret, duplicate: false, reorder: false });
    }
  });

  it('recovers from a 429 by waiting as Jira asks', async () => {
    const { id, key } = await linkedIssue('Throttled');
    await jira.webhooks.settled();
    jira.failNext(1, 429, { retryAfter: '1' });
    await update(id, { title: 'Throttled, then through' });
    const summary = await eventually(async () => jira.issue(key)?.summary, (value) => value === 'Throttled, then through', 20_000);
    expect(summary).toBe('Throttled, then through');
  });

  it('answers 400 naming the problem for a malformed signed body', async () => {
    const body = '{"webhookEvent": "jira:issue_updated", "issue": 42}';
    const { createHmac } = await import('node:crypto');
    const signature = `sha256=${createHmac('sha256', project.webhookSecret).update(body).digest('hex')}`;
    const response = await fetch(project.webhookUrl, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature': signature }, body });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toMatch(/issue/);
  });

  it('refuses a value it cannot map with a sync error visible on the link, not a silent drop', async () => {
    const { id, key } = await linkedIssue('Unmappable assignee');
    await update(id, { assignee: 'zoe' });
    const view = await eventually(
      () =>
        admin().run<{ ticket: { mappings: Array<{ errors: Array<{ field: string | null; direction: string; message: string }> }> } }>(
          `query($id: ID!) { ticket(id: $id) { mappings { errors { field direction message } } } }`,
          { id },
        ),
      (r) => (r.ticket.mappings[0]?.errors.length ?? 0) > 0,
      20_000,
    );
    expect(view.ticket.mappings[0]?.errors[0]).toMatchObject({ field: 'assignee', direction: 'outbound' });
    expect(view.ticket.mappings[0]?.errors[0]?.message).toMatch(/zoe/);
    expect(jira.issue(key)?.assignee).toBeNull();
  });

  const signedJiraWebhook = async (key: string, fields: Record<string, unknown>) => {
    const issue = jira.issue(key);
    const updated = new Date(Date.now() + 60_000).toISOString().replace('Z', '+0000');
    const body = JSON.stringify({
      timestamp: Date.now() + 60_000,
      webhookEvent: 'jira:issue_updated',
      user: { accountId: 'person-1', displayName: 'Pat Person' },
      issue: { id: issue?.id, key, fields: { summary: issue?.summary, status: { name: 'To Do', statusCategory: { key: 'new' } }, labels: [], updated, ...fields } },
      changelog: { id: String(90_000 + Math.floor(Math.random() * 9_000)), items: [] },
    });
    const { createHmac } = await import('node:crypto');
    return fetch(project.webhookUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-hub-signature': `sha256=${createHmac('sha256', project.webhookSecret).update(body).digest('hex')}`,
        'x-atlassian-webhook-identifier': `test-${Date.now()}-${Math.random()}`,
      },
      body,
    });
  };

  it('reads the issue when a webhook carries wiki markup instead of rich text', async () => {
    const { id, key } = await linkedIssue('Wiki webhook');
    await jira.webhooks.settled();
    await settle();
    // Hold the simulator's own webhook, so the only news is a v2-shaped one carrying wiki markup.
    jira.webhooks.configure({ url: project.webhookUrl, secret: project.webhookSecret, reorder: true });
    try {
      jira.personEdit(key, { description: 'Changed in Jira: **new** steps' });
      const response = await signedJiraWebhook(key, { description: 'h1. Wiki markup from a v2-shaped webhook' });
      expect(response.status).toBe(202);
      const ticket = await eventually(
        () => admin().run<{ ticket: { description: string } }>(`query($id: ID!) { ticket(id: $id) { description } }`, { id }),
        (r) => r.ticket.description !== '',
      );
      expect(ticket.ticket.description).toBe('Changed in Jira: **new** steps');
    } finally {
      jira.webhooks.configure({ url: project.webhookUrl, secret: project.webhookSecret, reorder: false });
      await jira.webhooks.release();
    }
  });

  it('records a reported value it cannot map as a sync error on the link instead of dropping it', async () => {
    const { id, key } = await linkedIssue('Blocker priority');
    await jira.webhooks.settled();
    await settle();
    const response = await signedJiraWebhook(key, { priority: { name: 'Blocker' } });
    expect(response.status).toBe(202);
    const errors = await eventually(
      () => admin().run<{ syncErrors: { edges: Array<{ node: { field: string; direction: string; value: unknown } }> } }>(`query($t: ID) { syncErrors(ticketId: $t) { edges { node { field direction value } } } }`, { t: id }),
      (r) => r.syncErrors.edges.some(({ node: e }) => e.field === 'priority'),
    );
    expect(errors.syncErrors.edges.map((edge) => edge.node).find((e) => e.field === 'priority')).toMatchObject({ direction: 'inbound', value: 'Blocker' });
  });
});
