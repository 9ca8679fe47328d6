// Comments end to end with GitHub Issues: hub comments go to the issue (marked, edited, deleted),
// comments made on GitHub come to the ticket by signed `issue_comment` webhooks (edits and
// deletions too), and a lost post answer never makes a second copy. Driven through GraphQL and
// the simulator only.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGithubSimulator, type GithubSimulator } from '#simulators/github/simulator.ts';
import { eventually } from '#test/support/eventually.ts';
import { useLockstep } from '#test/support/lockstep.ts';
import { connectGithub } from '../adapters/github/support.ts';

const suite = useLockstep({ LOCKSTEP_PUSH_BACKOFF_MS: '100' });
let github: GithubSimulator;
let projectId: string;

interface CommentView {
  id: string;
  body: string;
  author: string;
  origin: string;
  deleted: boolean;
  mirrors: Array<{ projectId: string; externalId: string; deleted: boolean }>;
}

const COMMENTS = `query($id: ID!, $all: Boolean) { ticket(id: $id) { comments(first: 50, includeDeleted: $all) { edges { node { id body author origin deleted mirrors { projectId externalId deleted } } } } } }`;
const ADD = `mutation($input: AddCommentInput!) { addComment(input: $input) { comment { id body } } }`;
const EDIT = `mutation($input: EditCommentInput!) { editComment(input: $input) { comment { id body } } }`;
const DELETE = `mutation($id: ID!) { deleteComment(id: $id) { comment { id deleted } } }`;

const admin = () => suite.lockstep.admin;
const settle = (ms = 600) => new Promise((resolve) => setTimeout(resolve, ms));
const comments = async (id: string, all = false) =>
  (
    await admin().run<{ ticket: { comments: { edges: Array<{ node: CommentView }> } } }>(COMMENTS, { id, all })
  ).ticket.comments.edges.map((edge) => edge.node);
const onIssue = (number: number) => [...github.store.comments.values()].filter((c) => c.issueNumber === number);

async function linkedIssue(title: string): Promise<{ id: string; number: number }> {
  const created = await admin().run<{ createTicket: { ticket: { id: string } } }>(
    `mutation($input: CreateTicketInput!) { createTicket(input: $input) { ticket { id } } }`,
    { input: { title } },
  );
  const id = created.createTicket.ticket.id;
  await admin().run(`mutation($input: LinkTicketInput!) { linkTicket(input: $input) { pushJob { id } } }`, {
    input: { ticketId: id, projectId },
  });
  const read = () =>
    admin().run<{ ticket: { mappings: Array<{ externalId: string }> } }>(
      `query($id: ID!) { ticket(id: $id) { mappings { externalId } } }`,
      { id },
    );
  const linked = await eventually(read, (t) => t.ticket.mappings.length === 1);
  await github.webhooks.settled();
  await settle(300);
  return { id, number: Number(linked.ticket.mappings[0]?.externalId) };
}

beforeAll(async () => {
  github = createGithubSimulator();
  await github.start();
  projectId = (await connectGithub(admin(), github)).id;
});

afterAll(async () => {
  await github?.stop();
});

describe('GitHub comments', () => {
  it('posts a hub comment once, marked; its own webhook does not come back as a second comment', async () => {
    const { id, number } = await linkedIssue('Checkout times out');
    const added = await admin().run<{ addComment: { comment: { id: string } } }>(ADD, {
      input: { ticketId: id, body: 'Rolled back **v2.3**.' },
    });
    await eventually(
      async () => onIssue(number),
      (list) => list.length === 1,
    );
    expect(onIssue(number)[0]?.body).toBe(
      `Rolled back **v2.3**.\n\n<!-- lockstep:comment=${added.addComment.comment.id} -->`,
    );
    await github.webhooks.settled();
    await settle();
    const list = await comments(id);
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({
      body: 'Rolled back **v2.3**.',
      origin: 'hub',
      mirrors: [{ projectId, externalId: String(onIssue(number)[0]?.id), deleted: false }],
    });
  });

  it('sends hub edits and deletions to the GitHub comment', async () => {
    const { id, number } = await linkedIssue('Login loop');
    const added = await admin().run<{ addComment: { comment: { id: string } } }>(ADD, {
      input: { ticketId: id, body: 'Seen on Safari.' },
    });
    const commentId = added.addComment.comment.id;
    await eventually(
      async () => onIssue(number),
      (list) => list.length === 1,
    );
    await admin().run(EDIT, { input: { id: commentId, body: 'Seen on Safari and iOS Chrome.' } });
    await eventually(
      async () => onIssue(number)[0]?.body,
      (body) => body?.startsWith('Seen on Safari and iOS Chrome.') === true,
    );
    await admin().run(DELETE, { id: commentId });
    await eventually(
      async () => onIssue(number),
      (list) => list.length === 0,
    );
    await github.webhooks.settled();
    await settle();
    expect((await comments(id, true)).map((c) => c.deleted)).toEqual([true]);
  });

  it('brings comments made on GitHub to the ticket, with their edits and deletions', async () => {
    const { id, number } = await linkedIssue('Search is slow');
    github.resetCalls();
    const comment = github.personComment(number, 'Profiling shows `LIKE %x%` scans.');
    const [first] = await eventually(
      () => comments(id),
      (list) => list.length === 1,
    );
    expect(first).toMatchObject({ body: 'Profiling shows `LIKE %x%` scans.', author: 'octocat', origin: projectId });
    github.personEditComment(comment.id, 'Profiling shows `LIKE %x%` scans; added a trigram index.');
    await eventually(
      () => comments(id),
      (list) => list[0]?.body === 'Profiling shows `LIKE %x%` scans; added a trigram index.',
    );
    github.personDeleteComment(comment.id);
    await eventually(
      () => comments(id, true),
      (list) => list[0]?.deleted === true,
    );
    await github.webhooks.settled();
    await settle();
    // Nothing went back: no post, edit or delete of a comment.
    expect(
      github.callsTo('POST /repos/acme/web/issues/{n}/comments') +
        github.callsTo('PATCH /repos/acme/web/issues/comments') +
        github.callsTo('DELETE'),
    ).toBe(0);
  });

  it('finds the comment a post whose answer was lost had made, instead of posting it twice', async () => {
    const { id, number } = await linkedIssue('Answer lost');
    github.loseNextAnswers(1);
    await admin().run(ADD, { input: { ticketId: id, body: 'Posted once.' } });
    const [mirrored] = await eventually(
      () => comments(id),
      (list) => list[0]?.mirrors.length === 1,
    );
    await github.webhooks.settled();
    await settle();
    expect(onIssue(number)).toHaveLength(1);
    expect(mirrored?.mirrors[0]?.externalId).toBe(String(onIssue(number)[0]?.id));
    expect(await comments(id)).toHaveLength(1);
  });
});
