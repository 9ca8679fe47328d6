import { describe, expect, it } from 'vitest';
import { InvalidDelivery } from '#domain/project/connector.ts';
import { parseLinearDelivery, verifyLinearDelivery } from '#adapters/linear/inbound.ts';
import { hmacSha256Hex } from '#adapters/shared/signatures.ts';
import { commentCreated, commentUpdated, issueCreated, issueUpdated } from './samples.ts';

const secret = 'whsec-linear';
const config = { teamKey: 'POR', userMap: { mor: 'mor@example.com' } };

interface Delivery {
  headers: Record<string, string>;
  query: Record<string, string>;
  rawBody: Uint8Array;
}

function delivery(body: unknown, headers: Record<string, string> = {}, query: Record<string, string> = {}): Delivery {
  const raw = typeof body === 'string' ? body : JSON.stringify(body);
  const deliveryId = '3c9b1f7a-0000-4000-8000-000000000001';
  return { headers: { 'linear-delivery': deliveryId, ...headers }, query, rawBody: new TextEncoder().encode(raw) };
}

function signed(body: object, nowMs = Date.now()) {
  const raw = JSON.stringify({ ...body, webhookTimestamp: nowMs });
  return delivery(raw, { 'linear-signature': hmacSha256Hex(secret, raw) });
}

function problem(body: unknown): string {
  try {
    parseLinearDelivery(delivery(body), config);
  } catch (error) {
    if (error instanceof InvalidDelivery) return error.message;
    throw error;
  }
  return 'accepted';
}

describe('Linear deliveries: verification', () => {
  it('accepts a body signed with the secret, sent just now', () => {
    expect(verifyLinearDelivery(signed(issueCreated), [secret])).toBe(true);
    expect(verifyLinearDelivery(signed(issueCreated), ['old-secret', secret])).toBe(true);
  });

  it('refuses a wrong signature, a missing one, and one over another body', () => {
    const good = signed(issueCreated);
    expect(verifyLinearDelivery(good, ['other'])).toBe(false);
    expect(verifyLinearDelivery({ ...good, headers: {} }, [secret])).toBe(false);
    const prefixed = { ...good, headers: { 'linear-signature': `sha256=${good.headers['linear-signature']}` } };
    expect(verifyLinearDelivery(prefixed, [secret])).toBe(false);
    const other = JSON.stringify({ ...issueCreated, webhookTimestamp: Date.now(), url: 'x' });
    const tampered = { ...good, rawBody: new TextEncoder().encode(other) };
    expect(verifyLinearDelivery(tampered, [secret])).toBe(false);
  });

  it('refuses a correctly signed delivery whose webhookTimestamp is more than 60 s away', () => {
    const now = Date.now();
    expect(verifyLinearDelivery(signed(issueCreated, now - 59_000), [secret], now)).toBe(true);
    expect(verifyLinearDelivery(signed(issueCreated, now - 61_000), [secret], now)).toBe(false);
    expect(verifyLinearDelivery(signed(issueCreated, now + 61_000), [secret], now)).toBe(false);
    const raw = JSON.stringify({ ...issueCreated, webhookTimestamp: undefined });
    const unstamped = delivery(raw, { 'linear-signature': hmacSha256Hex(secret, raw) });
    expect(verifyLinearDelivery(unstamped, [secret])).toBe(false);
  });

  it('accepts ?secret= in place of a signature, with the same replay guard', () => {
    const fresh = JSON.stringify({ ...issueCreated, webhookTimestamp: Date.now() });
    expect(verifyLinearDelivery(delivery(fresh, {}, { secret }), [secret])).toBe(true);
    expect(verifyLinearDelivery(delivery(JSON.stringify(issueCreated), {}, { secret }), [secret])).toBe(false);
    expect(verifyLinearDelivery(delivery(fresh, {}, { secret: 'nope' }), [secret])).toBe(false);
  });
});

