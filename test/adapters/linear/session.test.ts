// The LINEAR connector's session against the Linear simulator: every call goes through @linear/sdk
// over HTTP and is validated against Linear's published schema.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExternalCallError, type ConnectorSession } from '#domain/project/connector.ts';
import { createLinearConnector } from '#adapters/linear/connector.ts';
import { chosenUuid } from '#adapters/linear/ids.ts';
import { createLinearSimulator, type LinearSimulator } from '#simulators/linear/simulator.ts';

const connector = createLinearConnector({ pageSize: 2, timeoutMs: 5_000 });
let linear: LinearSimulator;
let session: ConnectorSession;
const settings = (config: Record<string, unknown> = {}, apiKey?: string) => ({
  projectId: 'p-linear',
  config: { teamKey: 'ENG', apiUrl: linear.apiUrl, userMap: { ann: 'ann@example.com' }, ...config },
  credentials: { apiKey: apiKey ?? linear.apiKey },
});
const request = (deliveryId: string, changed: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  ({ deliveryId, ticketId: 't-1', changed, ticket: {}, ...extra }) as Parameters<ConnectorSession['createItem']>[0];

async function failure(work: Promise<unknown>): Promise<ExternalCallError> {
  const error = await work.then(() => undefined, (e: unknown) => e);
  if (!(error instanceof ExternalCallError)) throw new Error(`expected an ExternalCallError, got ${String(error)}`);
  return error;
}

beforeAll(async () => {
  linear = createLinearSimulator({ teamKey: 'ENG', labels: ['bug'] });
  await linear.start();
  session = connector.open(settings());
});

afterAll(async () => {
  await linear?.stop();
});

describe('Linear session', () => {
  it('tests the connection: the key works and the team exists', async () => {
    await expect(session.testConnection()).resolves.toBeUndefined();
    expect((await failure(connector.open(settings({}, 'lin_api_wrong')).testConnection())).kind).toBe('unauthorized');
    expect((await failure(connector.open(settings({ teamKey: 'NOPE' })).testConnection())).kind).toBe('not_found');
  });

  it('creates an issue under an id derived from the delivery, mapping every field', async () => {
    const result = await session.createItem(
      request('job-1', {
        title: 'Checkout fails',
        description: 'Steps:\n\n1. pay',
        status: 'in_progress',
        priority: 'p2',
        labels: ['Bug', 'payments'],
        assignee: 'ann',
      }),
    );
    expect(result.externalId).toBe(chosenUuid('issue', 'p-linear', 'job-1'));
    expect(linear.issue(result.externalId as string)).toMatchObject({
      title: 'Checkout fails',
      description: 'Steps:\n\n1. pay',
      state: 'In Progress',
      priority: 2,
      labels: ['bug', 'payments'],
      assignee: 'ann@example.com',
    });
    expect(result.reportedValues).toEqual({ labels: ['bug', 'payments'] });
    const item = await session.fetchItem(result.externalId as string);
    expect(item?.fields).toEqual({
      title: 'Checkout fails',
      description: 'Steps:\n\n1. pay',
      status: 'in_progress',
      priority: 'p2',
      labels: ['bug', 'payments'],
      assignee: 'ann',
    });
    expect(item?.orderingKey).toBe(result.orderingKey);
  });

  it('adopts the issue a create whose answer was lost made, and never makes a twin', async () => {
    linear.loseNextAnswers(1);
    const lost = await failure(session.createItem(request('job-2', { title: 'Answer lost' })));
    expect(lost.kind).toBe('unavailable');
    const retried = await session.createItem(request('job-2', { title: 'Answer lost' }, { retry: true }));
    const again = await session.createItem(request('job-2', { title: 'Answer lost' }));
    expect(retried.externalId).toBe(again.externalId);
    expect([...linear.store.issues.values()].filter((issue) => issue.title === 'Answer lost')).toHaveLength(1);
  });

  it('updates only the changed fields and refuses what cannot be mapped', async () => {
    const { externalId } = await session.createItem(request('job-3', { title: 'To update' }));
    const id = externalId as string;
    linear.resetCalls();
    await session.updateItem(id, request('u-1', { status: 'resolved', priority: 'p5', assignee: null }));
    expect(linear.issue(id)).toMatchObject({ state: 'Done', priority: 0, assignee: null, title: 'To update' });
    expect(linear.calls.get('mutation issueUpdate')).toBe(1);
    const unknownUser = await failure(session.updateItem(id, request('u-2', { assignee: 'zoe' })));
    expect(unknownUser.message).toMatch(/config\.userMap/);
    expect((await failure(session.updateItem(id, request('u-3', { status: 'blocked' })))).kind).toBe('rejected');
    const refusing = connector.open(settings({ missingLabels: 'refuse' }));
    const newLabel = await failure(refusing.updateItem(id, request('u-4', { labels: ['brand-new'] })));
    expect(newLabel.message).toMatch(/missingLabels/);
    expect(await session.fetchItem('00000000-0000-4000-8000-000000000000')).toBeNull();
  });

  it('imports the team issues page by page with a resumable cursor', async () => {
    linear.seed(3, (i) => ({ title: `Seeded ${i}`, labels: ['bug'] }));
    const seen = new Set<string>();
    let cursor: string | null = null;
    for (let pages = 0; pages < 20; pages += 1) {
      const page: Awaited<ReturnType<ConnectorSession['fetchChanges']>> = await session.fetchChanges(cursor);
      for (const item of page.items) seen.add(item.externalId);
      cursor = page.cursor;
      if (page.done) break;
    }
    expect(seen.size).toBe(linear.store.issues.size);
    const next = await session.fetchChanges(cursor);
    expect(next.items.length).toBeLessThanOrEqual(1); // only the newest, re-read at the boundary
    expect(next.done).toBe(true);
  });

  it('turns RATELIMITED (HTTP 400 or 429) into rate_limited with the reset wait from the headers', async () => {
    linear.rateLimitNext(1, { status: 400, resetInMs: 4_000 });
    const limited = await failure(session.fetchItem('x'));
    expect(limited.kind).toBe('rate_limited');
    expect(limited.retryAfterMs).toBeGreaterThan(2_500);
    expect(limited.retryAfterMs).toBeLessThanOrEqual(4_000);
    linear.rateLimitNext(1, { status: 429, resetInMs: 2_000, budget: 'complexity' });
    const complexity = await failure(session.testConnection());
    expect(complexity).toMatchObject({ kind: 'rate_limited', status: 429 });
    linear.failNext(1, 503);
    expect((await failure(session.fetchItem('x'))).kind).toBe('unavailable');
  });

  it('writes comments under a chosen id and reads them back', async () => {
    const { externalId } = await session.createItem(request('job-4', { title: 'Talk' }));
    const comments = session.comments;
    if (!comments) throw new Error('the Linear session mirrors comments');
    const base = { ticketId: 't', commentId: 'c-1', author: 'ann', createdAtMs: 1, updatedAtMs: 1 };
    const posted = await comments.post(externalId as string, { ...base, deliveryId: 'cj-1', body: 'First **words**' });
    expect(posted.externalId).toBe(chosenUuid('comment', 'p-linear', 'cj-1'));
    const again = { ...base, deliveryId: 'cj-1', body: 'First **words**', retry: true };
    const retried = await comments.post(externalId as string, again);
    expect(retried.externalId).toBe(posted.externalId);
    await comments.edit(externalId as string, posted.externalId, { ...base, deliveryId: 'cj-2', body: 'Edited' });
    expect((await comments.fetch?.(externalId as string, posted.externalId))?.body).toBe('Edited');
    await comments.remove(externalId as string, posted.externalId, { ...base, deliveryId: 'cj-3', body: '' });
    await comments.remove(externalId as string, posted.externalId, { ...base, deliveryId: 'cj-3', body: '' });
    expect(await comments.fetch?.(externalId as string, posted.externalId)).toBeNull();
    const gone = comments.edit(externalId as string, posted.externalId, { ...base, deliveryId: 'cj-4', body: 'x' });
    expect((await failure(gone)).kind).toBe('not_found');
  });
});
