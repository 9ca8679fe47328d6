// Duplicate comment jobs: two planners of the same comment and project at once (an edit, and a
// create's acknowledgement taking the conversation along) leave one pending job, not two.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJiraSimulator, type JiraSimulator } from '#adapters/jira/simulator.ts';
import { Comment } from '#domain/comment/comment.ts';
import { Ticket } from '#domain/ticket/ticket.ts';
import { createLogger } from '#infra/logger.ts';
import { openDatabase, type Orm } from '#infra/persistence/orm.ts';
import { planCommentPushes } from '#infra/sync/comment-planner.ts';
import { query } from '#test/support/databases.ts';
import { eventually } from '#test/support/eventually.ts';
import { connectJira } from '#test/support/jira.ts';
import { useLockstep } from '#test/support/lockstep.ts';

const suite = useLockstep();
let jira: JiraSimulator;
let orm: Orm;

beforeAll(async () => {
  jira = createJiraSimulator({ projectKey: 'OPS' });
  await jira.start();
  orm = await openDatabase(suite.env.databaseUrl, createLogger('silent'));
});

afterAll(async () => {
  await orm?.close();
  await jira?.stop();
});

describe('two planners of one comment at once', () => {
  it('leave one pending comment job', async () => {
    const admin = suite.lockstep.admin;
    const project = await connectJira(admin, jira);
    const { createTicket } = await admin.run<{ createTicket: { ticket: { id: string } } }>(`mutation { createTicket(input: { title: "Talked about" }) { ticket { id } } }`);
    const ticketId = createTicket.ticket.id;
    await admin.run(`mutation($input: LinkTicketInput!) { linkTicket(input: $input) { pushJob { id } } }`, { input: { ticketId, projectId: project.id } });
    const { addComment } = await admin.run<{ addComment: { comment: { id: string } } }>(`mutation($input: AddCommentInput!) { addComment(input: $input) { comment { id } } }`, {
      input: { ticketId, body: 'First words' },
    });
    const commentId = addComment.comment.id;
    await eventually(() => query(suite.env.databaseUrl, 'select id from comment_links where comment_id = $1', [commentId]), (rows) => rows.length === 1);
    await jira.webhooks.settled();
    // The comment needs posting again (as if the side lost it), and two planners look at once.
    await query(suite.env.databaseUrl, 'delete from comment_links where comment_id = $1', [commentId]);
    await query(suite.env.databaseUrl, `delete from push_jobs where comment_id = $1`, [commentId]);
    const plan = () =>
      orm.em.fork().transactional(async (em) => {
        const comment = await em.findOneOrFail(Comment, { id: commentId });
        const ticket = await em.findOneOrFail(Ticket, { id: ticketId });
        await planCommentPushes(em, comment, ticket.privacy, () => true);
        await new Promise((resolve) => setTimeout(resolve, 300));
      });
    await Promise.all([plan(), plan()]);
    const pending = await query(suite.env.databaseUrl, `select id from push_jobs where comment_id = $1 and status = 'pending'`, [commentId]);
    expect(pending).toHaveLength(1);
  });
});