describe('Linear deliveries: parsing', () => {
  it('reads an Issue create as the whole issue, keyed by its updatedAt', () => {
    const parsed = parseLinearDelivery(delivery(issueCreated), config);
    expect(parsed.deliveryId).toBe('linear:3c9b1f7a-0000-4000-8000-000000000001');
    expect(parsed.items).toEqual([
      {
        externalId: 'd62a755d-5389-4dbd-98bb-3db03f239d9d',
        url: 'https://linear.app/getport/issue/POR-5/new-issue-again',
        orderingKey: '2024-05-19T17:55:29.277Z',
        observedAtMs: Date.parse('2024-05-19T17:55:29.277Z'),
        actor: 'Mor Paz',
        fields: { title: 'New issue again', description: '', status: 'open', priority: 'p5', labels: [] },
        needsFetch: ['assignee'],
      },
    ]);
  });

  it('ignores issues of other teams, and event types it does not mirror', () => {
    expect(parseLinearDelivery(delivery(issueUpdated), config).items).toEqual([]);
    const ofLin = parseLinearDelivery(delivery(issueUpdated), { teamKey: 'LIN' });
    expect(ofLin.items[0]?.fields).toMatchObject({ status: 'open', assignee: null });
    const reaction = { ...issueCreated, type: 'Reaction', data: { emoji: '+1' } };
    expect(parseLinearDelivery(delivery(reaction), config)).toMatchObject({ items: [] });
  });

  it('reads a removal as a deletion ordered after the last change', () => {
    const item = parseLinearDelivery(delivery({ ...issueCreated, action: 'remove' }), config).items[0];
    expect(item).toMatchObject({ externalId: issueCreated.data.id, deleted: true, fields: {} });
    expect(String(item?.orderingKey) > issueCreated.data.updatedAt).toBe(true);
  });

  it('reports a state and a priority it cannot map as mapping errors, keeping the rest', () => {
    const state = { id: 's', name: 'Parked', type: 'paused' };
    const odd = { ...issueCreated, data: { ...issueCreated.data, priority: 7, state } };
    const item = parseLinearDelivery(delivery(odd), config).items[0];
    expect(item?.fields).toEqual({ title: 'New issue again', description: '', labels: [] });
    expect(item?.mappingErrors?.map((e) => e.field)).toEqual(['status', 'priority']);
  });

  it('reads comments created, edited and removed', () => {
    const lin = { teamKey: 'LIN' };
    expect(parseLinearDelivery(delivery(commentCreated), lin).comments).toEqual([
      {
        itemExternalId: '6a17c5cc-5188-4487-ab56-44626a9b2daf',
        externalId: '66b59ec2-931e-49b6-9a10-4efeee1603ec',
        body: 'This is a comment created',
        author: 'Morgan',
        createdAtMs: Date.parse('2023-06-19T23:49:08.407Z'),
        updatedAtMs: Date.parse('2023-06-19T23:49:08.407Z'),
      },
    ]);
    expect(parseLinearDelivery(delivery(commentUpdated), lin).comments?.[0]?.body).toMatch(/again$/);
    const removed = parseLinearDelivery(delivery({ ...commentUpdated, action: 'remove' }), lin);
    expect(removed.comments?.[0]).toMatchObject({ deleted: true, body: '' });
    expect(parseLinearDelivery(delivery(commentCreated), lin).items).toEqual([]);
  });

  it('answers a malformed body with a message naming the problem', () => {
    expect(problem('{nope')).toBe('body: not JSON');
    expect(problem({ type: 'Issue', action: 'create', data: {} })).toMatch(/webhookTimestamp/);
    expect(problem({ ...issueCreated, action: 'archive' })).toMatch(/action: must be one of create, update, remove/);
    expect(problem({ ...issueCreated, data: { ...issueCreated.data, title: 42 } })).toMatch(/data\.title/);
    const undated = { ...commentCreated, data: { ...commentCreated.data, updatedAt: 'yesterday' } };
    expect(problem(undated)).toMatch(/data\.updatedAt: must be an ISO 8601 timestamp/);
  });
});
