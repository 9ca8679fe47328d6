// Every list is a Relay connection: push jobs, sync errors and sync sessions page with cursors
// and filters like tickets do, refuse pages above 100, and a front end can list 100 tickets with
// their mappings, open conflicts and first comments within the cost limit (those load in one query
// per page, each ticket still getting exactly its own page).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGenericWebhookSimulator, type GenericWebhookSimulator } from '#simulators/generic-webhook/simulator.ts';
import { eventually } from '#test/support/eventually.ts';
import { createTestEnvironment, startInProcess, type RunningLockstep, type TestEnvironment } from '#test/support/lockstep.ts';

const SECRET = 'receiver-secret';

interface Page<T> {
  edges: Array<{ cursor: string; node: T }>;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

let env: TestEnvironment;
let lockstep: RunningLockstep;
let receiver: GenericWebhookSimulator;
let projectId: string;

const createTicket = async (title: string) =>
  (await lockstep.admin.run<{ createTicket: { ticket: { id: string; version: string } } }>(
    `mutation($title: String!) { createTicket(input: { title: $title }) { ticket { id version } } }`,
    { title },
  )).createTicket.ticket;
const link = (ticketId: string) =>
  lockstep.admin.run(`mutation($input: LinkTicketInput!) { linkTicket(input: $input) { pushJob { id } } }`, { input: { ticketId, projectId } });

beforeAll(async () => {
  receiver = createGenericWebhookSimulator({ secret: SECRET });
  await receiver.start();
  env = createTestEnvironment();
  // One attempt: a push the receiver refuses is dead at once, with a sync error.
  lockstep = await startInProcess(env, { LOCKSTEP_PUSH_BACKOFF_MS: '20', LOCKSTEP_PUSH_MAX_ATTEMPTS: '1' });
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

describe('pushJobs and syncErrors', () => {
  it('page newest first with cursors and filters', async () => {
    for (const title of ['First', 'Second', 'Third']) await link((await createTicket(title)).id);
    const PUSH_JOBS = `query($filter: PushJobFilter, $first: Int, $after: String) {
      pushJobs(filter: $filter, first: $first, after: $after) {
        edges { cursor node { id status ticket { title } } } pageInfo { hasNextPage endCursor }
      }
    }`;
    type Job = { id: string; status: string; ticket: { title: string } };
    const jobs = (variables: Record<string, unknown>) => lockstep.admin.run<{ pushJobs: Page<Job> }>(PUSH_JOBS, variables);
    const delivered = { projectId, status: 'DELIVERED' };
    await eventually(() => jobs({ filter: delivered }), (r) => r.pushJobs.edges.length === 3);

    const first = (await jobs({ filter: delivered, first: 2 })).pushJobs;
    expect(first.edges.map((edge) => edge.node.ticket.title)).toEqual(['Third', 'Second']);
    expect(first.pageInfo.hasNextPage).toBe(true);
    const rest = (await jobs({ filter: delivered, first: 2, after: first.pageInfo.endCursor })).pushJobs;
    expect(rest.edges.map((edge) => edge.node.ticket.title)).toEqual(['First']);
    expect(rest.pageInfo.hasNextPage).toBe(false);
    expect((await jobs({ filter: { projectId, status: 'DEAD' } })).pushJobs.edges).toEqual([]);

    // Two refused pushes: two dead jobs, each with its sync error.
    receiver.failNext(2, 400);
    await link((await createTicket('Refused one')).id);
    await link((await createTicket('Refused two')).id);
    const dead = await eventually(() => jobs({ filter: { projectId, status: 'DEAD' } }), (r) => r.pushJobs.edges.length === 2);
    expect(dead.pushJobs.edges.map((edge) => edge.node.ticket.title).sort()).toEqual(['Refused one', 'Refused two']);

    const ERRORS = `query($projectId: ID, $ticketId: ID, $first: Int, $after: String) {
      syncErrors(projectId: $projectId, ticketId: $ticketId, first: $first, after: $after) {
        edges { node { ticketId direction deliveryId } } pageInfo { hasNextPage endCursor }
      }
    }`;
    type SyncError = { ticketId: string; direction: string; deliveryId: string };
    const errors = (variables: Record<string, unknown>) => lockstep.admin.run<{ syncErrors: Page<SyncError> }>(ERRORS, variables);
    const one = (await errors({ projectId, first: 1 })).syncErrors;
    expect(one.edges).toHaveLength(1);
    expect(one.pageInfo.hasNextPage).toBe(true);
    const two = (await errors({ projectId, first: 1, after: one.pageInfo.endCursor })).syncErrors;
    expect(two.edges).toHaveLength(1);
    expect(two.pageInfo.hasNextPage).toBe(false);
    const deadIds = dead.pushJobs.edges.map((edge) => edge.node.id).sort();
    expect([one.edges[0]?.node.deliveryId, two.edges[0]?.node.deliveryId].sort()).toEqual(deadIds);
    const ofTicket = (await errors({ ticketId: one.edges[0]?.node.ticketId })).syncErrors.edges;
    expect(ofTicket.map((edge) => edge.node)).toEqual([one.edges[0]?.node]);
  });

  it('refuse a page above 100 and a cursor that is not one', async () => {
    const big = await lockstep.admin.request(`{ pushJobs(first: 101) { edges { cursor } } }`);
    expect(big.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
    const bogus = await lockstep.admin.request(`{ syncErrors(after: "nonsense") { edges { cursor } } }`);
    expect(bogus.errors?.[0]).toMatchObject({ message: expect.stringContaining('Invalid cursor'), extensions: { code: 'BAD_USER_INPUT' } });
  });
});

describe('syncSessions', () => {
  it('pages a project’s sessions and filters them by kind', async () => {
    const START = `mutation($input: StartSyncInput!) { startSync(input: $input) { session { id } } }`;
    const SESSION = `query($id: ID!) { syncSession(id: $id) { status } }`;
    const ids: string[] = [];
    for (const dryRun of [true, false]) {
      const { startSync } = await lockstep.admin.run<{ startSync: { session: { id: string } } }>(START, { input: { projectId, kind: 'RECONCILE', dryRun } });
      ids.push(startSync.session.id);
      await eventually(
        () => lockstep.admin.run<{ syncSession: { status: string } }>(SESSION, { id: startSync.session.id }),
        (r) => r.syncSession.status !== 'RUNNING',
      );
    }
    const SESSIONS = `query($projectId: ID!, $filter: SyncSessionFilter, $first: Int, $after: String) {
      syncSessions(projectId: $projectId, filter: $filter, first: $first, after: $after) {
        edges { node { id kind dryRun } } pageInfo { hasNextPage endCursor }
      }
    }`;
    type Session = { id: string; kind: string; dryRun: boolean };
    const sessions = (variables: Record<string, unknown>) => lockstep.admin.run<{ syncSessions: Page<Session> }>(SESSIONS, { projectId, ...variables });
    const newest = (await sessions({ first: 1 })).syncSessions;
    expect(newest.edges.map((edge) => edge.node.id)).toEqual([ids[1]]);
    expect(newest.pageInfo.hasNextPage).toBe(true);
    const older = (await sessions({ first: 1, after: newest.pageInfo.endCursor })).syncSessions;
    expect(older.edges.map((edge) => edge.node.id)).toEqual([ids[0]]);
    expect((await sessions({ filter: { kind: 'RECONCILE' } })).syncSessions.edges).toHaveLength(2);
    expect((await sessions({ filter: { kind: 'INITIAL' } })).syncSessions.edges).toEqual([]);
  });
});

describe('nested lists of a page of tickets', () => {
  it("give each ticket its own page of comments, oldest first, deleted ones only when asked", async () => {
    const comment = async (ticketId: string, body: string) =>
      (await lockstep.admin.run<{ addComment: { comment: { id: string } } }>(
        `mutation($input: AddCommentInput!) { addComment(input: $input) { comment { id } } }`,
        { input: { ticketId, body } },
      )).addComment.comment.id;
    const talkative = await createTicket('Talkative');
    for (const body of ['one', 'two', 'three']) await comment(talkative.id, body);
    await createTicket('Quiet');
    const edited = await createTicket('Edited');
    const gone = await comment(edited.id, 'withdrawn');
    await comment(edited.id, 'kept');
    await lockstep.admin.run(`mutation($id: ID!) { deleteComment(id: $id) { comment { id } } }`, { id: gone });

    type Comments = { edges: Array<{ node: { body: string } }>; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
    type Listed = { title: string; comments: Comments; everything: Comments };
    const { tickets } = await lockstep.admin.run<{ tickets: Page<Listed> }>(`{
      tickets(first: 3) { edges { cursor node {
        title
        comments(first: 2) { edges { node { body } } pageInfo { hasNextPage endCursor } }
        everything: comments(first: 5, includeDeleted: true) { edges { node { body } } pageInfo { hasNextPage endCursor } }
      } } pageInfo { hasNextPage endCursor } }
    }`);
    const bodies = (comments: Comments) => comments.edges.map((edge) => edge.node.body);
    const byTitle = new Map(tickets.edges.map((edge) => [edge.node.title, edge.node]));
    expect([...byTitle.keys()]).toEqual(['Edited', 'Quiet', 'Talkative']);
    expect(bodies(byTitle.get('Talkative')!.comments)).toEqual(['one', 'two']);
    expect(byTitle.get('Talkative')!.comments.pageInfo.hasNextPage).toBe(true);
    expect(bodies(byTitle.get('Talkative')!.everything)).toEqual(['one', 'two', 'three']);
    expect(bodies(byTitle.get('Quiet')!.comments)).toEqual([]);
    expect(bodies(byTitle.get('Edited')!.comments)).toEqual(['kept']);
    expect(bodies(byTitle.get('Edited')!.everything)).toEqual(['withdrawn', 'kept']);

    const after = byTitle.get('Talkative')!.comments.pageInfo.endCursor;
    const next = await lockstep.admin.run<{ ticket: { comments: Comments } }>(
      `query($id: ID!, $after: String) { ticket(id: $id) { comments(first: 2, after: $after) { edges { node { body } } pageInfo { hasNextPage endCursor } } } }`,
      { id: talkative.id, after },
    );
    expect(bodies(next.ticket.comments)).toEqual(['three']);
    expect(next.ticket.comments.pageInfo.hasNextPage).toBe(false);
  });
});

describe('the cost limit', () => {
  it('admits 100 tickets with their mappings and open conflicts', async () => {
    const linked = await createTicket('Linked and contested');
    await link(linked.id);
    await eventually(
      () => lockstep.admin.run<{ ticket: { mappings: unknown[] } }>(`query($id: ID!) { ticket(id: $id) { mappings { id } } }`, { id: linked.id }),
      (r) => r.ticket.mappings.length === 1,
    );
    const UPDATE = `mutation($input: UpdateTicketInput!) { updateTicket(input: $input) { ticket { version } } }`;
    const { version } = (await lockstep.admin.run<{ ticket: { version: string } }>(`query($id: ID!) { ticket(id: $id) { version } }`, { id: linked.id })).ticket;
    await lockstep.admin.run(UPDATE, { input: { id: linked.id, priority: 'P1', expectedVersion: version } });
    await lockstep.admin.run(UPDATE, { input: { id: linked.id, priority: 'P2', expectedVersion: version } });
    for (let i = 0; i < 100; i += 1) await createTicket(`Filler ${i}`);

    const LIST = `{ tickets(first: 100) {
      edges { cursor node {
        id title description status priority assignee labels privacy kind version createdAt updatedAt
        mappings { id externalId externalUrl linkedAt project { id name kind status } }
        openConflicts { id field status candidates { value origin at } }
      } }
      pageInfo { hasNextPage endCursor }
    } }`;
    type Row = { title: string; mappings: Array<{ project: { id: string } }>; openConflicts: Array<{ field: string }> };
    const listed = await lockstep.admin.request<{ tickets: Page<Row> }>(LIST);
    expect(listed.errors).toBeUndefined();
    expect(listed.data?.tickets.edges).toHaveLength(100);
    // The newest 100 are fillers; the contested ticket is on the next page with what it holds.
    const next = await lockstep.admin.run<{ tickets: Page<Row> }>(LIST.replace('first: 100', `first: 100, after: "${listed.data?.tickets.pageInfo.endCursor}"`));
    const contested = next.tickets.edges.find((edge) => edge.node.title === 'Linked and contested')?.node;
    expect(contested?.mappings.map((mapping) => mapping.project.id)).toEqual([projectId]);
    expect(contested?.openConflicts.map((conflict) => conflict.field)).toEqual(['priority']);
  });

  it('still refuses a query that would load a page of pages', async () => {
    const nested = `{ tickets(first: 100) { edges { node { comments(first: 100) { edges { node { id } } } } } } }`;
    const result = await lockstep.admin.request(nested);
    expect(result.errors?.[0]?.message).toMatch(/complexity/i);
  });
});
