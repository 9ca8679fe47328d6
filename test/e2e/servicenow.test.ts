// ServiceNow end to end: Lockstep against the ServiceNow simulator (Table API subset on loopback,
// the README's business rules posting every change, ours included), driven through GraphQL and
// the business-rule deliveries only.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServiceNowSimulator, type ServiceNowSimulator } from '#simulators/servicenow/simulator.ts';
import { eventually } from '#test/support/eventually.ts';
import { useLockstep } from '#test/support/lockstep.ts';

const suite = useLockstep({ LOCKSTEP_PUSH_BACKOFF_MS: '100' });
let sn: ServiceNowSimulator;
let project: { id: string; webhookUrl: string; webhookSecret: string };

const CONNECT = `mutation($input: ConnectExternalProjectInput!) { connectExternalProject(input: $input) { project { id status webhookUrl webhookSecret } } }`;
const TICKET = `query($id: ID!) { ticket(id: $id) { id title description status priority assignee mappings { externalId errors { field direction message } } openConflicts { id field } } }`;
interface TicketView {
  id: string;
  title: string;
  description: string;
  status: string;
  priority: string;
  assignee: string | null;
  mappings: Array<{ externalId: string; errors: Array<{ field: string | null; direction: string; message: string }> }>;
  openConflicts: Array<{ id: string; field: string }>;
}

const admin = () => suite.lockstep.admin;
const read = async (id: string) => (await admin().run<{ ticket: TicketView }>(TICKET, { id })).ticket;
const create = async (input: Record<string, unknown>) =>
  (await admin().run<{ createTicket: { ticket: { id: string } } }>(`mutation($input: CreateTicketInput!) { createTicket(input: $input) { ticket { id } } }`, { input })).createTicket.ticket.id;
const update = (id: string, fields: Record<string, unknown>) =>
  admin().run(`mutation($input: UpdateTicketInput!) { updateTicket(input: $input) { ticket { id } } }`, { input: { id, ...fields } });
const settle = async (ms = 500) => {
  await sn.rules.settled();
  await new Promise((resolve) => setTimeout(resolve, ms));
};
const patches = () => [...sn.calls.entries()].filter(([endpoint]) => endpoint.startsWith('PATCH')).reduce((n, [, count]) => n + count, 0);
const connectInput = (credentials: Record<string, string>) => ({
  name: 'ServiceNow',
  kind: 'SERVICENOW',
  direction: 'BIDIRECTIONAL',
  config: { instanceUrl: sn.instanceUrl, userMap: { beth: 'beth.anglin' } },
  credentials,
  defaultStrategy: 'MANUAL',
});

async function linkedRecord(input: Record<string, unknown>): Promise<{ id: string; sysId: string }> {
  const id = await create(input);
  await admin().run(`mutation($input: LinkTicketInput!) { linkTicket(input: $input) { pushJob { id } } }`, { input: { ticketId: id, projectId: project.id } });
  const ticket = await eventually(() => read(id), (t) => t.mappings.length === 1);
  await settle(300);
  return { id, sysId: ticket.mappings[0]?.externalId ?? '' };
}

beforeAll(async () => {
  sn = createServiceNowSimulator({ readOnlyUser: { username: 'auditor', password: 'audit-pw' } });
  await sn.start();
  sn.seed(1, () => ({ short_description: 'Already there before Lockstep' }));
  const connected = await admin().run<{ connectExternalProject: { project: typeof project } }>(CONNECT, {
    input: connectInput({ username: 'lockstep.integration', password: 'integration-password' }),
  });
  project = connected.connectExternalProject.project;
  sn.rules.configure({ url: project.webhookUrl, secret: project.webhookSecret, auth: 'basic' });
});

afterAll(async () => {
  await sn?.stop();
});

