// Linear comments end to end: Lockstep against the Linear simulator, whose Comment webhooks carry
// the Markdown body, driven through GraphQL and signed webhooks only.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLinearSimulator, type LinearSimulator } from '#simulators/linear/simulator.ts';
import { eventually } from '#test/support/eventually.ts';
import { useLockstep } from '#test/support/lockstep.ts';
import { connectLinear } from '#test/adapters/linear/connect.ts';

const suite = useLockstep({ LOCKSTEP_PUSH_BACKOFF_MS: '100' });
let linear: LinearSimulator;
let projectId: string;

interface CommentView {
  id: string;
  body: string;
  author: string;
  origin: string;
  deleted: boolean;
  mirrors: Array<{ projectId: string; externalId: string; deleted: boolean }>;
}

const COMMENTS = `query($id: ID!, $all: Boolean) { ticket(id: $id) {
  comments(first: 50, includeDeleted: $all) {
    edges { node { id body author origin deleted mirrors { projectId externalId deleted } } }
  }
} }`;
const CREATE = `mutation($input: CreateTicketInput!) { createTicket(input: $input) { ticket { id } } }`;
const LINK = `mutation($input: LinkTicketInput!) { linkTicket(input: $input) { pushJob { id } } }`;
const MAPPINGS = `query($id: ID!) { ticket(id: $id) { mappings { externalId } } }`;
const ADD = `mutation($input: AddCommentInput!) { addComment(input: $input) { comment { id body } } }`;
const EDIT = `mutation($input: EditCommentInput!) { editComment(input: $input) { comment { id body } } }`;
const DELETE = `mutation($id: ID!) { deleteComment(id: $id) { comment { id deleted } } }`;

const admin = () => suite.lockstep.admin;
const settle = (ms = 800) => new Promise((resolve) => setTimeout(resolve, ms));
const comments = async (id: string, all = false) => {
  type Answer = { ticket: { comments: { edges: Array<{ node: CommentView }> } } };
  const answer = await admin().run<Answer>(COMMENTS, { id, all });
  return answer.ticket.comments.edges.map((edge) => edge.node);
};
const linearComments = (issueId: string) => [...linear.store.comments.values()].filter((c) => c.issueId === issueId);
const calls = (key: string) => linear.calls.get(key) ?? 0;

async function linkedIssue(title: string): Promise<{ id: string; issueId: string }> {
  const created = await admin().run<{ createTicket: { ticket: { id: string } } }>(CREATE, { input: { title } });
  const id = created.createTicket.ticket.id;
  await admin().run(LINK, { input: { ticketId: id, projectId } });
  const read = () => admin().run<{ ticket: { mappings: Array<{ externalId: string }> } }>(MAPPINGS, { id });
  const linked = await eventually(read, (t) => t.ticket.mappings.length === 1);
  await linear.webhooks.settled();
  await settle(300);
  return { id, issueId: linked.ticket.mappings[0]?.externalId ?? '' };
}

beforeAll(async () => {
  linear = createLinearSimulator({ teamKey: 'OPS' });
  await linear.start();
  projectId = (await connectLinear(admin(), linear)).id;
});

afterAll(async () => {
  await linear?.stop();
});

describe('Linear comments', () => {
  it('posts a hub comment once; its own webhook does not come back as a second comment', async () => {
    const { id, issueId } = await linkedIssue('Checkout times out');
    await admin().run(ADD, { input: { ticketId: id, body: 'Rolled back **v2.3**; watching the error rate.' } });
    await eventually(async () => linearComments(issueId), (list) => list.length === 1);
    const [posted] = linearComments(issueId);
    expect(posted?.body).toBe('Rolled back **v2.3**; watching the error rate.');
    await linear.webhooks.settled();
    await settle();
    const after = await comments(id);
    expect(after).toHaveLength(1);
    expect(after[0]).toMatchObject({ origin: 'hub', mirrors: [{ projectId, externalId: posted?.id, deleted: false }] });
    expect(calls('mutation commentCreate')).toBe(1);
  });

  it('brings a comment written in Linear to the hub and does not post it back', async () => {
    const { id, issueId } = await linkedIssue('Disk filling up');
    linear.resetCalls();
    const written = linear.personComment(issueId, 'Cleared `/var/log`, _for now_.');
    const [arrived] = await eventually(() => comments(id), (list) => list.length === 1);
    expect(arrived).toMatchObject({ body: 'Cleared `/var/log`, _for now_.', author: 'Ann Person', origin: projectId });
    expect(arrived?.mirrors).toMatchObject([{ externalId: written.id }]);
    await settle();
    expect(calls('mutation commentCreate')).toBe(0);
    expect(linearComments(issueId)).toHaveLength(1);
  });

  it('mirrors edits and deletions both ways without echoing them back', async () => {
    const { id, issueId } = await linkedIssue('Queue lag');
    const written = linear.personComment(issueId, 'Lag at 5 minutes.');
    await eventually(() => comments(id), (list) => list.length === 1);
    linear.personEditComment(written.id, 'Lag at 12 minutes.');
    await eventually(() => comments(id), (list) => list[0]?.body === 'Lag at 12 minutes.');

    await admin().run(ADD, { input: { ticketId: id, body: 'Scaling consumers.' } });
    const ours = await eventually(() => comments(id), (list) => list.length === 2 && list[1]?.mirrors.length === 1);
    await linear.webhooks.settled();
    await settle();
    linear.resetCalls();
    await admin().run(EDIT, { input: { id: ours[1]?.id, body: 'Scaling consumers to 8.' } });
    const bodies = async () => linearComments(issueId).map((c) => c.body);
    await eventually(bodies, (list) => list.includes('Scaling consumers to 8.'));
    await linear.webhooks.settled();
    await settle();
    expect(calls('mutation commentUpdate')).toBe(1);
    expect((await comments(id)).map((c) => c.body)).toEqual(['Lag at 12 minutes.', 'Scaling consumers to 8.']);

    linear.personDeleteComment(written.id);
    await eventually(() => comments(id), (list) => list.length === 1);
    await admin().run(DELETE, { id: ours[1]?.id });
    await eventually(async () => linearComments(issueId), (list) => list.length === 0);
    expect((await comments(id, true)).map((c) => c.deleted)).toEqual([true, true]);
  });

  it('adopts the comment a lost answer left behind instead of posting a second one', async () => {
    const { id, issueId } = await linkedIssue('Lost comment answer');
    linear.loseNextAnswers(1);
    await admin().run(ADD, { input: { ticketId: id, body: 'Only once, please.' } });
    await eventually(() => comments(id), (list) => list[0]?.mirrors.length === 1, 20_000);
    await linear.webhooks.settled();
    await settle();
    expect(linearComments(issueId).map((c) => c.body)).toEqual(['Only once, please.']);
    expect((await comments(id)).length).toBe(1);
  });
});
