// One run per push job: two Lockstep processes share the database and JetStream, the receiver is
// slow to answer a create, and the job's message arrives a second time while the first run is still
// waiting (as a sweeper or a redelivery would send it). The create is made once.
import { afterAll, describe, expect, it } from 'vitest';
import { connect } from '@nats-io/transport-node';
import { jetstream } from '@nats-io/jetstream';
import { createGenericWebhookSimulator } from '#adapters/generic-webhook/simulator.ts';
import { eventually } from '#test/support/eventually.ts';
import { createTestEnvironment, startInProcess, type RunningLockstep } from '#test/support/lockstep.ts';

const SECRET = 'lease-secret';
const env = createTestEnvironment();
const receiver = createGenericWebhookSimulator({ secret: SECRET });
const processes: RunningLockstep[] = [];

afterAll(async () => {
  for (const lockstep of processes) await lockstep.stop();
  await receiver.stop();
  await env.cleanup();
});

/** Publishes the job's `push.requested` message again, as a re-send would. */
async function resend(message: Record<string, string>): Promise<void> {
  const nc = await connect({ servers: env.natsUrl });
  try {
    await jetstream(nc).publish(`${env.prefix}.events.push.${message['projectId']}.requested`, JSON.stringify(message));
  } finally {
    await nc.close();
  }
}

describe('a slow create seen by two processes', () => {
  it('is sent once, and the ticket is linked to the one item', async () => {
    await receiver.start();
    processes.push(await startInProcess(env), await startInProcess(env));
    const [first] = processes as [RunningLockstep];
    const { connectExternalProject } = await first.admin.run<{ connectExternalProject: { project: { id: string } } }>(
      `mutation($input: ConnectExternalProjectInput!) { connectExternalProject(input: $input) { project { id } } }`,
      { input: { name: 'Slow receiver', kind: 'GENERIC_WEBHOOK', direction: 'PUSH', config: { targetUrl: receiver.url }, credentials: { secret: SECRET } } },
    );
    const projectId = connectExternalProject.project.id;
    const { createTicket } = await first.admin.run<{ createTicket: { ticket: { id: string } } }>(`mutation { createTicket(input: { title: "Made once" }) { ticket { id } } }`);
    const ticketId = createTicket.ticket.id;

    receiver.delayAnswers(3_000, 1);
    const { linkTicket } = await first.admin.run<{ linkTicket: { pushJob: { id: string } } }>(
      `mutation($input: LinkTicketInput!) { linkTicket(input: $input) { pushJob { id } } }`,
      { input: { ticketId, projectId } },
    );
    await receiver.waitForDeliveries(1);
    // The first run is waiting for the receiver's answer: the same message comes again, twice.
    const message = { type: 'push.requested', projectId, ticketId, jobId: linkTicket.pushJob.id };
    await resend(message);
    await resend(message);

    const linked = await eventually(
      () => first.admin.run<{ ticket: { mappings: Array<{ externalId: string }> } }>(`query($id: ID!) { ticket(id: $id) { mappings { externalId } } }`, { id: ticketId }),
      (r) => r.ticket.mappings.length === 1,
    );
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const creates = receiver.deliveries.filter((d) => d.event === 'ticket.created');
    expect(creates).toHaveLength(1);
    expect(receiver.items.size).toBe(1);
    expect(linked.ticket.mappings[0]?.externalId).toBe([...receiver.items.keys()][0]);
  });
});
