// A push that is still failing when Lockstep stops is not lost: after a restart the job, kept in
// PostgreSQL with its JetStream message unacknowledged, is retried under the same delivery id.
import { afterAll, describe, expect, it } from 'vitest';
import { createGenericWebhookSimulator } from '#simulators/generic-webhook/simulator.ts';
import { eventually } from '#test/support/eventually.ts';
import { createTestEnvironment, startInProcess, type RunningLockstep } from '#test/support/lockstep.ts';

const SECRET = 'restart-secret';
const env = createTestEnvironment();
const receiver = createGenericWebhookSimulator({ secret: SECRET });
let running: RunningLockstep | undefined;

afterAll(async () => {
  await running?.stop();
  await receiver.stop();
  await env.cleanup();
});

describe('a push pending across a restart', () => {
  it('is delivered after Lockstep comes back, once, under the same delivery id', async () => {
    await receiver.start();
    const settings = { LOCKSTEP_PUSH_BACKOFF_MS: '800', LOCKSTEP_PUSH_MAX_ATTEMPTS: '10' };
    running = await startInProcess(env, settings);
    const project = await running.admin.run<{ connectExternalProject: { project: { id: string } } }>(
      `mutation($input: ConnectExternalProjectInput!) { connectExternalProject(input: $input) { project { id } } }`,
      { input: { name: 'Receiver', kind: 'GENERIC_WEBHOOK', direction: 'PUSH', config: { targetUrl: receiver.url }, credentials: { secret: SECRET } } },
    );
    const ticket = await running.admin.run<{ createTicket: { ticket: { id: string } } }>(
      `mutation { createTicket(input: { title: "Survives a restart" }) { ticket { id } } }`,
    );
    receiver.failNext(2, 503);
    await running.admin.run(`mutation($input: LinkTicketInput!) { linkTicket(input: $input) { pushJob { id } } }`, {
      input: { ticketId: ticket.createTicket.ticket.id, projectId: project.connectExternalProject.project.id },
    });
    await eventually(async () => receiver.deliveries.length, (n) => n >= 1);
    await running.stop();
    running = undefined;
    const beforeRestart = receiver.deliveries.length;

    running = await startInProcess(env, settings);
    const delivered = await eventually(async () => receiver.deliveries.filter((d) => d.status < 300), (d) => d.length >= 1, 30_000);
    expect(delivered).toHaveLength(1);
    expect(receiver.deliveries.length).toBeGreaterThan(beforeRestart);
    const ids = new Set(receiver.deliveries.map((d) => (d.body as { deliveryId: string }).deliveryId));
    expect(ids.size).toBe(1);
    const linked = await eventually(
      () => running!.admin.run<{ ticket: { mappings: Array<{ externalId: string }> } }>(`query($id: ID!) { ticket(id: $id) { mappings { externalId } } }`, {
        id: ticket.createTicket.ticket.id,
      }),
      (r) => r.ticket.mappings.length === 1,
    );
    expect(linked.ticket.mappings[0]?.externalId).toBeTruthy();
  });
});
