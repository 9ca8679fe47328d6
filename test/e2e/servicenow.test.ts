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

const gql = {
  connect: `mutation($input: ConnectExternalProjectInput!) {
    connectExternalProject(input: $input) { project { id status webhookUrl webhookSecret } } }`,
  ticket: `query($id: ID!) { ticket(id: $id) { id title description status priority assignee
    mappings { externalId errors { field direction message } } openConflicts { id field } } }`,
  create: 'mutation($input: CreateTicketInput!) { createTicket(input: $input) { ticket { id } } }',
  update: 'mutation($input: UpdateTicketInput!) { updateTicket(input: $input) { ticket { id } } }',
  link: 'mutation($input: LinkTicketInput!) { linkTicket(input: $input) { pushJob { id } } }',
  comments: `query($id: ID!) { ticket(id: $id) { comments(first: 20, includeDeleted: true) {
    edges { node { id body author deleted mirrors { externalId } } } } } }`,
  addComment: 'mutation($input: AddCommentInput!) { addComment(input: $input) { comment { id } } }',
  editComment: 'mutation($input: EditCommentInput!) { editComment(input: $input) { comment { id } } }',
  deleteComment: 'mutation($id: ID!) { deleteComment(id: $id) { comment { id } } }',
  pause: 'mutation($id: ID!) { pauseExternalProject(id: $id) { project { status } } }',
  resume: 'mutation($id: ID!) { resumeExternalProject(id: $id) { project { status } } }',
  resolve: `mutation($c: ID!, $v: JSON!) {
    resolveConflict(input: { conflictId: $c, value: $v }) { conflict { status } } }`,
  startSync: 'mutation($p: ID!) { startSync(input: { projectId: $p, kind: INITIAL }) { session { id } } }',
  session: 'query($id: ID!) { syncSession(id: $id) { status created } }',
  find: 'query($t: String) { tickets(first: 20, filter: { text: $t }) { edges { node { id priority } } } }',
  links: '{ tickets(first: 50) { edges { node { mappings { externalId } } } } }',
  history: 'query($id: ID!) { ticket(id: $id) { history(last: 50) { field to } } }',
};

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
interface CommentView {
  id: string;
  body: string;
  author: string;
  deleted: boolean;
  mirrors: Array<{ externalId: string }>;
}
type Edges<T> = { edges: Array<{ node: T }> };

const admin = () => suite.lockstep.admin;
const read = async (id: string) => (await admin().run<{ ticket: TicketView }>(gql.ticket, { id })).ticket;
const create = async (input: Record<string, unknown>) =>
  (await admin().run<{ createTicket: { ticket: { id: string } } }>(gql.create, { input })).createTicket.ticket.id;
const update = (id: string, fields: Record<string, unknown>) => admin().run(gql.update, { input: { id, ...fields } });
const nodes = <T>(connection: Edges<T>) => connection.edges.map((edge) => edge.node);
const commentsOf = async (id: string) =>
  nodes((await admin().run<{ ticket: { comments: Edges<CommentView> } }>(gql.comments, { id })).ticket.comments);
const find = async (text: string) =>
  nodes((await admin().run<{ tickets: Edges<{ id: string; priority: string }> }>(gql.find, { t: text })).tickets);
const linksTo = async (sysId: string) => {
  const { tickets } = await admin().run<{ tickets: Edges<{ mappings: Array<{ externalId: string }> }> }>(gql.links);
  return nodes(tickets).filter((ticket) => ticket.mappings.some((m) => m.externalId === sysId)).length;
};
const settle = async (ms = 500) => {
  await sn.rules.settled();
  await new Promise((resolve) => setTimeout(resolve, ms));
};
const patches = () =>
  [...sn.calls.entries()].filter(([endpoint]) => endpoint.startsWith('PATCH')).reduce((n, [, count]) => n + count, 0);
const journal = (sysId: string) => sn.comments(sysId).map((entry) => entry['value']);
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
  await admin().run(gql.link, { input: { ticketId: id, projectId: project.id } });
  const ticket = await eventually(() => read(id), (t) => t.mappings.length === 1);
  await settle(300);
  return { id, sysId: ticket.mappings[0]?.externalId ?? '' };
}

