// Sync rules between two peered hubs: the admin of each hub gives, when inviting or accepting,
// the rules for what that hub sends the other; matching tickets get their twin there, once, and
// a twin is never sent back. Rules naming an unknown project are refused before anything is stored.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { query } from '#test/support/databases.ts';
import { eventually } from '#test/support/eventually.ts';
import { createTestEnvironment, startInProcess, type RunningLockstep, type TestEnvironment } from '#test/support/lockstep.ts';

const INVITE = `mutation($input: CreateConnectionInvitationInput!) {
  createConnectionInvitation(input: $input) { invitation project { id linkRules { labels } } }
}`;
const ACCEPT = `mutation($input: AcceptConnectionInvitationInput!) {
  acceptConnectionInvitation(input: $input) { project { id status linkRules { labels } } }
}`;
const FIND = `query($text: String!) { tickets(first: 10, filter: { text: $text }) { edges { node { id title labels mappings { project { id } } } } } }`;

interface Found {
  id: string;
  title: string;
  labels: string[];
  mappings: Array<{ project: { id: string } }>;
}

const environments: TestEnvironment[] = [];
let hubA: RunningLockstep;
let hubB: RunningLockstep;
let onA: string;
let onB: string;
let alphaShared: string;

const find = async (hub: RunningLockstep, text: string) =>
  (await hub.admin.run<{ tickets: { edges: Array<{ node: Found }> } }>(FIND, { text })).tickets.edges.map((edge) => edge.node);
const create = async (hub: RunningLockstep, input: Record<string, unknown>) =>
  (await hub.admin.run<{ createTicket: { ticket: { id: string } } }>(
    `mutation($input: CreateTicketInput!) { createTicket(input: $input) { ticket { id } } }`,
    { input },
  )).createTicket.ticket.id;
const settle = (ms = 1_500) => new Promise((resolve) => setTimeout(resolve, ms));

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

describe('peering with sync rules', () => {
  it('refuses rules naming an unknown project when accepting, and stores nothing', async () => {
    const invited = await hubA.admin.run<{ createConnectionInvitation: { invitation: string } }>(INVITE, {
      input: { name: 'Refused peer', direction: 'BIDIRECTIONAL' },
    });
    const before = await query(environments[1]?.databaseUrl ?? '', 'select id from external_projects');
    const unknown = randomUUID();
    const refused = await hubB.admin.request(ACCEPT, {
      input: { invitation: invited.createConnectionInvitation.invitation, name: 'Hub A', linkRules: [{ originProjectIds: [unknown] }] },
    });
    expect(refused.errors?.[0]?.message).toMatch(new RegExp(`originProjectIds: no external project with id "${unknown}"`));
    expect(await query(environments[1]?.databaseUrl ?? '', 'select id from external_projects')).toHaveLength(before.length);
  });

  it('connects with the rules each admin gave for what their hub sends', async () => {
    const invited = await hubA.admin.run<{ createConnectionInvitation: { invitation: string; project: { id: string; linkRules: unknown[] } } }>(INVITE, {
      input: { name: 'Hub B', direction: 'BIDIRECTIONAL', linkRules: [{ labels: ['for-b'] }] },
    });
    expect(invited.createConnectionInvitation.project.linkRules).toEqual([{ labels: ['for-b'] }]);
    const accepted = await hubB.admin.run<{ acceptConnectionInvitation: { project: { id: string; status: string; linkRules: unknown[] } } }>(ACCEPT, {
      input: { invitation: invited.createConnectionInvitation.invitation, name: 'Hub A', linkRules: [{ labels: ['for-a'] }] },
    });
    expect(accepted.acceptConnectionInvitation.project).toMatchObject({ status: 'ACTIVE', linkRules: [{ labels: ['for-a'] }] });
    onA = invited.createConnectionInvitation.project.id;
    onB = accepted.acceptConnectionInvitation.project.id;
  });

  it("sends what each hub's rules match, once, and never sends a twin back", async () => {
    alphaShared = await create(hubA, { title: 'Alpha shares this', labels: ['for-b'] });
    await create(hubA, { title: 'Alpha keeps this', labels: ['internal'] });
    await create(hubB, { title: 'Bravo shares this', labels: ['for-a'] });
    await create(hubA, { title: 'Alpha shares both ways', labels: ['for-a', 'for-b'] });

    const twinOnB = await eventually(() => find(hubB, 'Alpha shares this'), (found) => found.length === 1);
    expect(twinOnB[0]?.mappings.map((m) => m.project.id)).toEqual([onB]);
    const twinOnA = await eventually(() => find(hubA, 'Bravo shares this'), (found) => found.length === 1);
    expect(twinOnA[0]?.mappings.map((m) => m.project.id)).toEqual([onA]);
    await eventually(() => find(hubB, 'Alpha shares both ways'), (found) => found.length === 1);
    await settle();
    // Matching B's rules too, the twin on B is already linked to A: nothing comes back.
    expect(await find(hubA, 'Alpha shares both ways')).toHaveLength(1);
    expect(await find(hubB, 'Alpha shares this')).toHaveLength(1);
    expect(await find(hubB, 'Bravo shares this')).toHaveLength(1);
    expect(await find(hubB, 'Alpha keeps this')).toEqual([]);
  });

  it('ignores what the peer sends about a twin unlinked here, and never makes a new twin of it', async () => {
    const [twin] = await find(hubB, 'Alpha shares this');
    await hubB.admin.run(`mutation($input: UnlinkTicketInput!) { unlinkTicket(input: $input) { ticket { id } } }`, {
      input: { ticketId: twin?.id, projectId: onB },
    });
    await hubA.admin.run(`mutation($input: UpdateTicketInput!) { updateTicket(input: $input) { ticket { id } } }`, {
      input: { id: alphaShared, title: 'Alpha shares this, renamed on A' },
    });
    await settle(2_000);
    expect(await find(hubB, 'renamed on A')).toEqual([]);
    expect((await find(hubB, 'Alpha shares this')).map((t) => t.title)).toEqual(['Alpha shares this']);
  });
});
