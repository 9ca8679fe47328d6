// Hub-to-hub peering between two real Lockstep hubs (each with its own database and NATS
// namespace): invitation, acceptance, the handshake on both sides, and refusals.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { query } from '#test/support/databases.ts';
import { eventually } from '#test/support/eventually.ts';
import { createTestEnvironment, startInProcess, type RunningLockstep, type TestEnvironment } from '#test/support/lockstep.ts';

const INVITE = `mutation($input: CreateConnectionInvitationInput!) {
  createConnectionInvitation(input: $input) { invitation project { id kind status handshakeStatus direction } }
}`;
const ACCEPT = `mutation($input: AcceptConnectionInvitationInput!) {
  acceptConnectionInvitation(input: $input) { project { id kind status handshakeStatus direction } }
}`;
const PROJECT = `query($id: ID!) { externalProject(id: $id) { id kind status handshakeStatus direction name } }`;

interface Project {
  id: string;
  kind: string;
  status: string;
  handshakeStatus: string;
  direction: string;
}

const environments: TestEnvironment[] = [];
let hubA: RunningLockstep;
let hubB: RunningLockstep;

beforeAll(async () => {
  const a = createTestEnvironment();
  const b = createTestEnvironment();
  environments.push(a, b);
  [hubA, hubB] = await Promise.all([startInProcess(a), startInProcess(b)]);
});

afterAll(async () => {
  await Promise.all([hubA?.stop(), hubB?.stop()]);
  await Promise.all(environments.map((env) => env.cleanup()));
});

describe('peering', () => {
  it('connects two hubs: both hold an ACTIVE LOCKSTEP_PEER project with an ACTIVE handshake', async () => {
    const invited = await hubA.admin.run<{ createConnectionInvitation: { invitation: string; project: Project } }>(INVITE, {
      input: { name: 'Hub B', direction: 'PUSH' },
    });
    const pending = invited.createConnectionInvitation.project;
    expect(pending).toMatchObject({ kind: 'LOCKSTEP_PEER', status: 'CONFIGURING', handshakeStatus: 'PENDING', direction: 'PUSH' });
    expect(invited.createConnectionInvitation.invitation).toMatch(/^lockstep-invite\./);

    const accepted = await hubB.admin.run<{ acceptConnectionInvitation: { project: Project } }>(ACCEPT, {
      input: { invitation: invited.createConnectionInvitation.invitation, name: 'Hub A' },
    });
    expect(accepted.acceptConnectionInvitation.project).toMatchObject({
      kind: 'LOCKSTEP_PEER',
      status: 'ACTIVE',
      handshakeStatus: 'ACTIVE',
      direction: 'PULL',
    });
    const onA = await hubA.admin.run<{ externalProject: Project }>(PROJECT, { id: pending.id });
    expect(onA.externalProject).toMatchObject({ status: 'ACTIVE', handshakeStatus: 'ACTIVE', direction: 'PUSH' });

    const again = await hubB.admin.request(ACCEPT, { input: { invitation: invited.createConnectionInvitation.invitation, name: 'Twice' } });
    expect(again.errors?.[0]?.message).toMatch(/already accepted/);
  });

  it('refuses a damaged invitation, and LOCKSTEP_PEER through connectExternalProject, with clear errors', async () => {
    const damaged = await hubB.admin.request(ACCEPT, { input: { invitation: 'lockstep-invite.bm90LWpzb24', name: 'x' } });
    expect(damaged.errors?.[0]?.message).toMatch(/invitation: damaged/);
    const notOne = await hubB.admin.request(ACCEPT, { input: { invitation: 'hello', name: 'x' } });
    expect(notOne.errors?.[0]?.message).toMatch(/not a Lockstep invitation/);
    const direct = await hubA.admin.request(
      `mutation { connectExternalProject(input: { name: "p", kind: LOCKSTEP_PEER, direction: PUSH, config: {}, credentials: {} }) { project { id } } }`,
    );
    expect(direct.errors?.[0]?.message).toMatch(/createConnectionInvitation/);
  });

  it('answers the accept endpoint with 401 for a wrong secret and 400 for a malformed request', async () => {
    const invited = await hubA.admin.run<{ createConnectionInvitation: { project: Project } }>(INVITE, { input: { name: 'Other', direction: 'BIDIRECTIONAL' } });
    const post = (body: unknown) =>
      fetch(`${hubA.url}/api/peering/accept`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const wrong = await post({
      projectId: invited.createConnectionInvitation.project.id,
      secret: 'x'.repeat(43),
      hubUrl: hubB.url,
      peerProjectId: '00000000-0000-4000-8000-000000000000',
      webhookSecret: 'w'.repeat(43),
      apiToken: 't'.repeat(43),
      hubReplica: 'hub:deadbeef',
    });
    expect(wrong.status).toBe(401);
    const malformed = await post({ projectId: 'nope' });
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as { error: string }).error).toMatch(/projectId/);
    const status = await hubA.admin.run<{ externalProject: Project }>(PROJECT, { id: invited.createConnectionInvitation.project.id });
    expect(status.externalProject.status).toBe('CONFIGURING');
  });
});

