// `ExternalProject.activity`: a project's changes per minute, in (deliveries accepted) and out
// (pushes delivered), counted from what really crossed the wire with a generic webhook receiver.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGenericWebhookSimulator, type GenericWebhookSimulator } from '#simulators/generic-webhook/simulator.ts';
import { eventually } from '#test/support/eventually.ts';
import { useLockstep } from '#test/support/lockstep.ts';

const SECRET = 'activity-receiver-secret';
const suite = useLockstep();
let receiver: GenericWebhookSimulator;
let project: { id: string; webhookUrl: string; webhookSecret: string };

interface Bucket {
  minute: string;
  inbound: number;
  outbound: number;
}
const ACTIVITY = 'query($id: ID!, $m: Int) { externalProject(id: $id) { activity(minutes: $m) { minute inbound outbound } } }';
const activity = async (minutes?: number) =>
  (await suite.lockstep.admin.run<{ externalProject: { activity: Bucket[] } }>(ACTIVITY, { id: project.id, m: minutes })).externalProject.activity;
const totals = (buckets: Bucket[]) => ({
  inbound: buckets.reduce((sum, b) => sum + b.inbound, 0),
  outbound: buckets.reduce((sum, b) => sum + b.outbound, 0),
});

beforeAll(async () => {
  receiver = createGenericWebhookSimulator({ secret: SECRET });
  await receiver.start();
  const data = await suite.lockstep.admin.run<{ connectExternalProject: { project: typeof project } }>(
    `mutation($input: ConnectExternalProjectInput!) { connectExternalProject(input: $input) { project { id webhookUrl webhookSecret } } }`,
    { input: { name: 'Activity', kind: 'GENERIC_WEBHOOK', direction: 'BIDIRECTIONAL', config: { targetUrl: receiver.url }, credentials: { secret: SECRET } } },
  );
  project = data.connectExternalProject.project;
});

afterAll(async () => {
  await receiver?.stop();
});

describe('project activity', () => {
  it('is an hour of empty minutes, oldest first, before anything happened', async () => {
    const buckets = await activity();
    expect(buckets).toHaveLength(60);
    expect(totals(buckets)).toEqual({ inbound: 0, outbound: 0 });
    const minutes = buckets.map((b) => Date.parse(b.minute));
    expect(minutes.every((at, i) => i === 0 || at - (minutes[i - 1] ?? 0) === 60_000)).toBe(true);
    expect(Date.now() - (minutes.at(-1) ?? 0)).toBeLessThan(60_000 + 5_000);
  });

  it('counts accepted deliveries in and delivered pushes out', async () => {
    for (const externalId of ['A-1', 'A-2', 'A-3']) {
      expect(await receiver.sendChange({ webhookUrl: project.webhookUrl, secret: project.webhookSecret, externalId, fields: { title: `Item ${externalId}` } })).toBe(202);
    }
    // A refused delivery (bad signature) is not activity.
    expect(await receiver.sendChange({ webhookUrl: project.webhookUrl, secret: 'wrong', externalId: 'A-4', fields: { title: 'x' } })).toBe(401);
    const created = await suite.lockstep.admin.run<{ createTicket: { ticket: { id: string } } }>('mutation { createTicket(input: { title: "Pushed out" }) { ticket { id } } }');
    const ticketId = created.createTicket.ticket.id;
    await suite.lockstep.admin.run('mutation($t: ID!, $p: ID!) { linkTicket(input: { ticketId: $t, projectId: $p }) { pushJob { id } } }', { t: ticketId, p: project.id });
    await eventually(async () => receiver.deliveries.length, (n) => n >= 1);
    await suite.lockstep.admin.run('mutation($t: ID!) { updateTicket(input: { id: $t, title: "Pushed out again" }) { ticket { id } } }', { t: ticketId });
    await eventually(async () => receiver.deliveries.length, (n) => n >= 2);
    const seen = await eventually(() => activity(5), (buckets) => totals(buckets).outbound >= 2);
    expect(seen).toHaveLength(5);
    expect(totals(seen)).toEqual({ inbound: 3, outbound: 2 });
  });

  it('refuses a window outside 1 minute to 1 day, with a clear error', async () => {
    for (const minutes of [0, -5, 1441]) {
      const answer = await suite.lockstep.admin.request(ACTIVITY, { id: project.id, m: minutes });
      expect(answer.errors?.[0]?.message).toContain('minutes must be between 1 and 1440');
    }
  });
});
