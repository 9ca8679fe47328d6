// Comments end to end: Lockstep against the Jira simulator, whose comment webhooks carry wiki
// markup as Jira Cloud's do (so Lockstep reads each comment through REST v3), driven through
// GraphQL and signed webhooks only.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJiraSimulator, type JiraSimulator } from '#simulators/jira/simulator.ts';
import { adfToMarkdown } from '#adapters/jira/adf.ts';
import { eventually } from '#test/support/eventually.ts';
import { createGraphQLClient } from '#test/support/graphql-client.ts';
import { connectJira } from '#test/support/jira.ts';
import { useLockstep } from '#test/support/lockstep.ts';

const suite = useLockstep({ LOCKSTEP_PUSH_BACKOFF_MS: '100' });
let jira: JiraSimulator;
let projectId: string;

interface CommentView {
  id: string;
  body: string;
  author: string;
  origin: string;
  deleted: boolean;
  originProject: { name: string } | null;
  mirrors: Array<{ projectId: string; externalId: string; deleted: boolean }>;
}

const COMMENTS = `query($id: ID!, $all: Boolean) { ticket(id: $id) { comments(first: 50, includeDeleted: $all) { edges { node { id body author origin originProject { name } deleted mirrors { projectId externalId deleted } } } } } }`;
const ADD = `mutation($input: AddCommentInput!) { addComment(input: $input) { comment { id body } ticket { id } } }`;
const EDIT = `mutation($input: EditCommentInput!) { editComment(input: $input) { comment { id body } } }`;
const DELETE = `mutation($id: ID!) { deleteComment(id: $id) { comment { id deleted } } }`;

const admin = () => suite.lockstep.admin;
const settle = (ms = 800) => new Promise((resolve) => setTimeout(resolve, ms));
const comments = async (id: string, all = false) =>
  (await admin().run<{ ticket: { comments: { edges: Array<{ node: CommentView }> } } }>(COMMENTS, { id, all })).ticket.comments.edges.map((edge) => edge.node);
const jiraComments = (key: string) => jira.comments.of(key).map((c) => adfToMarkdown(c.body));
const calls = (endpoint: string) => jira.calls.get(endpoint) ?? 0;

async function linkedIssue(title: string): Promise<{ id: string; key: string }> {
  const created = await admin().run<{ createTicket: { ticket: { id: string } } }>(`mutation($input: CreateTicketInput!) { createTicket(input: $input) { ticket { id } } }`, { input: { title } });
  const id = created.createTicket.ticket.id;
  await admin().run(`mutation($input: LinkTicketInput!) { linkTicket(input: $input) { pushJob { id } } }`, { input: { ticketId: id, projectId } });
  const read = () => admin().run<{ ticket: { mappings: Array<{ externalId: string }> } }>(`query($id: ID!) { ticket(id: $id) { mappings { externalId } } }`, { id });
  const linked = await eventually(read, (t) => t.ticket.mappings.length === 1);
  await jira.webhooks.settled();
  await settle(300);
  return { id, key: linked.ticket.mappings[0]?.externalId ?? '' };
}

beforeAll(async () => {
  jira = createJiraSimulator({ projectKey: 'OPS' });
  await jira.start();
  projectId = (await connectJira(admin(), jira)).id;
});

afterAll(async () => {
  await jira?.stop();
});