describe('ServiceNow', () => {
  it('tests the connection on connect: refused credentials and a user who cannot write are named', async () => {
    const refused = await admin().request(CONNECT, { input: connectInput({ username: 'lockstep.integration', password: 'wrong' }) });
    expect(refused.errors?.[0]?.message).toMatch(/connection test failed: the credentials were refused/);
    const readOnly = await admin().request(CONNECT, { input: connectInput({ username: 'auditor', password: 'audit-pw' }) });
    expect(readOnly.errors?.[0]?.message).toMatch(/connection test failed.*ACL/);
  });

  it('creates the incident with the ticket id in correlation_id, and its own business-rule delivery makes no twin', async () => {
    const { id, sysId } = await linkedRecord({ title: 'Payments are failing', description: 'Card declines', priority: 'P2' });
    expect(sn.record(sysId)).toMatchObject({ short_description: 'Payments are failing', description: 'Card declines', impact: '1', urgency: '2', priority: '2', state: '1', correlation_id: id, correlation_display: 'Lockstep' });
    await settle();
    const all = await admin().run<{ tickets: { edges: Array<{ node: { mappings: Array<{ externalId: string }> } }> } }>(`{ tickets(first: 50) { edges { node { mappings { externalId } } } } }`);
    expect(all.tickets.edges.filter((e) => e.node.mappings.some((m) => m.externalId === sysId))).toHaveLength(1);
  });

  it('adopts the record a create whose answer was lost had made, instead of a twin', async () => {
    sn.loseNextAnswers(1);
    const { id, sysId } = await linkedRecord({ title: 'Answer lost on the way back' });
    const made = [...sn.store.records.values()].filter((record) => record['short_description'] === 'Answer lost on the way back');
    expect(made.map((record) => record['sys_id'])).toEqual([sysId]);
    expect(made[0]?.['correlation_id']).toBe(id);
  });

  it('sends a hub edit to ServiceNow and does not write its own echo back', async () => {
    const { id, sysId } = await linkedRecord({ title: 'Search is slow' });
    sn.resetCalls();
    await update(id, { title: 'Search is slow for EU users', priority: 'P1', assignee: 'beth' });
    await eventually(async () => sn.record(sysId), (record) => record?.['short_description'] === 'Search is slow for EU users' && record['assigned_to'] !== '');
    expect(sn.record(sysId)).toMatchObject({ impact: '1', urgency: '1', priority: '1' });
    await settle();
    const ticket = await read(id);
    expect(ticket).toMatchObject({ title: 'Search is slow for EU users', priority: 'P1', assignee: 'beth', openConflicts: [] });
    expect(patches()).toBe(1);
  });

  it('brings a change made in ServiceNow to the hub through the business rule, without writing it back', async () => {
    const { id, sysId } = await linkedRecord({ title: 'Cache stampede' });
    sn.resetCalls();
    sn.personEdit(sysId, { short_description: 'Cache stampede on checkout', impact: '2', urgency: '3', state: '2' });
    const ticket = await eventually(() => read(id), (t) => t.title === 'Cache stampede on checkout' && t.priority === 'P4');
    expect(ticket.status).toBe('IN_PROGRESS');
    await settle();
    expect(patches()).toBe(0);
  });

  it('resolving sets close_code and close_notes; reopening clears them; a resolution made in ServiceNow arrives', async () => {
    const { id, sysId } = await linkedRecord({ title: 'Disk filling up' });
    await update(id, { status: 'RESOLVED' });
    await eventually(async () => sn.record(sysId)?.['state'], (state) => state === '6');
    expect(sn.record(sysId)).toMatchObject({ close_code: 'Solved (Permanently)', close_notes: `Resolved in Lockstep (ticket ${id})` });
    await settle();
    await update(id, { status: 'IN_PROGRESS' });
    await eventually(async () => sn.record(sysId)?.['state'], (state) => state === '2');
    expect(sn.record(sysId)).toMatchObject({ close_code: '', close_notes: '' });
    await settle();
    sn.personEdit(sysId, { state: '7', close_code: 'Solved (Work Around)', close_notes: 'Moved logs' });
    await eventually(() => read(id), (t) => t.status === 'CLOSED');
  });

  it('mirrors comments both ways, each journal entry one comment, work notes staying in ServiceNow', async () => {
    const { id, sysId } = await linkedRecord({ title: 'Queue lag' });
    const comments = async () =>
      (await admin().run<{ ticket: { comments: { edges: Array<{ node: { body: string; author: string; mirrors: Array<{ externalId: string }> } }> } } }>(
        `query($id: ID!) { ticket(id: $id) { comments(first: 20) { edges { node { body author mirrors { externalId } } } } } }`,
        { id },
      )).ticket.comments.edges.map((edge) => edge.node);
    await admin().run(`mutation($input: AddCommentInput!) { addComment(input: $input) { comment { id } } }`, { input: { ticketId: id, body: 'Scaling consumers.' } });
    await eventually(async () => sn.comments(sysId).map((entry) => entry['value']), (values) => values.length === 1);
    await eventually(comments, (list) => list[0]?.mirrors.length === 1);
    sn.personComment(sysId, 'Lag back under a minute.');
    sn.personWorkNote(sysId, 'Internal: consumer 3 was stuck.');
    const arrived = await eventually(comments, (list) => list.length === 2);
    // ServiceNow stamps journal entries to the second, so the two may list in either order.
    expect(arrived.map((c) => c.body).sort()).toEqual(['Lag back under a minute.', 'Scaling consumers.']);
    expect(arrived.find((c) => c.body === 'Lag back under a minute.')?.author).toBe('beth.anglin');
    await settle();
    expect(await comments()).toHaveLength(2);
    expect(sn.comments(sysId)).toHaveLength(2);
  });

  it('mirrors comment edits and deletions both ways through sys_journal_field', async () => {
    const { id, sysId } = await linkedRecord({ title: 'Cert expiring' });
    const list = async () =>
      (await admin().run<{ ticket: { comments: { edges: Array<{ node: { id: string; body: string; deleted: boolean } }> } } }>(
        `query($id: ID!) { ticket(id: $id) { comments(first: 20, includeDeleted: true) { edges { node { id body deleted } } } } }`,
        { id },
      )).ticket.comments.edges.map((edge) => edge.node);
    const entry = sn.personComment(sysId, 'Expires Friday.');
    await eventually(list, (comments) => comments.length === 1);
    sn.personEditComment(entry['sys_id'] ?? '', 'Expires Thursday.');
    await eventually(list, (comments) => comments[0]?.body === 'Expires Thursday.');
    sn.store.writeJournal(entry['sys_id'] ?? '', undefined);
    await eventually(list, (comments) => comments[0]?.deleted === true);

    const added = await admin().run<{ addComment: { comment: { id: string } } }>(
      `mutation($input: AddCommentInput!) { addComment(input: $input) { comment { id } } }`,
      { input: { ticketId: id, body: 'Renewing now.' } },
    );
    await eventually(async () => sn.comments(sysId).map((e) => e['value']), (values) => values.includes('Renewing now.'));
    await settle();
    await admin().run(`mutation($input: EditCommentInput!) { editComment(input: $input) { comment { id } } }`, {
      input: { id: added.addComment.comment.id, body: 'Renewed.' },
    });
    await eventually(async () => sn.comments(sysId).map((e) => e['value']), (values) => values.includes('Renewed.'));
    await settle();
    await admin().run(`mutation($id: ID!) { deleteComment(id: $id) { comment { id } } }`, { id: added.addComment.comment.id });
    await eventually(async () => sn.comments(sysId), (entries) => entries.length === 0);
  });

  it('ends the link when the record is deleted in ServiceNow, keeping the ticket', async () => {
    const { id, sysId } = await linkedRecord({ title: 'Duplicate of INC0010001' });
    sn.store.delete(sysId);
    const ticket = await eventually(() => read(id), (t) => t.mappings.length === 0);
    expect(ticket.title).toBe('Duplicate of INC0010001');
  });

  it('refuses a wrong secret with 401 and a malformed body with 400 naming the problem', async () => {
    const body = JSON.stringify({ sys_id: 'x', number: 'INC1', sys_updated_on: '2026-01-01 00:00:00', sys_mod_count: '1' });
    const post = (url: string, headers: Record<string, string> = {}, payload = body) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: payload });
    expect((await post(`${project.webhookUrl}?secret=wrong`)).status).toBe(401);
    expect((await post(project.webhookUrl, { authorization: `Basic ${Buffer.from('servicenow:wrong').toString('base64')}` })).status).toBe(401);
    expect((await post(project.webhookUrl)).status).toBe(401);
    const malformed = await post(`${project.webhookUrl}?secret=${project.webhookSecret}`, {}, JSON.stringify({ sys_id: 'x', number: 'INC1', sys_updated_on: 'yesterday', sys_mod_count: '1' }));
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as { error: string }).error).toMatch(/sys_updated_on/);
  });

  it('applies a duplicated delivery once', async () => {
    const { id, sysId } = await linkedRecord({ title: 'Noisy rule' });
    sn.rules.configure({ duplicate: true });
    try {
      sn.personEdit(sysId, { short_description: 'Noisy rule, edited once' });
      await eventually(() => read(id), (t) => t.title === 'Noisy rule, edited once');
      await settle();
      expect(sn.rules.deliveries.at(-1)?.statuses).toEqual([202, 202]);
      const history = await admin().run<{ ticket: { history: Array<{ field: string; to: unknown }> } }>(`query($id: ID!) { ticket(id: $id) { history(last: 50) { field to } } }`, { id });
      expect(history.ticket.history.filter((change) => change.field === 'title' && change.to === 'Noisy rule, edited once')).toHaveLength(1);
    } finally {
      sn.rules.configure({ duplicate: false });
    }
  });

  it('turns concurrent edits into a conflict and leaves ServiceNow as it is until resolved', async () => {
    const { id, sysId } = await linkedRecord({ title: 'Login loop' });
    await admin().run(`mutation($id: ID!) { pauseExternalProject(id: $id) { project { status } } }`, { id: project.id });
    await update(id, { title: 'Login loop (hub)' });
    sn.personEdit(sysId, { short_description: 'Login loop (servicenow)' });
    await sn.rules.settled();
    await admin().run(`mutation($id: ID!) { resumeExternalProject(id: $id) { project { status } } }`, { id: project.id });
    const conflicted = await eventually(() => read(id), (t) => t.openConflicts.length === 1);
    expect(conflicted.openConflicts[0]?.field).toBe('title');
    await settle();
    expect(sn.record(sysId)?.['short_description']).toBe('Login loop (servicenow)');
    await admin().run(`mutation($c: ID!) { resolveConflict(input: { conflictId: $c, value: "Login loop (agreed)" }) { conflict { status } } }`, { c: conflicted.openConflicts[0]?.id });
    await eventually(async () => sn.record(sysId)?.['short_description'], (text) => text === 'Login loop (agreed)');
  });

  it('imports existing incidents once, never twice', async () => {
    sn.seed(3, (index) => ({ short_description: `Imported incident ${index + 1}`, impact: '1', urgency: '1' }));
    const start = async () =>
      (await admin().run<{ startSync: { session: { id: string } } }>(`mutation($p: ID!) { startSync(input: { projectId: $p, kind: INITIAL }) { session { id } } }`, { p: project.id })).startSync.session.id;
    const done = (sessionId: string) =>
      eventually(
        () => admin().run<{ syncSession: { status: string; created: number } }>(`query($id: ID!) { syncSession(id: $id) { status created } }`, { id: sessionId }),
        (r) => r.syncSession.status !== 'RUNNING',
        30_000,
      );
    const first = await done(await start());
    expect(first.syncSession.status).toBe('COMPLETED');
    expect(first.syncSession.created).toBeGreaterThanOrEqual(4);
    const second = await done(await start());
    expect(second.syncSession).toMatchObject({ status: 'COMPLETED', created: 0 });
    const imported = await admin().run<{ tickets: { edges: Array<{ node: { priority: string } }> } }>(`{ tickets(first: 20, filter: { text: "Imported incident" }) { edges { node { priority } } } }`);
    expect(imported.tickets.edges.map((e) => e.node.priority)).toEqual(['P1', 'P1', 'P1']);
  });

  it('follows an instance without business rules by polling sys_updated_on', async () => {
    const polled = createServiceNowSimulator();
    await polled.start();
    try {
      const [seeded] = polled.seed(1, () => ({ short_description: 'Found by polling' }));
      const input = {
        ...connectInput({ token: 'oauth-token' }),
        name: 'Polled ServiceNow',
        direction: 'PULL',
        config: { instanceUrl: polled.instanceUrl },
        syncMode: 'POLLING',
        pollIntervalSeconds: 5,
      };
      await admin().run(CONNECT, { input });
      const find = (text: string) =>
        admin().run<{ tickets: { edges: Array<{ node: { id: string } }> } }>(
          `query($t: String) { tickets(first: 5, filter: { text: $t }) { edges { node { id } } } }`,
          { t: text },
        );
      const imported = await eventually(() => find('Found by polling'), (r) => r.tickets.edges.length === 1, 20_000, 250);
      polled.personEdit(seeded?.['sys_id'] ?? '', { short_description: 'Found by polling, then renamed' });
      const renamed = await eventually(() => find('then renamed'), (r) => r.tickets.edges.length === 1, 20_000, 250);
      expect(renamed.tickets.edges[0]?.node.id).toBe(imported.tickets.edges[0]?.node.id);
    } finally {
      await polled.stop();
    }
  });

  it('waits out a 429 as ServiceNow asks, and records a value it cannot map as a sync error on the link', async () => {
    const { id, sysId } = await linkedRecord({ title: 'Throttled' });
    sn.failNext(1, 429, { retryAfter: '1' });
    await update(id, { title: 'Throttled, then through' });
    await eventually(async () => sn.record(sysId)?.['short_description'], (text) => text === 'Throttled, then through', 20_000);
    await update(id, { assignee: 'zoe' });
    const view = await eventually(() => read(id), (t) => (t.mappings[0]?.errors.length ?? 0) > 0, 20_000);
    expect(view.mappings[0]?.errors[0]).toMatchObject({ field: 'assignee', direction: 'outbound' });
    expect(view.mappings[0]?.errors[0]?.message).toMatch(/zoe/);
    expect(sn.record(sysId)?.['assigned_to']).toBe('');
  });
});
