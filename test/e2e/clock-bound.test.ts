// Bounded clocks end to end: a delivery dated far in the future is refused with a sync error that
// names its date, instead of making every later real report of the item stale; the next real
// report applies.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGenericWebhookSimulator } from '#simulators/generic-webhook/simulator.ts';
import { eventually } from '#test/support/eventually.ts';
import { useLockstep } from '#test/support/lockstep.ts';

const SECRET = 'clock-secret';
const suite = useLockstep();
const receiver = createGenericWebhookSimulator({ secret: SECRET });
let project: { id: string; webhookUrl: string; webhookSecret: string };

const TICKETS = `{ tickets(first: 10, filter: { text: "Clock" }) { edges { node { id title } } } }`;
const ERRORS = `query($projectId: ID!) { syncErrors(projectId: $projectId) { edges { node { externalId message value } } } }`;
const admin = () => suite.lockstep.admin;
const titles = async () => (await admin().run<{ tickets: { edges: Array<{ node: { title: string } }> } }>(TICKETS)).tickets.edges.map((e) => e.node.title);
const send = (fields: Record<string, string>, updatedAt: string) =>
  receiver.sendChange({ webhookUrl: project.webhookUrl, secret: project.webhookSecret, externalId: 'CLOCK-1', fields, updatedAt });

beforeAll(async () => {
  await receiver.start();
  const data = await admin().run<{ connectExternalProject: { project: typeof project } }>(
    `mutation($input: ConnectExternalProjectInput!) { connectExternalProject(input: $input) { project { id webhookUrl webhookSecret } } }`,
    { input: { name: 'Clocks', kind: 'GENERIC_WEBHOOK', direction: 'BIDIRECTIONAL', config: { targetUrl: receiver.url }, credentials: { secret: SECRET } } },
  );
  project = data.connectExternalProject.project;
});

afterAll(async () => {
  await receiver.stop();
});

describe('a delivery dated 2099', () => {
  it('is refused with a sync error naming the date, and a later real report applies', async () => {
    expect(await send({ title: 'Clock one' }, new Date().toISOString())).toBe(202);
    await eventually(titles, (t) => t.includes('Clock one'));

    expect(await send({ title: 'Clock from the future' }, '2099-01-01T00:00:00.000Z')).toBe(202);
    const errors = await eventually(
      async () => (await admin().run<{ syncErrors: { edges: Array<{ node: { externalId: string; message: string; value: unknown } }> } }>(ERRORS, { projectId: project.id })).syncErrors.edges.map((edge) => edge.node),
      (list) => list.length > 0,
    );
    expect(errors[0]).toMatchObject({ externalId: 'CLOCK-1', value: '2099-01-01T00:00:00.000Z' });
    expect(errors[0]?.message).toMatch(/2099-01-01T00:00:00.000Z, more than 5 minutes ahead/);

    expect(await send({ title: 'Clock two' }, new Date(Date.now() + 1_000).toISOString())).toBe(202);
    await eventually(titles, (t) => t.includes('Clock two'));
    expect(await titles()).not.toContain('Clock from the future');
  });
});
