// The generic webhook connector end to end: a real receiver (the simulator) on loopback, signed
// deliveries both ways, links created there, inbound changes not written back, duplicates and
// reordering, every bad-delivery status, and a receiver that fails and recovers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGenericWebhookSimulator, type GenericWebhookSimulator } from '#simulators/generic-webhook/simulator.ts';
import { query } from '#test/support/databases.ts';
import { eventually } from '#test/support/eventually.ts';
import { createTestEnvironment, startInProcess, type RunningLockstep, type TestEnvironment } from '#test/support/lockstep.ts';

const SECRET = 'receiver-shared-secret';
const CONNECT = `mutation($input: ConnectExternalProjectInput!) {
  connectExternalProject(input: $input) { project { id name kind status direction webhookUrl webhookSecret handshakeStatus } }
}`;
const TICKET = `query($id: ID!) { ticket(id: $id) { id title status labels version mappings { id externalId project { id } } } }`;

interface Project {
  id: string;
  status: string;
  webhookUrl: string;
  webhookSecret: string;
  handshakeStatus: string;
}
interface TicketView {
  id: string;
  title: string;
  status: string;
  labels: string[];
  mappings: Array<{ externalId: string; project: { id: string } }>;
}

let env: TestEnvironment;
let lockstep: RunningLockstep;
let receiver: GenericWebhookSimulator;
let project: Project;

beforeAll(async () => {
  receiver = createGenericWebhookSimulator({ secret: SECRET });
  await receiver.start();
  env = createTestEnvironment();
  lockstep = await startInProcess(env, { LOCKSTEP_PUSH_BACKOFF_MS: '50', LOCKSTEP_PUSH_MAX_ATTEMPTS: '3' });
  const data = await lockstep.admin.run<{ connectExternalProject: { project: Project } }>(CONNECT, {
    input: {
      name: 'Ops receiver',
      kind: 'GENERIC_WEBHOOK',
      direction: 'BIDIRECTIONAL',
      config: { targetUrl: `${receiver.url}/hook` },
      credentials: { secret: SECRET },
      defaultStrategy: 'MANUAL',
    },
  });
  project = data.connectExternalProject.project;
});

afterAll(async () => {
  await lockstep?.stop();
  await receiver?.stop();
  await env?.cleanup();
});

const readTicket = async (id: string) => (await lockstep.admin.run<{ ticket: TicketView }>(TICKET, { id })).ticket;
const createTicket = async (title: string, extra: Record<string, unknown> = {}) =>
  (await lockstep.admin.run<{ createTicket: { ticket: { id: string } } }>(
    `mutation($input: CreateTicketInput!) { createTicket(input: $input) { ticket { id } } }`,
    { input: { title, ...extra } },
  )).createTicket.ticket.id;
const update = (id: string, fields: Record<string, unknown>) =>
  lockstep.admin.run(`mutation($input: UpdateTicketInput!) { updateTicket(input: $input) { ticket { id } } }`, { input: { id, ...fields } });
const link = (ticketId: string, externalId?: string) =>
  lockstep.admin.request<{ linkTicket: { mapping: { externalId: string } | null; pushJob: { id: string } | null } }>(
    `mutation($input: LinkTicketInput!) { linkTicket(input: $input) { mapping { externalId } pushJob { id } } }`,
    { input: { ticketId, projectId: project.id, ...(externalId ? { externalId } : {}) } },
  );
const deliveriesFor = (ticketId: string) =>
  receiver.deliveries.filter((d) => (d.body as { ticket?: { id?: string } } | undefined)?.ticket?.id === ticketId);

/** Creates a ticket there and waits for the link. */
async function linkedTicket(title: string): Promise<{ id: string; externalId: string }> {
  const id = await createTicket(title);
  const linked = await link(id);
  expect(linked.errors).toBeUndefined();
  const ticket = await eventually(() => readTicket(id), (t) => t.mappings.length === 1);
  return { id, externalId: ticket.mappings[0]?.externalId ?? '' };
}

