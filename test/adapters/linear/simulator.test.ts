// The Linear simulator answers as Linear does: documents validated against Linear's schema,
// complexity refused above the limit, and signed webhooks the connector accepts.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { LinearClient } from '@linear/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLinearConnector } from '#adapters/linear/connector.ts';
import { createLinearSimulator, type LinearSimulator } from '#simulators/linear/simulator.ts';

let linear: LinearSimulator;
let receiver: Server;
const received: Array<{ headers: Record<string, string | undefined>; body: Buffer }> = [];

beforeAll(async () => {
  linear = createLinearSimulator({ teamKey: 'OPS' });
  await linear.start();
  receiver = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({ headers: request.headers as Record<string, string | undefined>, body: Buffer.concat(chunks) });
      response.end('ok');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const port = (receiver.address() as AddressInfo).port;
  linear.webhooks.configure({ url: `http://127.0.0.1:${port}/hook`, secret: 'hook-secret' });
});

afterAll(async () => {
  await linear?.stop();
  await new Promise<void>((resolve) => receiver.close(() => resolve()));
});

describe('Linear simulator', () => {
  const client = () => new LinearClient({ apiKey: linear.apiKey, apiUrl: linear.apiUrl });

  it('validates documents against Linear\'s schema', async () => {
    type Viewer = { viewer: { email: string } };
    const answer = await client().client.rawRequest<Viewer, Record<string, never>>('query { viewer { email } }', {});
    expect(answer.data?.viewer.email).toBe('bot@example.com');
    const wrong = await client()
      .client.rawRequest('query { viewer { shoeSize } }', {})
      .catch((error: unknown) => error as Error);
    expect(String(wrong)).toMatch(/Cannot query field "shoeSize" on type "User"/);
  });

  it('filters issues by instant: ordering compares the instant, equality the ISO text, newest change first', async () => {
    const [older, newer] = linear.seed(2, (index) => ({ title: `Filtered by instant ${index}` }));
    if (!older || !newer) throw new Error('seed made no issues');
    type Page = { issues: { nodes: Array<{ id: string; updatedAt: string }> } };
    const query = 'query($filter: IssueFilter) { issues(first: 250, orderBy: updatedAt, filter: $filter) { nodes { id updatedAt } } }';
    const ask = async (filter: Record<string, unknown>) =>
      (await client().client.rawRequest<Page, { filter: Record<string, unknown> }>(query, { filter })).data?.issues.nodes ?? [];
    const newerAt = new Date(newer.updatedAt).toISOString();
    expect((await ask({ updatedAt: { gte: newerAt } })).map((node) => node.id)).toEqual([newer.id]);
    expect((await ask({ updatedAt: { gt: new Date(older.updatedAt).toISOString() } })).map((node) => node.id)).toContain(newer.id);
    expect((await ask({ updatedAt: { gt: new Date(older.updatedAt).toISOString() } })).map((node) => node.id)).not.toContain(older.id);
    expect((await ask({ updatedAt: { eq: newerAt } })).map((node) => node.id)).toEqual([newer.id]);
    expect(await ask({ updatedAt: { eq: String(newer.updatedAt) } })).toEqual([]);
    const both = (await ask({ createdAt: { gte: new Date(older.createdAt).toISOString() } })).map((node) => node.id);
    expect(both.indexOf(newer.id)).toBeLessThan(both.indexOf(older.id));
  });

  it('lists issues afresh after any change, though it keeps a listing between pages', async () => {
    const [first, second] = linear.seed(2, (index) => ({ title: `Listed again ${index}` }));
    if (!first || !second) throw new Error('seed made no issues');
    type Page = { issues: { nodes: Array<{ id: string; title: string }>; pageInfo: { endCursor: string } } };
    const query = `query($filter: IssueFilter, $after: String) {
      issues(first: 1, after: $after, orderBy: updatedAt, filter: $filter) { nodes { id title } pageInfo { endCursor } }
    }`;
    const filter = { updatedAt: { gte: new Date(first.updatedAt).toISOString() } };
    const page = async (after?: string) =>
      (await client().client.rawRequest<Page, Record<string, unknown>>(query, { filter, ...(after ? { after } : {}) })).data?.issues;
    const one = await page();
    expect(one?.nodes.map((node) => node.id)).toEqual([second.id]);
    expect((await page(one?.pageInfo.endCursor))?.nodes.map((node) => node.id)).toEqual([first.id]);
    linear.personEdit(first.id, { title: 'Listed again, edited' });
    expect((await page())?.nodes).toEqual([{ id: first.id, title: 'Listed again, edited' }]);
    linear.personRemove(first.id);
    expect((await page())?.nodes.map((node) => node.id)).toEqual([second.id]);
  });

  it('refuses a query above the complexity limit', async () => {
    const tooBig = 'query { issues(first: 250) { nodes { id labels(first: 250) { nodes { id name } } } } }';
    const refused = await client().client.rawRequest(tooBig, {}).catch((error: unknown) => error as Error);
    expect(String(refused)).toMatch(/Query too complex/);
  });

  it('signs every change the way Linear does, and the connector accepts the delivery', async () => {
    const issue = linear.personCreate({ title: 'From a person', priority: 1, state: 'In Progress', labels: ['bug'] });
    await linear.webhooks.settled();
    const delivery = received.at(-1);
    expect(delivery?.headers['linear-event']).toBe('Issue');
    const connector = createLinearConnector();
    const inbound = { headers: delivery?.headers ?? {}, query: {}, rawBody: delivery?.body ?? Buffer.alloc(0) };
    expect(connector.verifyDelivery(inbound, ['hook-secret'])).toBe(true);
    expect(connector.verifyDelivery(inbound, ['other-secret'])).toBe(false);
    const parsed = connector.parseDelivery(inbound, { teamKey: 'OPS' });
    expect(parsed.items[0]).toMatchObject({
      externalId: issue.id,
      fields: { title: 'From a person', status: 'in_progress', priority: 'p1', labels: ['bug'], assignee: null },
    });
  });

  it('holds deliveries until released, newest first when asked', async () => {
    linear.webhooks.configure({ hold: true });
    const issue = linear.personCreate({ title: 'Held' });
    linear.personEdit(issue.id, { title: 'Held, then edited' });
    expect(linear.webhooks.held()).toBe(2);
    const before = received.length;
    await linear.webhooks.release('newest-first');
    linear.webhooks.configure({ hold: false });
    const actions = received.slice(before).map((d) => (JSON.parse(d.body.toString()) as { action: string }).action);
    expect(actions).toEqual(['update', 'create']);
  });
});
