import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ExternalCallError, type ExternalItem } from '#domain/project/connector.ts';
import { createJiraConnector } from '#adapters/jira/connector.ts';
import { createJiraSimulator, strictWorkflow, type JiraSimulator } from '#simulators/jira/simulator.ts';

const connector = createJiraConnector({ timeoutMs: 2_000, pageSize: 3 });
const secret = 'jira-webhook-secret';
let sim: JiraSimulator;
let hub: Server;
const received: ExternalItem[] = [];
let settings: { projectId: string; config: Record<string, string>; credentials: Record<string, string> };

function request(changed: Record<string, string | string[] | null>) {
  return { deliveryId: `d-${Math.random()}`, ticketId: 't-1', changed, ticket: { title: 'From the hub', status: 'open', priority: 'p3', labels: [], assignee: null, description: '' } };
}

async function failure(promise: Promise<unknown>): Promise<ExternalCallError> {
  const error: unknown = await promise.then(() => undefined, (thrown: unknown) => thrown);
  if (!(error instanceof ExternalCallError)) throw new Error(`expected an ExternalCallError, got ${String(error)}`);
  return error;
}

beforeAll(async () => {
  // A receiver built from the connector alone: verify, parse, keep the items.
  hub = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const delivery = { headers: Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)])), query: {}, rawBody: new Uint8Array(Buffer.concat(chunks)) };
      if (!connector.verifyDelivery(delivery, [secret])) return void res.writeHead(401).end();
      received.push(...connector.parseDelivery(delivery, settings.config).items);
      res.writeHead(202).end();
    });
  });
  await new Promise<void>((resolve) => hub.listen(0, '127.0.0.1', resolve));
  sim = createJiraSimulator({ workflow: strictWorkflow, webhooks: { url: `http://127.0.0.1:${(hub.address() as AddressInfo).port}/api/webhooks/jira/p-1`, secret } });
  const baseUrl = await sim.start();
  settings = { projectId: 'p-1', config: { baseUrl, projectKey: 'OPS' }, credentials: { email: 'bot@example.com', apiToken: 'api-token' } };
});

afterAll(async () => {
  await sim.stop();
  hub.closeAllConnections();
  await new Promise<void>((resolve) => hub.close(() => resolve()));
});

beforeEach(() => sim.resetCalls());

describe('the Jira session against the simulator', () => {
  it('tests the connection with basic and bearer auth, and reports refused credentials as unauthorized', async () => {
    await connector.open(settings).testConnection();
    await connector.open({ ...settings, credentials: { token: 'bearer-token' } }).testConnection();
    expect(sim.calls.get('GET /rest/api/3/myself')).toBe(2);
    expect((await failure(connector.open({ ...settings, credentials: { token: 'wrong' } }).testConnection())).kind).toBe('unauthorized');
    expect((await failure(connector.open({ ...settings, config: { ...settings.config, projectKey: 'NOPE' } }).testConnection())).kind).toBe('not_found');
  });

  it('creates an issue and walks the strict workflow, reporting the status it reached and Jira’s spelling of labels', async () => {
    const session = connector.open(settings);
    const created = await session.createItem(request({ title: 'Login broken', description: 'It **fails**', status: 'resolved', labels: ['needs review'] }));
    expect(created).toMatchObject({ externalId: 'OPS-1', reportedValues: { labels: ['needs-review'] } });
    expect(created.reportedValues?.status).toBeUndefined();
    const issue = sim.issue('OPS-1');
    expect(issue).toMatchObject({ summary: 'Login broken', status: 'Done', labels: ['needs-review'], priority: 'Medium' });
    expect(sim.calls.get('POST /rest/api/3/issue')).toBe(1);
    expect(sim.calls.get('POST /rest/api/3/issue/{key}/transitions')).toBe(3);
    await sim.webhooks.settled();
    const reports = received.filter((item) => item.externalId === 'OPS-1');
    expect(reports.map((item) => item.fields['status'])).toEqual(expect.arrayContaining(['open', 'in_progress', 'resolved']));
    expect(await session.fetchItem('OPS-1')).toMatchObject({ fields: { title: 'Login broken', description: 'It **fails**', status: 'resolved' } });
  });

  it('sends one edit with only the changed fields, plus the transitions the status needs', async () => {
    const session = connector.open(settings);
    sim.resetCalls();
    const result = await session.updateItem('OPS-1', request({ title: 'Login broken on Safari', priority: 'p1', status: 'open' }));
    expect(sim.calls.get('PUT /rest/api/3/issue/{key}')).toBe(1);
    expect(sim.calls.get('POST /rest/api/3/issue/{key}/transitions')).toBe(1);
    expect(result).toMatchObject({ externalId: 'OPS-1' });
    expect(sim.issue('OPS-1')).toMatchObject({ summary: 'Login broken on Safari', priority: 'Highest', status: 'To Do' });
    sim.resetCalls();
    await session.updateItem('OPS-1', request({ labels: ['a'] }));
    expect(sim.totalCalls()).toBe(1);
  });

  it('refuses values it cannot map and rich text it would flatten, naming them', async () => {
    const session = connector.open(settings);
    expect((await failure(session.updateItem('OPS-1', request({ assignee: 'zoe' })))).message).toMatch(/assignee "zoe"/);
    sim.personEdit('OPS-1', { description: { type: 'doc', version: 1, content: [{ type: 'panel', content: [] }] } });
    const refused = await failure(session.updateItem('OPS-1', request({ description: 'flat' })));
    expect(refused.kind).toBe('rejected');
    expect(refused.message).toMatch(/node "panel"/);
  });

  it('pages through changes with nextPageToken and resumes from its cursor', async () => {
    sim.seed(7);
    const session = connector.open(settings);
    const seen: string[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 10; page += 1) {
      const changes: Awaited<ReturnType<typeof session.fetchChanges>> = await session.fetchChanges(cursor);
      seen.push(...changes.items.map((item) => item.externalId));
      cursor = changes.cursor;
      if (changes.done) break;
    }
    expect(new Set(seen).size).toBe(sim.store.issues.size);
    expect(sim.calls.get('GET /rest/api/3/search/jql')).toBe(Math.ceil(sim.store.issues.size / 3));
    sim.personEdit('OPS-3', { summary: 'Changed later' });
    // The next pass starts at the minute of the newest change seen (JQL's precision) and pages on.
    const again: ExternalItem[] = [];
    for (let page = 0; page < 10; page += 1) {
      const changes: Awaited<ReturnType<typeof session.fetchChanges>> = await session.fetchChanges(cursor);
      again.push(...changes.items);
      cursor = changes.cursor;
      if (changes.done) break;
    }
    expect(again.find((item) => item.externalId === 'OPS-3')?.fields['title']).toBe('Changed later');
  });

  it('maps 429 with Retry-After and 5xx to retryable failures', async () => {
    const session = connector.open(settings);
    sim.failNext(1, 429, { retryAfter: '7' });
    const limited = await failure(session.fetchItem('OPS-1'));
    expect(limited).toMatchObject({ kind: 'rate_limited', retryAfterMs: 7000, status: 429 });
    sim.failNext(1, 503);
    expect((await failure(session.fetchItem('OPS-1'))).kind).toBe('unavailable');
    expect(await session.fetchItem('OPS-404')).toBeNull();
  });

  it('signs every webhook, ours included, and they verify with the project secret', async () => {
    await sim.webhooks.settled();
    expect(sim.webhooks.deliveries.length).toBeGreaterThan(0);
    expect(sim.webhooks.deliveries.every((d) => d.statuses.every((status) => status === 202))).toBe(true);
  });
});
