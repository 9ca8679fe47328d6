// One slow system never stalls the others: project A's receiver hangs on every push, and project
// B's pushes still go out while A's are all waiting.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGenericWebhookSimulator } from '#adapters/generic-webhook/simulator.ts';
import { useLockstep } from '#test/support/lockstep.ts';

const SECRET = 'slow-secret';
const suite = useLockstep();
const slow = createGenericWebhookSimulator({ secret: SECRET });
const quick = createGenericWebhookSimulator({ secret: SECRET });
const admin = () => suite.lockstep.admin;

async function connect(name: string, url: string): Promise<string> {
  const data = await admin().run<{ connectExternalProject: { project: { id: string } } }>(
    `mutation($input: ConnectExternalProjectInput!) { connectExternalProject(input: $input) { project { id } } }`,
    { input: { name, kind: 'GENERIC_WEBHOOK', direction: 'PUSH', config: { targetUrl: url }, credentials: { secret: SECRET } } },
  );
  return data.connectExternalProject.project.id;
}

async function link(title: string, projectId: string): Promise<void> {
  const { createTicket } = await admin().run<{ createTicket: { ticket: { id: string } } }>(
    `mutation($input: CreateTicketInput!) { createTicket(input: $input) { ticket { id } } }`,
    { input: { title } },
  );
  await admin().run(`mutation($input: LinkTicketInput!) { linkTicket(input: $input) { pushJob { id } } }`, { input: { ticketId: createTicket.ticket.id, projectId } });
}

beforeAll(async () => {
  await Promise.all([slow.start(), quick.start()]);
});

afterAll(async () => {
  await Promise.all([slow.stop(), quick.stop()]);
});

describe('a project whose system hangs', () => {
  it('holds only its own pushes: another project is served meanwhile', async () => {
    const a = await connect('Hanging', slow.url);
    const b = await connect('Healthy', quick.url);
    slow.delayAnswers(12_000);
    for (let i = 0; i < 6; i++) await link(`Hanging ${i}`, a);
    // A's system has its pushes in hand and answers none of them.
    await slow.waitForDeliveries(4, 10_000);
    await link('Healthy 1', b);
    await link('Healthy 2', b);
    const delivered = await quick.waitForDeliveries(2, 8_000);
    expect(delivered.map((d) => (d.body as { ticket: { title: string } }).ticket.title).sort()).toEqual(['Healthy 1', 'Healthy 2']);
    // ... while every push to A was still waiting for its answer (no A item is linked yet).
    const hanging = await admin().run<{ tickets: { edges: Array<{ node: { mappings: unknown[] } }> } }>(
      `{ tickets(first: 10, filter: { text: "Hanging" }) { edges { node { mappings { id } } } } }`,
    );
    expect(hanging.tickets.edges).toHaveLength(6);
    expect(hanging.tickets.edges.every((e) => e.node.mappings.length === 0)).toBe(true);
  });
});
