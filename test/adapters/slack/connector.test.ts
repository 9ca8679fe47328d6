import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidDelivery, type InboundDelivery } from '#domain/project/connector.ts';
import { createSlackConnector } from '#adapters/slack/connector.ts';
import { slackSignature, verifySlackDelivery } from '#adapters/slack/signature.ts';
import { thrownBy } from '#test/support/json-mutations.ts';

const connector = createSlackConnector();
const secret = 'signing-secret';
const now = Date.parse('2026-11-30T10:00:00Z');
const seconds = String(now / 1000);

function delivery(payload: unknown, timestamp = seconds, key = secret): InboundDelivery {
  const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
  const headers = { 'x-slack-request-timestamp': timestamp, 'x-slack-signature': slackSignature(key, timestamp, body) };
  return { headers, query: {}, rawBody: Buffer.from(body) };
}

const press = {
  type: 'block_actions',
  trigger_id: '123.456',
  user: { id: 'U1', username: 'pat' },
  container: { type: 'message', message_ts: '1700000000.000100', channel_id: 'C1' },
  actions: [{ action_id: 'lockstep_acknowledge', action_ts: '1700000001.500000' }],
};

describe('Slack interactivity requests', () => {
  it('are accepted when signed with the secret and at most five minutes old, either way', () => {
    fc.assert(
      fc.property(fc.integer({ min: -300, max: 300 }), (skew) => {
        expect(verifySlackDelivery(delivery(press, String(now / 1000 + skew)), [secret], now)).toBe(true);
      }),
    );
  });

  it('are refused when older or newer than five minutes, or signed with another secret, or altered', () => {
    fc.assert(
      fc.property(fc.integer({ min: 301, max: 10_000_000 }), fc.boolean(), (skew, past) => {
        const timestamp = String(now / 1000 + (past ? -skew : skew));
        expect(verifySlackDelivery(delivery(press, timestamp), [secret], now)).toBe(false);
      }),
    );
    expect(verifySlackDelivery(delivery(press, seconds, 'other'), [secret], now)).toBe(false);
    const altered = { ...delivery(press), rawBody: Buffer.from('payload=%7B%7D') };
    expect(verifySlackDelivery(altered, [secret], now)).toBe(false);
    expect(verifySlackDelivery({ ...delivery(press), headers: {} }, [secret], now)).toBe(false);
  });

  it('read a button press as the Slack user asking for the status of the button', () => {
    const parsed = connector.parseDelivery(delivery(press), {});
    expect(parsed.deliveryId).toBe('slack:123.456');
    expect(parsed.items).toEqual([
      { externalId: 'C1:1700000000.000100', orderingKey: 1700000001500, observedAtMs: 1700000001500, actor: 'pat', fields: { status: 'acknowledged' } },
    ]);
    const resolve = { ...press, actions: [{ action_id: 'lockstep_resolve' }] };
    expect(connector.parseDelivery(delivery(resolve), {}).items[0]?.fields).toEqual({ status: 'resolved' });
  });

  it('refuse bodies that are not interactivity requests, naming the problem', () => {
    const bad = (body: string): InboundDelivery => ({ headers: {}, query: {}, rawBody: Buffer.from(body) });
    expect(thrownBy(() => connector.parseDelivery(bad('{"type":"block_actions"}'), {}))).toBeInstanceOf(InvalidDelivery);
    expect(thrownBy(() => connector.parseDelivery(bad('payload=not-json'), {}))).toMatchObject({ message: 'payload: must be JSON' });
    expect(thrownBy(() => connector.parseDelivery(delivery({ ...press, user: undefined }), {}))).toMatchObject({ message: expect.stringMatching(/user/) });
  });
});
