// A push job's lease is given back by the write that ends the job (delivered, retried, dead), so no
// job is left looking held by a process: a later run of it would wrongly believe it was interrupted,
// and a retried job could not be taken again before the lease expired.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGenericWebhookSimulator } from '#simulators/generic-webhook/simulator.ts';
import { query } from '#test/support/databases.ts';
import { eventually } from '#test/support/eventually.ts';
import { useLockstep } from '#test/support/lockstep.ts';

const SECRET = 'lease-end-secret';
const suite = useLockstep({ LOCKSTEP_PUSH_BACKOFF_MS: '100', LOCKSTEP_PUSH_MAX_ATTEMPTS: '3' });
const receiver = createGenericWebhookSimulator({ secret: SECRET });

interface JobRow {
  readonly id: string;
  readonly operation: string;
  readonly status: string;
  readonly attempts: number;
  readonly mapping_id: string | null;
  readonly lease_owner: string | null;
  readonly lease_until: Date | null;
}

let ticketId = '';

const jobs = () => query<JobRow>(suite.env.databaseUrl, 'select * from push_jobs where ticket_id = $1 order by created_at', [ticketId]);
const update = (title: string) =>
  suite.lockstep.admin.run(`mutation($input: UpdateTicketInput!) { updateTicket(input: $input) { ticket { id } } }`, { input: { id: ticketId, title } });
/** The ticket's `count` jobs, once there are that many and none is pending. */
const settled = (count: number) => eventually(jobs, (rows) => rows.length === count && rows.every((row) => row.status !== 'pending'), 20_000);

beforeAll(async () => {
  await receiver.start();
  const admin = suite.lockstep.admin;
  const { connectExternalProject } = await admin.run<{ connectExternalProject: { project: { id: string } } }>(
    `mutation($input: ConnectExternalProjectInput!) { connectExternalProject(input: $input) { project { id } } }`,
    { input: { name: 'Receiver', kind: 'GENERIC_WEBHOOK', direction: 'PUSH', config: { targetUrl: receiver.url }, credentials: { secret: SECRET } } },
  );
  const { createTicket } = await admin.run<{ createTicket: { ticket: { id: string } } }>(`mutation { createTicket(input: { title: "Held once" }) { ticket { id } } }`);
  ticketId = createTicket.ticket.id;
  await admin.run(`mutation($input: LinkTicketInput!) { linkTicket(input: $input) { pushJob { id } } }`, {
    input: { ticketId, projectId: connectExternalProject.project.id },
  });
});

afterAll(async () => {
  await receiver.stop();
});

describe('the write that ends a push job', () => {
  it('gives the lease back when a create is delivered, and records the link it made on the job', async () => {
    const [create] = await settled(1);
    expect(create).toMatchObject({ operation: 'create', status: 'delivered', attempts: 0, lease_owner: null, lease_until: null });
    expect(create?.mapping_id).not.toBeNull();
  });

  it('gives the lease back when a failed push is retried, and again when the retry is delivered', async () => {
    receiver.failNext(1, 503);
    await update('Held once, retried once');
    const rows = await settled(2);
    expect(rows.at(-1)).toMatchObject({ operation: 'update', status: 'delivered', attempts: 1, lease_owner: null, lease_until: null });
    expect(receiver.deliveries.filter((delivery) => delivery.status === 503)).toHaveLength(1);
  });

  it('gives the lease back when a push ends dead', async () => {
    receiver.failNext(3, 503);
    await update('Held once, never through');
    const rows = await settled(3);
    expect(rows.at(-1)).toMatchObject({ operation: 'update', status: 'dead', attempts: 3, lease_owner: null, lease_until: null });
  });
});