describe('connecting', () => {
  it('hands out a webhook URL and secret, and awaits the handshake', () => {
    expect(project.status).toBe('ACTIVE');
    expect(project.handshakeStatus).toBe('PENDING');
    expect(project.webhookUrl).toBe(`${lockstep.url}/api/webhooks/generic_webhook/${project.id}`);
    expect(project.webhookSecret.length).toBeGreaterThanOrEqual(32);
  });

  it('refuses bad config with a message naming the field, and stores nothing', async () => {
    const before = await query(env.databaseUrl, 'select id from external_projects');
    const bad = await lockstep.admin.request(CONNECT, {
      input: { name: 'Broken', kind: 'GENERIC_WEBHOOK', direction: 'PUSH', config: { targetUrl: 'not a url' }, credentials: { secret: 's' } },
    });
    expect(bad.errors?.[0]?.message).toMatch(/targetUrl/);
    expect(await query(env.databaseUrl, 'select id from external_projects')).toHaveLength(before.length);
    expect(JSON.stringify(await query(env.databaseUrl, 'select sealed_credentials from external_projects'))).not.toContain(SECRET);
  });
});

describe('outbound', () => {
  it('creates the item there with a signed delivery and links the id it answers', async () => {
    const { id, externalId } = await linkedTicket('Create me there');
    const [created] = deliveriesFor(id);
    expect(created?.signatureValid).toBe(true);
    expect(created?.body).toMatchObject({ event: 'ticket.created', externalId: null, ticket: { id, title: 'Create me there', status: 'OPEN' } });
    expect(receiver.items.has(externalId)).toBe(true);
  });

  it('sends one signed ticket.updated per change, with the external id', async () => {
    const { id, externalId } = await linkedTicket('Edit me');
    await update(id, { title: 'Edited once', labels: ['db'] });
    const [updated] = await eventually(async () => deliveriesFor(id).filter((d) => d.event === 'ticket.updated'), (d) => d.length >= 1);
    expect(updated?.signatureValid).toBe(true);
    expect(updated?.body).toMatchObject({ event: 'ticket.updated', externalId, ticket: { title: 'Edited once', labels: ['db'] } });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(deliveriesFor(id).filter((d) => d.event === 'ticket.updated')).toHaveLength(1);
    // The push was planned and run by this process: its request never went through the outbox.
    const requests = await query(env.databaseUrl, `select id from outbox where type = 'push.requested' and payload->>'ticketId' = $1`, [id]);
    expect(requests).toHaveLength(0);
  });

  it('retries a failing receiver with the same delivery id until it recovers', async () => {
    const { id } = await linkedTicket('Flaky receiver');
    receiver.failNext(2, 500);
    await update(id, { status: 'BLOCKED' });
    const attempts = await eventually(
      async () => deliveriesFor(id).filter((d) => d.event === 'ticket.updated'),
      (d) => d.some((x) => x.status === 200),
    );
    expect(attempts.map((d) => d.status)).toEqual([500, 500, 200]);
    expect(new Set(attempts.map((d) => (d.body as { deliveryId: string }).deliveryId)).size).toBe(1);
  });

  it('waits as long as a 429 Retry-After asks', async () => {
    const { id } = await linkedTicket('Rate limited');
    receiver.failNext(1, 429, { retryAfter: '1' });
    await update(id, { priority: 'P1' });
    const attempts = await eventually(
      async () => deliveriesFor(id).filter((d) => d.event === 'ticket.updated'),
      (d) => d.some((x) => x.status === 200),
    );
    expect(attempts.map((d) => d.status)).toEqual([429, 200]);
    expect((attempts[1]?.receivedAtMs ?? 0) - (attempts[0]?.receivedAtMs ?? 0)).toBeGreaterThanOrEqual(950);
  });

  it('puts a push that keeps failing in the dead-letter state, and retries it on request', async () => {
    const { id } = await linkedTicket('Dead letter');
    receiver.failNext(3, 503);
    await update(id, { title: 'Dead letter, edited' });
    const dead = await eventually(
      () => lockstep.admin.run<{ pushJobs: { edges: Array<{ node: { id: string; status: string; attempts: number; lastError: string } }> } }>(
        `query($f: PushJobFilter) { pushJobs(filter: $f) { edges { node { id status attempts lastError } } } }`,
        { f: { ticketId: id, status: 'DEAD' } },
      ),
      (r) => r.pushJobs.edges.length === 1,
    );
    expect(dead.pushJobs.edges[0]?.node).toMatchObject({ status: 'DEAD', attempts: 3 });
    expect(dead.pushJobs.edges[0]?.node.lastError).toMatch(/503/);
    const retried = await lockstep.admin.run<{ retryPushJob: { pushJob: { id: string } | null } }>(
      `mutation($id: ID!) { retryPushJob(id: $id) { pushJob { id } } }`,
      { id: dead.pushJobs.edges[0]?.node.id },
    );
    expect(retried.retryPushJob.pushJob).not.toBeNull();
    await eventually(async () => deliveriesFor(id).filter((d) => d.status === 200 && d.event === 'ticket.updated'), (d) => d.length === 1);
  });

  it('never sends a LOCAL_ONLY ticket', async () => {
    const id = await createTicket('Private notes', { privacy: 'LOCAL_ONLY' });
    const refused = await link(id);
    expect(refused.errors?.[0]?.message).toMatch(/LOCAL_ONLY ticket may not be sent/);
    const { id: linkedId } = await linkedTicket('Becomes private');
    await update(linkedId, { privacy: 'LOCAL_ONLY' });
    await update(linkedId, { title: 'Secret title' });
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect(JSON.stringify(receiver.deliveries)).not.toContain('Secret title');
  });
});