beforeAll(async () => {
  sn = createServiceNowSimulator({ readOnlyUser: { username: 'auditor', password: 'audit-pw' } });
  await sn.start();
  sn.seed(1, () => ({ short_description: 'Already there before Lockstep' }));
  const credentials = { username: 'lockstep.integration', password: 'integration-password' };
  const connected = await admin().run<{ connectExternalProject: { project: typeof project } }>(gql.connect, {
    input: connectInput(credentials),
  });
  project = connected.connectExternalProject.project;
  sn.rules.configure({ url: project.webhookUrl, secret: project.webhookSecret, auth: 'basic' });
});

afterAll(async () => {
  await sn?.stop();
});

describe('ServiceNow', () => {
  it('tests the connection on connect: refused credentials and a user who cannot write are named', async () => {
    const wrong = connectInput({ username: 'lockstep.integration', password: 'wrong' });
    const refused = await admin().request(gql.connect, { input: wrong });
    expect(refused.errors?.[0]?.message).toMatch(/connection test failed: the credentials were refused/);
    const auditor = connectInput({ username: 'auditor', password: 'audit-pw' });
    const readOnly = await admin().request(gql.connect, { input: auditor });
    expect(readOnly.errors?.[0]?.message).toMatch(/connection test failed.*ACL/);
  });

  it('creates the incident with the ticket id in correlation_id; its own delivery makes no twin', async () => {
    const input = { title: 'Payments are failing', description: 'Card declines', priority: 'P2' };
    const { id, sysId } = await linkedRecord(input);
    expect(sn.record(sysId)).toMatchObject({
      short_description: 'Payments are failing',
      description: 'Card declines',
      impact: '1',
      urgency: '2',
      priority: '2',
      state: '1',
      correlation_id: id,
      correlation_display: 'Lockstep',
    });
    await settle();
    expect(await linksTo(sysId)).toBe(1);
  });

  it('adopts the record a create whose answer was lost had made, instead of a twin', async () => {
    sn.loseNextAnswers(1);
    const { id, sysId } = await linkedRecord({ title: 'Answer lost on the way back' });
    const made = [...sn.store.records.values()].filter((r) => r['short_description'] === 'Answer lost on the way back');
    expect(made.map((record) => record['sys_id'])).toEqual([sysId]);
    expect(made[0]?.['correlation_id']).toBe(id);
  });

  it('sends a hub edit to ServiceNow and does not write its own echo back', async () => {
    const { id, sysId } = await linkedRecord({ title: 'Search is slow' });
    sn.resetCalls();
    await update(id, { title: 'Search is slow for EU users', priority: 'P1', assignee: 'beth' });
    const arrived = (record = sn.record(sysId)) =>
      record?.['short_description'] === 'Search is slow for EU users' && record['assigned_to'] !== '';
    await eventually(async () => sn.record(sysId), (record) => arrived(record));
    expect(sn.record(sysId)).toMatchObject({ impact: '1', urgency: '1', priority: '1' });
    await settle();
    const ticket = await read(id);
    expect(ticket).toMatchObject({ title: 'Search is slow for EU users', priority: 'P1', assignee: 'beth' });
    expect(ticket.openConflicts).toEqual([]);
    expect(patches()).toBe(1);
  });

  it('brings a change made in ServiceNow to the hub through the business rule, without writing it back', async () => {
    const { id, sysId } = await linkedRecord({ title: 'Cache stampede' });
    sn.resetCalls();
    sn.personEdit(sysId, { short_description: 'Cache stampede on checkout', impact: '2', urgency: '3', state: '2' });
    const applied = (t: TicketView) => t.title === 'Cache stampede on checkout' && t.priority === 'P4';
    const ticket = await eventually(() => read(id), applied);
    expect(ticket.status).toBe('IN_PROGRESS');
    await settle();
    expect(patches()).toBe(0);
  });

  it('resolving sets close_code and close_notes; reopening clears them; a closure in ServiceNow arrives', async () => {
    const { id, sysId } = await linkedRecord({ title: 'Disk filling up' });
    await update(id, { status: 'RESOLVED' });
    await eventually(async () => sn.record(sysId)?.['state'], (state) => state === '6');
    const notes = `Resolved in Lockstep (ticket ${id})`;
    expect(sn.record(sysId)).toMatchObject({ close_code: 'Solved (Permanently)', close_notes: notes });
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
    await admin().run(gql.addComment, { input: { ticketId: id, body: 'Scaling consumers.' } });
    await eventually(async () => journal(sysId), (values) => values.length === 1);
    await eventually(() => commentsOf(id), (list) => list[0]?.mirrors.length === 1);
    sn.personComment(sysId, 'Lag back under a minute.');
    sn.personWorkNote(sysId, 'Internal: consumer 3 was stuck.');
    const arrived = await eventually(() => commentsOf(id), (list) => list.length === 2);
    // ServiceNow stamps journal entries to the second, so the two may list in either order.
    expect(arrived.map((c) => c.body).sort()).toEqual(['Lag back under a minute.', 'Scaling consumers.']);
    expect(arrived.find((c) => c.body === 'Lag back under a minute.')?.author).toBe('beth.anglin');
    await settle();
    expect(await commentsOf(id)).toHaveLength(2);
    expect(journal(sysId)).toHaveLength(2);
  });

  it('mirrors comment edits and deletions both ways through sys_journal_field', async () => {
    const { id, sysId } = await linkedRecord({ title: 'Cert expiring' });
    const entry = sn.personComment(sysId, 'Expires Friday.');
    await eventually(() => commentsOf(id), (comments) => comments.length === 1);
    sn.personEditComment(entry['sys_id'] ?? '', 'Expires Thursday.');
    await eventually(() => commentsOf(id), (comments) => comments[0]?.body === 'Expires Thursday.');
    sn.store.writeJournal(entry['sys_id'] ?? '', undefined);
    await eventually(() => commentsOf(id), (comments) => comments[0]?.deleted === true);

    const added = await admin().run<{ addComment: { comment: { id: string } } }>(gql.addComment, {
      input: { ticketId: id, body: 'Renewing now.' },
    });
    const commentId = added.addComment.comment.id;
    await eventually(async () => journal(sysId), (values) => values.includes('Renewing now.'));
    await settle();
    await admin().run(gql.editComment, { input: { id: commentId, body: 'Renewed.' } });
    await eventually(async () => journal(sysId), (values) => values.includes('Renewed.'));
    await settle();
    await admin().run(gql.deleteComment, { id: commentId });
    await eventually(async () => journal(sysId), (values) => values.length === 0);
  });

  it('ends the link when the record is deleted in ServiceNow, keeping the ticket', async () => {
    const { id, sysId } = await linkedRecord({ title: 'Duplicate of INC0010001' });
    sn.store.delete(sysId);
    const ticket = await eventually(() => read(id), (t) => t.mappings.length === 0);
    expect(ticket.title).toBe('Duplicate of INC0010001');
  });

  it('refuses a wrong secret with 401 and a malformed body with 400 naming the problem', async () => {
    const delivery = { sys_id: 'x', number: 'INC1', sys_updated_on: '2026-01-01 00:00:00', sys_mod_count: '1' };
    const post = (url: string, headers: Record<string, string> = {}, payload: unknown = delivery) =>
      fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(payload),
      });
    const wrongBasic = { authorization: `Basic ${Buffer.from('servicenow:wrong').toString('base64')}` };
    expect((await post(`${project.webhookUrl}?secret=wrong`)).status).toBe(401);
    expect((await post(project.webhookUrl, wrongBasic)).status).toBe(401);
    expect((await post(project.webhookUrl)).status).toBe(401);
    const signed = `${project.webhookUrl}?secret=${project.webhookSecret}`;
    const malformed = await post(signed, {}, { ...delivery, sys_updated_on: 'yesterday' });
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
      type History = { ticket: { history: Array<{ field: string; to: unknown }> } };
      const { ticket } = await admin().run<History>(gql.history, { id });
      const edited = (change: { field: string; to: unknown }) =>
        change.field === 'title' && change.to === 'Noisy rule, edited once';
      const applied = ticket.history.filter(edited);
      expect(applied).toHaveLength(1);
    } finally {
      sn.rules.configure({ duplicate: false });
    }
  });

  it('ends at the newest state when deliveries arrive late and out of order', async () => {
    const { id, sysId } = await linkedRecord({ title: 'Flapping' });
    sn.rules.configure({ hold: true });
    try {
      sn.personEdit(sysId, { short_description: 'Flapping: first' });
      sn.personEdit(sysId, { short_description: 'Flapping: second' });
      await sn.rules.release();
      await eventually(() => read(id), (t) => t.title === 'Flapping: second');
      await settle();
      expect((await read(id)).title).toBe('Flapping: second');
    } finally {
      sn.rules.configure({ hold: false });
    }
  });

  it('turns concurrent edits into a conflict and leaves ServiceNow as it is until resolved', async () => {
    const { id, sysId } = await linkedRecord({ title: 'Login loop' });
    await admin().run(gql.pause, { id: project.id });
    await update(id, { title: 'Login loop (hub)' });
    sn.personEdit(sysId, { short_description: 'Login loop (servicenow)' });
    await sn.rules.settled();
    await admin().run(gql.resume, { id: project.id });
    const conflicted = await eventually(() => read(id), (t) => t.openConflicts.length === 1);
    expect(conflicted.openConflicts[0]?.field).toBe('title');
    await settle();
    expect(sn.record(sysId)?.['short_description']).toBe('Login loop (servicenow)');
    await admin().run(gql.resolve, { c: conflicted.openConflicts[0]?.id, v: 'Login loop (agreed)' });
    await eventually(async () => sn.record(sysId)?.['short_description'], (text) => text === 'Login loop (agreed)');
  });

  it('imports existing incidents once, never twice', async () => {
    sn.seed(3, (index) => ({ short_description: `Imported incident ${index + 1}`, impact: '1', urgency: '1' }));
    const run = async () => {
      const started = await admin().run<{ startSync: { session: { id: string } } }>(gql.startSync, { p: project.id });
      const id = started.startSync.session.id;
      const session = () => admin().run<{ syncSession: { status: string; created: number } }>(gql.session, { id });
      return (await eventually(session, (r) => r.syncSession.status !== 'RUNNING', 30_000)).syncSession;
    };
    const first = await run();
    expect(first.status).toBe('COMPLETED');
    expect(first.created).toBeGreaterThanOrEqual(4);
    expect(await run()).toMatchObject({ status: 'COMPLETED', created: 0 });
    expect((await find('Imported incident')).map((ticket) => ticket.priority)).toEqual(['P1', 'P1', 'P1']);
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
      await admin().run(gql.connect, { input });
      const imported = await eventually(() => find('Found by polling'), (tickets) => tickets.length === 1, 20_000, 250);
      polled.personEdit(seeded?.['sys_id'] ?? '', { short_description: 'Found by polling, then renamed' });
      const renamed = await eventually(() => find('then renamed'), (tickets) => tickets.length === 1, 20_000, 250);
      expect(renamed[0]?.id).toBe(imported[0]?.id);
    } finally {
      await polled.stop();
    }
  });

  it('waits out a 429, retries a 503, and records a value it cannot map as a sync error on the link', async () => {
    const { id, sysId } = await linkedRecord({ title: 'Throttled' });
    sn.failNext(1, 429, { retryAfter: '1' });
    await update(id, { title: 'Throttled, then through' });
    const title = async () => sn.record(sysId)?.['short_description'];
    await eventually(title, (text) => text === 'Throttled, then through', 20_000);
    sn.failNext(1, 503);
    await update(id, { description: 'Through after a 503 too' });
    const description = async () => sn.record(sysId)?.['description'];
    await eventually(description, (text) => text === 'Through after a 503 too', 20_000);
    await update(id, { assignee: 'zoe' });
    const view = await eventually(() => read(id), (t) => (t.mappings[0]?.errors.length ?? 0) > 0, 20_000);
    expect(view.mappings[0]?.errors[0]).toMatchObject({ field: 'assignee', direction: 'outbound' });
    expect(view.mappings[0]?.errors[0]?.message).toMatch(/zoe/);
    expect(sn.record(sysId)?.['assigned_to']).toBe('');
  });
});
