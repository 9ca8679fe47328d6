import { describe, expect, it } from 'vitest';
import { InvalidConnectorSettings, InvalidDelivery, type InboundDelivery } from '#domain/project/connector.ts';
import { signatureHeader } from '#adapters/shared/signatures.ts';
import { createGenericWebhookConnector } from '#adapters/generic-webhook/connector.ts';

const connector = createGenericWebhookConnector();
const settings = { projectId: 'p-1', config: { targetUrl: 'http://127.0.0.1:1/' }, credentials: { secret: 's' } };

function delivery(body: unknown, headers: Record<string, string> = {}, query: Record<string, string> = {}): InboundDelivery {
  const raw = typeof body === 'string' ? body : JSON.stringify(body);
  return { headers, query, rawBody: new TextEncoder().encode(raw) };
}

function thrownBy(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  return undefined;
}

function problem(body: unknown): string {
  const error = thrownBy(() => connector.parseDelivery(delivery(body), settings.config));
  expect(error).toBeInstanceOf(InvalidDelivery);
  return (error as InvalidDelivery).message;
}

const good = {
  deliveryId: 'd-1',
  externalId: 'EXT-7',
  updatedAt: '2026-03-01T10:15:30.250+01:00',
  fields: { title: '  Disk full ', status: 'IN_PROGRESS', priority: 'p2', assignee: 'ana', labels: ['ops', 'db', 'ops'] },
};

describe('generic webhook deliveries', () => {
  it('parse into one item with hub values, a normalised ordering key and the instant it happened', () => {
    const parsed = connector.parseDelivery(delivery(good), settings.config);
    expect(parsed).toEqual({
      deliveryId: 'd-1',
      items: [
        {
          externalId: 'EXT-7',
          orderingKey: '2026-03-01T09:15:30.250Z',
          observedAtMs: Date.parse('2026-03-01T09:15:30.250Z'),
          fields: { title: 'Disk full', status: 'in_progress', priority: 'p2', assignee: 'ana', labels: ['db', 'ops'] },
        },
      ],
    });
  });

  it('accept enum values in either spelling and any case, only the fields sent, and ignore unknown keys', () => {
    const parsed = connector.parseDelivery(
      delivery({ ...good, extra: true, fields: { status: 'Blocked', priority: 'P5', assignee: null, severity: 'high' } }),
      settings,
    );
    expect(parsed.items[0]?.fields).toEqual({ status: 'blocked', priority: 'p5', assignee: null });
    const empty = connector.parseDelivery(delivery({ ...good, fields: {} }), settings.config);
    expect(empty.items[0]?.fields).toEqual({});
  });

  it('name the problem of a bad body', () => {
    expect(problem('{not json')).toBe('body: not JSON');
    expect(problem([1, 2])).toBe('body: must be a JSON object');
    expect(problem({ ...good, fields: { status: 'DONE-ISH' } })).toBe('fields.status: unknown status "DONE-ISH"');
    expect(problem({ ...good, fields: { priority: 'urgent' } })).toBe('fields.priority: unknown priority "urgent"');
    expect(problem({ ...good, updatedAt: 'yesterday' })).toBe('updatedAt: must be an ISO 8601 timestamp');
    expect(problem({ ...good, updatedAt: '2026-02-30T10:00:00Z' })).toBe('updatedAt: must be an ISO 8601 timestamp');
    expect(problem({ ...good, updatedAt: '2026-03-01T10:00:00' })).toBe('updatedAt: must be an ISO 8601 timestamp');
    expect(problem({ ...good, fields: { labels: 'ops' } })).toBe('fields.labels: must be a list of strings');
    expect(problem({ ...good, fields: { labels: ['ops', 3] } })).toBe('fields.labels[1]: must be a string');
    expect(problem({ ...good, fields: { title: 42 } })).toBe('fields.title: must be a string');
    expect(problem({ ...good, fields: { title: '   ' } })).toBe('fields.title: must not be empty');
    expect(problem({ ...good, fields: 'all' })).toBe('fields: must be an object');
    expect(problem({ ...good, externalId: '' })).toBe('externalId: must not be empty');
    const { deliveryId: _omitted, ...withoutId } = good;
    expect(problem(withoutId)).toBe('deliveryId: is required');
  });

  it('are verified by the signature header over the raw bytes, or the ?secret= fallback', () => {
    const raw = JSON.stringify(good);
    const signed = delivery(raw, { 'x-lockstep-signature': signatureHeader('new', raw) });
    expect(connector.verifyDelivery(signed, ['new'])).toBe(true);
    expect(connector.verifyDelivery(signed, ['newer', 'new'])).toBe(true);
    expect(connector.verifyDelivery(signed, ['old'])).toBe(false);
    expect(connector.verifyDelivery(delivery(`${raw} `, { 'x-lockstep-signature': signatureHeader('new', raw) }), ['new'])).toBe(false);
    expect(connector.verifyDelivery(delivery(raw, {}, { secret: 'new' }), ['new'])).toBe(true);
    expect(connector.verifyDelivery(delivery(raw, {}, { secret: 'nope' }), ['new'])).toBe(false);
    expect(connector.verifyDelivery(delivery(raw), ['new'])).toBe(false);
  });
});

describe('generic webhook settings', () => {
  function settingsProblem(parse: () => unknown): string {
    const error = thrownBy(parse);
    expect(error).toBeInstanceOf(InvalidConnectorSettings);
    return (error as InvalidConnectorSettings).message;
  }

  it('accept an http(s) targetUrl and a non-empty secret', () => {
    expect(connector.parseConfig({ targetUrl: ' https://hooks.example.com/lockstep ' })).toEqual({ targetUrl: 'https://hooks.example.com/lockstep' });
    expect(connector.parseCredentials({ secret: 'x' })).toEqual({ secret: 'x' });
  });

  it('name the field they refuse', () => {
    expect(settingsProblem(() => connector.parseConfig({}))).toBe('config.targetUrl: is required');
    expect(settingsProblem(() => connector.parseConfig({ targetUrl: 'ftp://example.com' }))).toBe(
      'config.targetUrl: must be a URL starting with http:// or https://',
    );
    expect(settingsProblem(() => connector.parseConfig({ targetUrl: 'not a url' }))).toMatch(/^config\.targetUrl: /);
    expect(settingsProblem(() => connector.parseConfig('https://example.com'))).toBe('config: must be an object');
    expect(settingsProblem(() => connector.parseCredentials({ secret: '' }))).toBe('credentials.secret: must not be empty');
    expect(settingsProblem(() => connector.parseCredentials({ secret: 5 }))).toBe('credentials.secret: must be a non-empty string');
    expect(settingsProblem(() => connector.open({ ...settings, credentials: {} }))).toBe('credentials.secret: is required');
  });
});