describe('peered hubs syncing tickets', () => {
  const TICKET = `query($id: ID!) { ticket(id: $id) { id title status version mappings { externalId project { id } } openConflicts { id field } } }`;
  interface TicketView {
    id: string;
    title: string;
    status: string;
    mappings: Array<{ externalId: string; project: { id: string } }>;
    openConflicts: Array<{ id: string; field: string }>;
  }
  let onA: string;
  let onB: string;

  const read = async (hub: RunningLockstep, id: string) => (await hub.admin.run<{ ticket: TicketView }>(TICKET, { id })).ticket;
  const edit = (hub: RunningLockstep, id: string, fields: Record<string, unknown>) =>
    hub.admin.run(`mutation($input: UpdateTicketInput!) { updateTicket(input: $input) { ticket { id } } }`, { input: { id, ...fields } });
  const inboxCount = async (env: TestEnvironment) => Number((await query<{ n: string }>(env.databaseUrl, 'select count(*) as n from inbox'))[0]?.n);

  beforeAll(async () => {
    const invited = await hubA.admin.run<{ createConnectionInvitation: { invitation: string; project: Project } }>(INVITE, {
      input: { name: 'Hub B (sync)', direction: 'BIDIRECTIONAL' },
    });
    const accepted = await hubB.admin.run<{ acceptConnectionInvitation: { project: Project } }>(ACCEPT, {
      input: { invitation: invited.createConnectionInvitation.invitation, name: 'Hub A (sync)' },
    });
    onA = invited.createConnectionInvitation.project.id;
    onB = accepted.acceptConnectionInvitation.project.id;
  });

  it('linkTicket on one hub creates the twin on the other, and edits flow both ways without a loop', async () => {
    const created = await hubA.admin.run<{ createTicket: { ticket: { id: string } } }>(`mutation { createTicket(input: { title: "Shared incident", kind: INCIDENT }) { ticket { id } } }`);
    const ticketA = created.createTicket.ticket.id;
    await hubA.admin.run(`mutation($input: LinkTicketInput!) { linkTicket(input: $input) { pushJob { id } } }`, { input: { ticketId: ticketA, projectId: onA } });
    const linked = await eventually(() => read(hubA, ticketA), (t) => t.mappings.length === 1);
    const ticketB = linked.mappings[0]?.externalId ?? '';
    const twin = await read(hubB, ticketB);
    expect(twin).toMatchObject({ title: 'Shared incident', mappings: [{ externalId: ticketA, project: { id: onB } }] });

    await edit(hubB, ticketB, { status: 'ACKNOWLEDGED' });
    await eventually(() => read(hubA, ticketA), (t) => t.status === 'ACKNOWLEDGED');
    await edit(hubA, ticketA, { title: 'Shared incident: database' });
    await eventually(() => read(hubB, ticketB), (t) => t.title === 'Shared incident: database');

    const [a1, b1] = [await inboxCount(environments[0]!), await inboxCount(environments[1]!)];
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect([await inboxCount(environments[0]!), await inboxCount(environments[1]!)]).toEqual([a1, b1]);
    expect((await read(hubA, ticketA)).openConflicts).toEqual([]);
    expect((await read(hubB, ticketB)).openConflicts).toEqual([]);
  });

  it('concurrent edits open twin conflicts; resolving on one hub closes the twin on the other', async () => {
    const created = await hubB.admin.run<{ createTicket: { ticket: { id: string } } }>(`mutation { createTicket(input: { title: "Contested" }) { ticket { id } } }`);
    const ticketB = created.createTicket.ticket.id;
    await hubB.admin.run(`mutation($input: LinkTicketInput!) { linkTicket(input: $input) { pushJob { id } } }`, { input: { ticketId: ticketB, projectId: onB } });
    const ticketA = (await eventually(() => read(hubB, ticketB), (t) => t.mappings.length === 1)).mappings[0]?.externalId ?? '';

    await hubA.admin.run(`mutation($id: ID!) { pauseExternalProject(id: $id) { project { status } } }`, { id: onA });
    await edit(hubA, ticketA, { title: 'Contested: A says' });
    await edit(hubB, ticketB, { title: 'Contested: B says' });
    await hubA.admin.run(`mutation($id: ID!) { resumeExternalProject(id: $id) { project { status } } }`, { id: onA });

    const conflictedA = await eventually(() => read(hubA, ticketA), (t) => t.openConflicts.length === 1);
    await eventually(() => read(hubB, ticketB), (t) => t.openConflicts.length === 1);
    await hubA.admin.run(`mutation($id: ID!, $v: JSON!) { resolveConflict(input: { conflictId: $id, value: $v }) { conflict { status } } }`, {
      id: conflictedA.openConflicts[0]?.id,
      v: 'Contested: agreed',
    });
    const settledB = await eventually(() => read(hubB, ticketB), (t) => t.openConflicts.length === 0);
    expect(settledB.title).toBe('Contested: agreed');
    expect((await read(hubA, ticketA)).title).toBe('Contested: agreed');
  });

  it('comments travel between hubs both ways, with their edits and deletions, and stop there', async () => {
    const COMMENTS = `query($id: ID!) { ticket(id: $id) { comments(first: 20) { edges { node { id body author originProject { name } } } } } }`;
    type CommentView = { id: string; body: string; author: string; originProject: { name: string } | null };
    const comments = async (hub: RunningLockstep, id: string) =>
      (await hub.admin.run<{ ticket: { comments: { edges: Array<{ node: CommentView }> } } }>(COMMENTS, { id })).ticket.comments.edges.map((e) => e.node);
    const add = (hub: RunningLockstep, ticketId: string, body: string) =>
      hub.admin.run<{ addComment: { comment: { id: string } } }>(`mutation($input: AddCommentInput!) { addComment(input: $input) { comment { id } } }`, { input: { ticketId, body } });
    const pushJobs = async (env: TestEnvironment) => Number((await query<{ n: string }>(env.databaseUrl, `select count(*) as n from push_jobs where operation = 'comment'`))[0]?.n);

    const created = await hubA.admin.run<{ createTicket: { ticket: { id: string } } }>(`mutation { createTicket(input: { title: "Talked about on both hubs" }) { ticket { id } } }`);
    const ticketA = created.createTicket.ticket.id;
    await hubA.admin.run(`mutation($input: LinkTicketInput!) { linkTicket(input: $input) { pushJob { id } } }`, { input: { ticketId: ticketA, projectId: onA } });
    const ticketB = (await eventually(() => read(hubA, ticketA), (t) => t.mappings.length === 1)).mappings[0]?.externalId ?? '';

    await add(hubA, ticketA, 'Paging the database team.');
    const [fromA] = await eventually(() => comments(hubB, ticketB), (list) => list.length === 1);
    expect(fromA).toMatchObject({ body: 'Paging the database team.', originProject: { name: 'Hub A (sync)' } });
    await add(hubB, ticketB, 'Database team here, looking.');
    await eventually(() => comments(hubA, ticketA), (list) => list.map((c) => c.body).includes('Database team here, looking.'));

    await hubB.admin.run(`mutation($input: EditCommentInput!) { editComment(input: $input) { comment { id } } }`, { input: { id: fromA?.id, body: 'Paging the database team (done).' } });
    await eventually(() => comments(hubA, ticketA), (list) => list[0]?.body === 'Paging the database team (done).');
    const onHubA = await comments(hubA, ticketA);
    await hubA.admin.run(`mutation($id: ID!) { deleteComment(id: $id) { comment { id } } }`, { id: onHubA.find((c) => c.body === 'Database team here, looking.')?.id });
    await eventually(() => comments(hubB, ticketB), (list) => list.length === 1);

    const before = [await pushJobs(environments[0]!), await pushJobs(environments[1]!)];
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect([await pushJobs(environments[0]!), await pushJobs(environments[1]!)]).toEqual(before);
    expect((await comments(hubA, ticketA)).map((c) => c.body)).toEqual(['Paging the database team (done).']);
    expect((await comments(hubB, ticketB)).map((c) => c.body)).toEqual(['Paging the database team (done).']);
  });

  it('a reconcile reads the linked tickets of the peer and finds everything in step', async () => {
    const started = await hubB.admin.run<{ startSync: { session: { id: string } } }>(
      `mutation($p: ID!) { startSync(input: { projectId: $p, kind: RECONCILE, dryRun: true }) { session { id } } }`,
      { p: onB },
    );
    const done = await eventually(
      () => hubB.admin.run<{ syncSession: { status: string; created: number; updated: number; conflicts: number; errors: number; unchanged: number } }>(
        `query($id: ID!) { syncSession(id: $id) { status created updated conflicts errors unchanged } }`,
        { id: started.startSync.session.id },
      ),
      (r) => r.syncSession.status !== 'RUNNING',
    );
    expect(done.syncSession).toMatchObject({ status: 'COMPLETED', created: 0, updated: 0, conflicts: 0, errors: 0 });
    expect(done.syncSession.unchanged).toBeGreaterThanOrEqual(2);
  });
});