describe('mapped fields', () => {
  it('sends only the fields the project maps', async () => {
    const narrow = await lockstep.admin.run<{ connectExternalProject: { project: Project } }>(CONNECT, {
      input: {
        name: 'Titles only',
        kind: 'GENERIC_WEBHOOK',
        direction: 'PUSH',
        config: { targetUrl: `${receiver.url}/narrow` },
        credentials: { secret: SECRET },
        mappedFields: ['title', 'status'],
      },
    });
    const id = await createTicket('Narrow view', { description: 'internal notes', labels: ['secret-label'] });
    await lockstep.admin.run(`mutation($input: LinkTicketInput!) { linkTicket(input: $input) { pushJob { id } } }`, {
      input: { ticketId: id, projectId: narrow.connectExternalProject.project.id },
    });
    const [created] = await eventually(async () => deliveriesFor(id), (d) => d.length >= 1);
    const sent = (created?.body as { ticket?: Record<string, unknown> } | undefined)?.ticket;
    expect(sent).toMatchObject({ id, title: 'Narrow view', status: 'OPEN' });
    expect(JSON.stringify(created?.body)).not.toContain('internal notes');
    expect(JSON.stringify(created?.body)).not.toContain('secret-label');
  });
});

describe('inbound', () => {
  const send = (externalId: string, fields: Record<string, unknown>, extra: { updatedAt?: string; deliveryId?: string } = {}) =>
    receiver.sendChange({ webhookUrl: project.webhookUrl, secret: project.webhookSecret, externalId, fields: fields as never, ...extra });

  it('applies a signed change, activates the handshake, and does not write it back', async () => {
    const { id, externalId } = await linkedTicket('Changed over there');
    const before = deliveriesFor(id).length;
    expect(await send(externalId, { status: 'IN_PROGRESS', title: 'Changed over there, really' })).toBe(202);
    const ticket = await eventually(() => readTicket(id), (t) => t.status === 'IN_PROGRESS');
    expect(ticket.title).toBe('Changed over there, really');
    const status = await lockstep.admin.run<{ externalProject: { handshakeStatus: string } }>(
      `query($id: ID!) { externalProject(id: $id) { handshakeStatus } }`,
      { id: project.id },
    );
    expect(status.externalProject.handshakeStatus).toBe('ACTIVE');
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect(deliveriesFor(id)).toHaveLength(before);
    const history = await lockstep.admin.run<{ ticket: { history: Array<{ field: string; origin: string; deliveryId: string }> } }>(
      `query($id: ID!) { ticket(id: $id) { history { field origin deliveryId } } }`,
      { id },
    );
    expect(history.ticket.history.map((h) => h.field).sort()).toEqual(['status', 'title']);
    expect(history.ticket.history.every((h) => h.origin === project.id)).toBe(true);
  });

  it('never writes a push planned before a concurrent edit there: it gives way, and the resolution goes out', async () => {
    const { id, externalId } = await linkedTicket('Raced');
    const titleOf = (delivery: (typeof receiver.deliveries)[number]) => (delivery.body as { ticket?: { title?: string } } | undefined)?.ticket?.title;
    // Our push is refused for a while (rate limited), so the side's own edit is applied first.
    receiver.failNext(1, 429, { retryAfter: '2' });
    await update(id, { title: 'Raced (hub)' });
    await eventually(async () => deliveriesFor(id), (d) => d.some((delivery) => delivery.status === 429 && titleOf(delivery) === 'Raced (hub)'));
    expect(await send(externalId, { title: 'Raced (side)' })).toBe(202);
    const conflicts = async () =>
      (await lockstep.admin.run<{ ticket: { openConflicts: Array<{ id: string; field: string }> } }>(`query($id: ID!) { ticket(id: $id) { openConflicts { id field } } }`, { id }))
        .ticket.openConflicts;
    const [conflict] = await eventually(conflicts, (open) => open.length === 1);
    expect(conflict?.field).toBe('title');
    // The job's retry comes after the edit was applied: it ends without writing over the side.
    await eventually(
      () => query<{ status: string }>(env.databaseUrl, `select status from push_jobs where ticket_id = $1 and fields::text like '%Raced (hub)%'`, [id]),
      (jobs) => jobs.length === 1 && jobs[0]?.status === 'superseded',
    );
    expect(deliveriesFor(id).filter((delivery) => delivery.status < 300 && titleOf(delivery) === 'Raced (hub)')).toHaveLength(0);
    await lockstep.admin.run(`mutation($c: ID!) { resolveConflict(input: { conflictId: $c, value: "Raced (agreed)" }) { conflict { status } } }`, { c: conflict?.id });
    await eventually(async () => deliveriesFor(id), (d) => d.some((delivery) => delivery.status < 300 && titleOf(delivery) === 'Raced (agreed)'));
  });

  it('acknowledges a repeated delivery and changes nothing', async () => {
    const { id, externalId } = await linkedTicket('Duplicated');
    const deliveryId = `dup-${Date.now()}`;
    expect(await send(externalId, { title: 'Once' }, { deliveryId })).toBe(202);
    await eventually(() => readTicket(id), (t) => t.title === 'Once');
    const version = (await lockstep.admin.run<{ ticket: { version: string } }>(`query($id: ID!) { ticket(id: $id) { version } }`, { id })).ticket.version;
    expect(await receiver.resend(deliveryId)).toBe(202);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const after = (await lockstep.admin.run<{ ticket: { version: string } }>(`query($id: ID!) { ticket(id: $id) { version } }`, { id })).ticket.version;
    expect(after).toBe(version);
    const rows = await query(env.databaseUrl, 'select id from inbox where delivery_id = $1', [deliveryId]);
    expect(rows).toHaveLength(1);
  });

  it('stores a delivery posted twice at the same moment once, answering 202 to both', async () => {
    const { externalId } = await linkedTicket('Sent twice at once');
    const deliveryId = `twin-${Date.now()}`;
    const statuses = await Promise.all([1, 2, 3].map(() => send(externalId, { title: 'Only once' }, { deliveryId, updatedAt: new Date().toISOString() })));
    expect(statuses).toEqual([202, 202, 202]);
    expect(await query(env.databaseUrl, 'select id from inbox where delivery_id = $1', [deliveryId])).toHaveLength(1);
  });

  it('never lets an older delivery overwrite a newer one', async () => {
    const { id, externalId } = await linkedTicket('Reordered');
    const now = Date.now();
    expect(await send(externalId, { title: 'Newer' }, { updatedAt: new Date(now + 2_000).toISOString() })).toBe(202);
    await eventually(() => readTicket(id), (t) => t.title === 'Newer');
    expect(await send(externalId, { title: 'Older' }, { updatedAt: new Date(now + 1_000).toISOString() })).toBe(202);
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect((await readTicket(id)).title).toBe('Newer');
  });

  it('imports an item it has never seen as a new linked ticket', async () => {
    expect(await send('brand-new-42', { title: 'Born over there', priority: 'P2' })).toBe(202);
    const found = await eventually(
      () => lockstep.admin.run<{ tickets: { edges: Array<{ node: { id: string; priority: string; mappings: Array<{ externalId: string }> } }> } }>(
        `{ tickets(first: 5, filter: { text: "Born over there" }) { edges { node { id priority mappings { externalId } } } } }`,
      ),
      (r) => r.tickets.edges.length === 1,
    );
    expect(found.tickets.edges[0]?.node).toMatchObject({ priority: 'P2', mappings: [{ externalId: 'brand-new-42' }] });
  });

  it('answers 401, 400, 404 and 413 for bad deliveries and stores none of them', async () => {
    const { externalId } = await linkedTicket('Guarded');
    const inboxBefore = await query(env.databaseUrl, 'select id from inbox');
    const wrongSecret = await receiver.sendChange({ webhookUrl: project.webhookUrl, secret: 'wrong', externalId, fields: { title: 'x' } });
    expect(wrongSecret).toBe(401);

    const post = (url: string, body: string, headers: Record<string, string> = {}) =>
      fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
    const malformed = await post(`${project.webhookUrl}?secret=${encodeURIComponent(project.webhookSecret)}`, '{"deliveryId": 1');
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as { error: string }).error).toMatch(/JSON/i);
    const invalid = await post(
      `${project.webhookUrl}?secret=${encodeURIComponent(project.webhookSecret)}`,
      JSON.stringify({ deliveryId: 'd1', externalId, updatedAt: 'yesterday', fields: {} }),
    );
    expect(invalid.status).toBe(400);
    expect(((await invalid.json()) as { error: string }).error).toMatch(/updatedAt/);

    const unknown = await post(`${lockstep.url}/api/webhooks/generic_webhook/00000000-0000-4000-8000-000000000000`, '{}');
    expect(unknown.status).toBe(404);
    const wrongKind = await post(project.webhookUrl.replace('generic_webhook', 'jira'), '{}');
    expect(wrongKind.status).toBe(404);
    const huge = await post(`${project.webhookUrl}?secret=${encodeURIComponent(project.webhookSecret)}`, 'x'.repeat(1024 * 1024 + 10));
    expect(huge.status).toBe(413);

    expect(await query(env.databaseUrl, 'select id from inbox')).toHaveLength(inboxBefore.length);
  });
});

