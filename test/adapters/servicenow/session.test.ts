// The ServiceNow session against the simulator: real HTTP on loopback, no Lockstep around it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExternalCallError, type ConnectorSession, type OutboundRequest } from '#domain/project/connector.ts';
import { createServiceNowConnector } from '#adapters/servicenow/connector.ts';
import { createServiceNowSimulator, type ServiceNowSimulator } from '#simulators/servicenow/simulator.ts';

let sim: ServiceNowSimulator;
const connector = createServiceNowConnector({ pageSize: 3, timeoutMs: 2_000 });
const integration = { username: 'lockstep.integration', password: 'integration-password' };
type Settings = Record<string, unknown>;
function open(credentials: Record<string, string> = integration, config: Settings = {}): ConnectorSession {
  const parsed = connector.parseConfig({ instanceUrl: sim.instanceUrl, userMap: { beth: 'beth.anglin' }, ...config });
  return connector.open({ projectId: 'p', config: parsed, credentials });
}
const request = (changed: OutboundRequest['changed'], extra: Partial<OutboundRequest> = {}): OutboundRequest => ({
  deliveryId: 'd-1',
  ticketId: 't-1',
  changed,
  ticket: {},
  ...extra,
});
const failureOf = async (work: Promise<unknown>) =>
  work.then(
    () => undefined,
    (error: unknown) => error as ExternalCallError,
  );

beforeAll(async () => {
  sim = createServiceNowSimulator({ readOnlyUser: { username: 'auditor', password: 'pw' } });
  await sim.start();
});
afterAll(() => sim.stop());

describe('ServiceNow session', () => {
  it('tests the connection: read and write proved, refusals named by kind', async () => {
    sim.seed(1);
    await open().testConnection();
    await open({ token: 'oauth-token' }).testConnection();
    expect(sim.store.records.size).toBe(1);
    expect([...sim.store.records.values()][0]?.['sys_mod_count']).toBe('0');
    expect((await failureOf(open({ username: 'x', password: 'y' }).testConnection()))?.kind).toBe('unauthorized');
    const readOnly = await failureOf(open({ username: 'auditor', password: 'pw' }).testConnection());
    expect(readOnly?.kind).toBe('unauthorized');
    expect(readOnly?.message).toMatch(/ACL/);
    expect((await failureOf(open(undefined, { table: 'nope' }).testConnection()))?.kind).toBe('rejected');
  });

  it('creates with correlation_id, reads back in hub terms; a retried create adopts instead of twinning', async () => {
    const session = open();
    const values = { title: 'VPN down', description: 'EMEA', priority: 'p2', status: 'in_progress', assignee: 'beth' };
    const created = await session.createItem(request(values, { ticketId: 't-vpn' }));
    const record = sim.record(created.externalId ?? '');
    expect(record).toMatchObject({ short_description: 'VPN down', description: 'EMEA', state: '2' });
    expect(record).toMatchObject({ impact: '1', urgency: '2', priority: '2' });
    expect(record).toMatchObject({ correlation_id: 't-vpn', correlation_display: 'Lockstep' });
    expect(await session.fetchItem(created.externalId ?? '')).toMatchObject({
      fields: values,
      orderingKey: '000000000000',
    });
    sim.loseNextAnswers(1);
    const lost = await failureOf(session.createItem(request({ title: 'Lost answer' }, { ticketId: 't-lost' })));
    expect(lost?.kind).toBe('unavailable');
    const retried = await session.createItem(request({ title: 'Lost answer' }, { ticketId: 't-lost', retry: true }));
    const made = [...sim.store.records.values()].filter((r) => r['correlation_id'] === 't-lost');
    expect(made.map((r) => r['sys_id'])).toEqual([retried.externalId]);
  });

  it('resolves with close code and notes, reopens clearing them, and reports the new sys_mod_count', async () => {
    const session = open();
    const { externalId } = await session.createItem(request({ title: 'Disk full' }));
    const id = externalId ?? '';
    const resolved = await session.updateItem(id, request({ status: 'resolved' }));
    const closeNotes = 'Resolved in Lockstep (ticket t-1)';
    expect(sim.record(id)).toMatchObject({ state: '6', close_code: 'Solved (Permanently)', close_notes: closeNotes });
    expect(resolved.orderingKey).toBe('000000000001');
    await session.updateItem(id, request({ status: 'open' }));
    expect(sim.record(id)).toMatchObject({ state: '1', close_code: '', close_notes: '' });
    const unknownUser = await failureOf(session.updateItem(id, request({ assignee: 'servicenow:nobody' })));
    expect(unknownUser?.message).toMatch(/no ServiceNow user has user_name "nobody"/);
  });

  it('pages through changes sharing one second, each record once', async () => {
    const frozen = Date.UTC(2030, 0, 1);
    sim.store.now = () => frozen;
    sim.seed(7, (i) => ({ short_description: `Same second ${i}` }));
    sim.store.now = () => Date.now();
    const session = open();
    const seen: string[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 20; page += 1) {
      const result = await session.fetchChanges(cursor);
      seen.push(...result.items.map((item) => item.externalId));
      cursor = result.cursor;
      if (result.done) break;
    }
    expect(new Set(seen).size).toBe(sim.store.records.size);
    expect(seen.length).toBe(sim.store.records.size);
  });

  it('turns a 429 into rate_limited with the wait ServiceNow asked for', async () => {
    sim.failNext(1, 429, { retryAfter: '3' });
    const error = await failureOf(open().fetchItem('0'.repeat(32)));
    expect(error).toMatchObject({ kind: 'rate_limited', retryAfterMs: 3_000 });
    expect(await open().fetchItem('0'.repeat(32))).toBeNull();
  });

  it('posts, edits, reads and deletes comments through the journal; a retried post adopts its entry', async () => {
    const session = open();
    const { externalId } = await session.createItem(request({ title: 'Chatty' }));
    const id = externalId ?? '';
    const comments = session.comments;
    if (!comments?.fetch) throw new Error('the session mirrors comments');
    const comment = {
      deliveryId: 'c-1',
      ticketId: 't-1',
      commentId: 'c-1',
      body: 'Rebooted the router.',
      author: 'ann',
      createdAtMs: 0,
      updatedAtMs: 0,
    };
    const posted = await comments.post(id, comment);
    const again = await comments.post(id, { ...comment, retry: true });
    expect(again.externalId).toBe(posted.externalId);
    expect(sim.comments(id).map((entry) => entry['value'])).toEqual(['Rebooted the router.']);
    await comments.edit(id, posted.externalId, { ...comment, body: 'Rebooted the router twice.' });
    const read = await comments.fetch(id, posted.externalId);
    expect(read).toMatchObject({ body: 'Rebooted the router twice.', author: 'lockstep.integration' });
    await comments.remove(id, posted.externalId, comment);
    await comments.remove(id, posted.externalId, comment);
    expect(await comments.fetch(id, posted.externalId)).toBeNull();
  });
});