describe('Jira comments', () => {
  it('posts a hub comment to the issue once; its own webhook does not come back as a second comment', async () => {
    const { id, key } = await linkedIssue('Checkout times out');
    await admin().run(ADD, { input: { ticketId: id, body: 'Rolled back **v2.3**; watching the error rate.' } });
    await eventually(async () => jiraComments(key), (bodies) => bodies.length === 1);
    expect(jiraComments(key)).toEqual(['Rolled back **v2.3**; watching the error rate.']);
    expect(jira.comments.of(key)[0]?.properties['lockstep']).toMatchObject({ commentId: expect.any(String) });
    await jira.webhooks.settled();
    const [comment] = await eventually(() => comments(id), (list) => list[0]?.mirrors.length === 1);
    await settle();
    const after = await comments(id);
    expect(after).toHaveLength(1);
    const { viewer } = await admin().run<{ viewer: { name: string } }>('{ viewer { name } }');
    expect(comment).toMatchObject({ origin: 'hub', originProject: null, author: viewer.name, mirrors: [{ projectId, externalId: jira.comments.of(key)[0]?.id, deleted: false }] });
    expect(jiraComments(key)).toHaveLength(1);
  });

  it('takes the conversation so far along when the ticket is linked by creating its issue', async () => {
    const created = await admin().run<{ createTicket: { ticket: { id: string } } }>(`mutation { createTicket(input: { title: "Login loop" }) { ticket { id } } }`);
    const id = created.createTicket.ticket.id;
    await admin().run(ADD, { input: { ticketId: id, body: 'Seen on Safari only.' } });
    await admin().run(ADD, { input: { ticketId: id, body: 'And on iOS Chrome.' } });
    await admin().run(`mutation($input: LinkTicketInput!) { linkTicket(input: $input) { pushJob { id } } }`, { input: { ticketId: id, projectId } });
    const linked = await eventually(() => comments(id), (list) => list.every((c) => c.mirrors.length === 1));
    const key = jira.comments.byId.get(linked[0]?.mirrors[0]?.externalId ?? '')?.issueKey ?? '';
    expect(jiraComments(key)).toEqual(['Seen on Safari only.', 'And on iOS Chrome.']);
  });

  it('brings a comment written in Jira to the hub, read as ADF, and does not post it back', async () => {
    const { id, key } = await linkedIssue('Disk filling up');
    jira.resetCalls();
    const live = admin().subscribe<{ commentChanged: { body: string; author: string } }>(`subscription($id: ID!) { commentChanged(ticketId: $id) { body author } }`, { id });
    await settle(300);
    const written = jira.personComment(key, 'Cleared `/var/log`, _for now_.');
    expect((await live.next()).commentChanged).toEqual({ body: 'Cleared `/var/log`, _for now_.', author: 'Pat Person' });
    await live.close();
    const [arrived] = await eventually(() => comments(id), (list) => list.length === 1);
    expect(arrived).toMatchObject({ body: 'Cleared `/var/log`, _for now_.', author: 'Pat Person', origin: projectId, originProject: { name: 'Jira OPS' }, mirrors: [{ externalId: written.id }] });
    // The webhook carried wiki markup; the comment was read through REST v3.
    expect(calls('GET /rest/api/3/issue/{key}/comment/{id}')).toBe(1);
    await settle();
    expect(calls('POST /rest/api/3/issue/{key}/comment')).toBe(0);
    expect(jira.comments.of(key)).toHaveLength(1);
  });

  it('mirrors edits both ways without echoing them back', async () => {
    const { id, key } = await linkedIssue('Queue lag');
    const written = jira.personComment(key, 'Lag at 5 minutes.');
    const [comment] = await eventually(() => comments(id), (list) => list.length === 1);
    jira.personEditComment(written.id, 'Lag at 12 minutes.');
    await eventually(() => comments(id), (list) => list[0]?.body === 'Lag at 12 minutes.');

    await admin().run(`mutation($input: AddCommentInput!) { addComment(input: $input) { comment { id } } }`, { input: { ticketId: id, body: 'Scaling consumers.' } });
    const ours = await eventually(() => comments(id), (list) => list.length === 2 && list[1]?.mirrors.length === 1);
    const ourId = ours[1]?.id ?? '';
    await jira.webhooks.settled();
    await settle();
    jira.resetCalls();
    await admin().run(EDIT, { input: { id: ourId, body: 'Scaling consumers to 8.' } });
    await eventually(async () => jiraComments(key), (bodies) => bodies.includes('Scaling consumers to 8.'));
    await jira.webhooks.settled();
    await settle();
    expect(calls('PUT /rest/api/3/issue/{key}/comment/{id}')).toBe(1);
    expect((await comments(id)).map((c) => c.body)).toEqual(['Lag at 12 minutes.', 'Scaling consumers to 8.']);
    expect(comment?.origin).toBe(projectId);
  });

  it('deletes on both sides: a comment deleted in Jira is deleted on the hub and the other way round', async () => {
    const { id, key } = await linkedIssue('Certificate expiry');
    const written = jira.personComment(key, 'Renewal ordered.');
    await eventually(() => comments(id), (list) => list.length === 1);
    jira.personDeleteComment(written.id);
    await eventually(() => comments(id), (list) => list.length === 0);
    expect((await comments(id, true))[0]).toMatchObject({ deleted: true, mirrors: [{ deleted: true }] });

    const added = await admin().run<{ addComment: { comment: { id: string } } }>(ADD, { input: { ticketId: id, body: 'Renewed, deploying.' } });
    await eventually(async () => jiraComments(key), (bodies) => bodies.length === 1);
    await jira.webhooks.settled();
    await settle();
    await admin().run(DELETE, { id: added.addComment.comment.id });
    await eventually(async () => jiraComments(key), (bodies) => bodies.length === 0);
  });

  it('deletes the hub comment when an edit finds it deleted in Jira meanwhile', async () => {
    const { id, key } = await linkedIssue('Memory leak');
    const added = await admin().run<{ addComment: { comment: { id: string } } }>(ADD, { input: { ticketId: id, body: 'Heap grows 2% per hour.' } });
    const [mirrored] = await eventually(() => comments(id), (list) => list[0]?.mirrors.length === 1);
    await jira.webhooks.settled();
    await settle(300);
    jira.webhooks.configure({ reorder: true });
    try {
      jira.personDeleteComment(mirrored?.mirrors[0]?.externalId ?? '');
      await admin().run(EDIT, { input: { id: added.addComment.comment.id, body: 'Heap grows 3% per hour.' } });
      const [gone] = await eventually(() => comments(id, true), (list) => list[0]?.deleted === true);
      expect(gone?.mirrors[0]?.deleted).toBe(true);
    } finally {
      jira.webhooks.configure({ reorder: false });
      await jira.webhooks.release();
    }
    const dead = await admin().run<{ pushJobs: { edges: Array<{ node: { id: string } }> } }>(`query($t: ID!) { pushJobs(filter: { ticketId: $t, status: DEAD }) { edges { node { id } } } }`, { t: id });
    expect(dead.pushJobs.edges).toEqual([]);
    expect(jiraComments(key)).toEqual([]);
  });

  it('applies a comment made on an issue Lockstep just created, before the create was recorded', async () => {
    const created = await admin().run<{ createTicket: { ticket: { id: string } } }>(`mutation { createTicket(input: { title: "Commented at once" }) { ticket { id } } }`);
    const id = created.createTicket.ticket.id;
    jira.loseNextAnswers(1);
    await admin().run(`mutation($input: LinkTicketInput!) { linkTicket(input: $input) { pushJob { id } } }`, { input: { ticketId: id, projectId } });
    const issue = await eventually(async () => [...jira.store.issues.values()].find((i) => i.summary === 'Commented at once'), (found) => found !== undefined);
    jira.personComment(issue?.key ?? '', 'First!');
    const [arrived] = await eventually(() => comments(id), (list) => list.length === 1);
    expect(arrived).toMatchObject({ body: 'First!', author: 'Pat Person' });
  });

  it('keeps comments restricted in Jira out of the hub, and withdraws one that becomes restricted', async () => {
    const { id, key } = await linkedIssue('Credentials leaked');
    jira.personComment(key, 'Rotated the key for account 1234.', { restrictedTo: 'Security' });
    const open = jira.personComment(key, 'Key rotated; details with Security.');
    await eventually(() => comments(id), (list) => list.length === 1);
    await jira.webhooks.settled();
    await settle();
    expect((await comments(id)).map((c) => c.body)).toEqual(['Key rotated; details with Security.']);
    jira.personEditComment(open.id, 'Key rotated; details with Security.', { restrictedTo: 'Security' });
    await eventually(() => comments(id), (list) => list.length === 0);
    expect(jira.comments.of(key)).toHaveLength(2);
  });

  it('adopts the copy a lost answer left behind instead of posting a second one', async () => {
    const { id, key } = await linkedIssue('Flaky deploys');
    jira.resetCalls();
    jira.loseNextAnswers(1);
    await admin().run(ADD, { input: { ticketId: id, body: 'Pinned the runner image.' } });
    await eventually(() => comments(id), (list) => list[0]?.mirrors.length === 1);
    await jira.webhooks.settled();
    await settle();
    expect(jiraComments(key)).toEqual(['Pinned the runner image.']);
    expect(calls('POST /rest/api/3/issue/{key}/comment')).toBe(1);
    expect((await comments(id))[0]?.mirrors[0]?.externalId).toBe(jira.comments.of(key)[0]?.id);
  });

  it('waits out a 429 and a 503 on the way, then posts the comment once', async () => {
    const { id, key } = await linkedIssue('Rate limited');
    jira.resetCalls();
    jira.failNext(1, 429, { retryAfter: '1' });
    jira.failNext(1, 503);
    await admin().run(ADD, { input: { ticketId: id, body: 'Posted despite the limits.' } });
    const [posted] = await eventually(() => comments(id), (list) => list[0]?.mirrors.length === 1, 15_000);
    expect(jiraComments(key)).toEqual(['Posted despite the limits.']);
    const jobs = await admin().run<{ pushJobs: { edges: Array<{ node: { operation: string; commentId: string | null; status: string; attempts: number } }> } }>(
      `query($t: ID!) { pushJobs(filter: { ticketId: $t }) { edges { node { operation commentId status attempts } } } }`,
      { t: id },
    );
    expect(jobs.pushJobs.edges.map((edge) => edge.node).filter((job) => job.operation === 'comment')).toEqual([{ operation: 'comment', commentId: posted?.id, status: 'DELIVERED', attempts: 2 }]);
  });

  it('refuses bad input and other people’s comments with clear errors, changing nothing', async () => {
    const { id } = await linkedIssue('Access review');
    const empty = await admin().request(ADD, { input: { ticketId: id, body: '   ' } });
    expect(empty.errors?.[0]).toMatchObject({ message: 'body: must not be empty', extensions: { code: 'BAD_USER_INPUT' } });
    const unknown = await admin().request(ADD, { input: { ticketId: '00000000-0000-4000-8000-000000000000', body: 'hello' } });
    expect(unknown.errors?.[0]?.extensions?.['code']).toBe('NOT_FOUND');
    const added = await admin().run<{ addComment: { comment: { id: string } } }>(ADD, { input: { ticketId: id, body: 'Admins only.' } });
    const issued = await admin().run<{ createApiToken: { token: string } }>(`mutation { createApiToken(input: { name: "eve", role: EDITOR }) { token } }`);
    const editor = createGraphQLClient(suite.lockstep.url, issued.createApiToken.token);
    const refused = await editor.request(EDIT, { input: { id: added.addComment.comment.id, body: 'Mine now.' } });
    expect(refused.errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');
    expect((await comments(id)).map((c) => c.body)).toEqual(['Admins only.']);
  });
});