describe('project lifecycle', () => {
  const status = async (id: string) =>
    (await lockstep.admin.run<{ externalProject: { status: string; lastError: string | null } }>(
      `query($id: ID!) { externalProject(id: $id) { status lastError } }`,
      { id },
    )).externalProject;

  it('goes DISCONNECTED when the side refuses our credentials, and ACTIVE again with new ones', async () => {
    const { id } = await linkedTicket('Credentials refused');
    receiver.failNext(1, 401);
    await update(id, { title: 'Credentials refused, edited' });
    const disconnected = await eventually(() => status(project.id), (p) => p.status === 'DISCONNECTED');
    expect(disconnected.lastError).toMatch(/credentials refused/);
    const updated = await lockstep.admin.run<{ updateExternalProject: { project: { status: string } } }>(
      `mutation($input: UpdateExternalProjectInput!) { updateExternalProject(input: $input) { project { status } } }`,
      { input: { id: project.id, credentials: { secret: SECRET } } },
    );
    expect(updated.updateExternalProject.project.status).toBe('ACTIVE');
  });

  it('keeps accepting the old webhook secret for a grace period after a rotation', async () => {
    const { id, externalId } = await linkedTicket('Rotated');
    const rotated = await lockstep.admin.run<{ rotateWebhookSecret: { project: { webhookSecret: string } } }>(
      `mutation($id: ID!) { rotateWebhookSecret(projectId: $id) { project { webhookSecret } } }`,
      { id: project.id },
    );
    const fresh = rotated.rotateWebhookSecret.project.webhookSecret;
    expect(fresh).not.toBe(project.webhookSecret);
    const viaOld = await receiver.sendChange({ webhookUrl: project.webhookUrl, secret: project.webhookSecret, externalId, fields: { title: 'Old secret' } });
    expect(viaOld).toBe(202);
    const viaNew = await receiver.sendChange({ webhookUrl: project.webhookUrl, secret: fresh, externalId, fields: { title: 'New secret' } });
    expect(viaNew).toBe(202);
    await eventually(() => readTicket(id), (t) => t.title === 'New secret');
    project = { ...project, webhookSecret: fresh };
  });
});
