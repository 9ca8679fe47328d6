import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ConnectorSession, OutboundRequest } from '#domain/project/connector.ts';
import { externalFailure } from '#test/support/failures.ts';
import { createGenericWebhookConnector } from '#adapters/generic-webhook/connector.ts';
import { createGenericWebhookSimulator, type GenericWebhookSimulator } from '#simulators/generic-webhook/simulator.ts';
import { createConnectorRegistry } from '#adapters/registry.ts';

const secret = 'outbound-secret';
const connector = createGenericWebhookConnector({ timeoutMs: 300 });
let simulator: GenericWebhookSimulator;
let session: ConnectorSession;
let sequence = 0;

const snapshot = {
  title: 'Checkout is slow',
  description: 'p95 above 2 s',
  status: 'in_progress',
  priority: 'p1',
  assignee: 'ana',
  labels: ['checkout', 'perf'],
  privacy: 'shareable',
};

function request(overrides: Partial<OutboundRequest> = {}): OutboundRequest {
  return { deliveryId: `delivery-${++sequence}`, ticketId: 'T-1', changed: {}, ticket: snapshot, ...overrides };
}

/** The body of the last POST the simulator received. */
function lastBody(): { event?: string; externalId?: string | null; ticket?: Record<string, unknown> } {
  const body = simulator.deliveries.at(-1)?.body;
  expect(body).toBeTypeOf('object');
  return body as { event?: string; externalId?: string | null; ticket?: Record<string, unknown> };
}


beforeAll(async () => {
  simulator = createGenericWebhookSimulator({ secret });
  const targetUrl = await simulator.start();
  session = connector.open({ projectId: 'p-1', config: { targetUrl }, credentials: { secret } });
});

afterAll(async () => {
  await simulator.stop();
});

beforeEach(() => {
  simulator.setSecret(secret);
});

describe('the generic webhook connector against its simulator', () => {
  it('creates an item: a signed ticket.created with the ticket in GraphQL spelling, answered with the new id', async () => {
    const sent = request();
    const result = await session.createItem(sent);
    expect(result.externalId).toMatch(/^GW-\d+$/);
    expect(typeof result.orderingKey).toBe('string');
    const received = simulator.deliveries.at(-1);
    expect(received?.signatureValid).toBe(true);
    expect(received?.headers['x-lockstep-delivery']).toBe(sent.deliveryId);
    expect(received?.headers['content-type']).toBe('application/json');
    expect(received?.body).toEqual({
      deliveryId: sent.deliveryId,
      event: 'ticket.created',
      externalId: null,
      ticket: {
        id: 'T-1',
        title: 'Checkout is slow',
        description: 'p95 above 2 s',
        status: 'IN_PROGRESS',
        priority: 'P1',
        assignee: 'ana',
        labels: ['checkout', 'perf'],
      },
    });
    expect(simulator.items.get(result.externalId ?? '')?.fields['status']).toBe('IN_PROGRESS');
  });

  it('updates an item with ticket.updated and its external id; changed values win over the snapshot', async () => {
    const { externalId } = await session.createItem(request());
    const result = await session.updateItem(externalId ?? '', request({ changed: { status: 'resolved', assignee: null } }));
    expect(result.externalId).toBe(externalId);
    const body = lastBody();
    expect(body.event).toBe('ticket.updated');
    expect(body.externalId).toBe(externalId);
    expect(body.ticket?.['status']).toBe('RESOLVED');
    expect(body.ticket?.['assignee']).toBeNull();
    expect(simulator.items.get(externalId ?? '')?.fields['status']).toBe('RESOLVED');
  });

  it('sends only the fields the snapshot holds, so unmapped or redacted fields never leave', async () => {
    await session.createItem(request({ ticket: { title: 'Only the title' } }));
    expect(lastBody().ticket).toEqual({ id: 'T-1', title: 'Only the title' });
  });

  it('gets the same answer for a retried delivery id, so a retry after a lost answer creates nothing twice', async () => {
    const sent = request();
    const first = await session.createItem(sent);
    const items = simulator.items.size;
    const retry = await session.createItem(sent);
    expect(retry.externalId).toBe(first.externalId);
    expect(simulator.items.size).toBe(items);
  });

  it('reads a 2xx answer without an id, or not JSON, as acknowledged with no external id', async () => {
    simulator.answerNext(1, { status: 200, body: 'ok' });
    expect((await session.createItem(request())).externalId).toBeNull();
    simulator.answerNext(1, { status: 202, body: '{"received": true}' });
    expect((await session.createItem(request())).externalId).toBeNull();
  });

  it('surfaces injected failures as the right ExternalCallError kinds', async () => {
    simulator.failNext(1, 500);
    const unavailable = await externalFailure(session.createItem(request()));
    expect(unavailable.kind).toBe('unavailable');
    expect(unavailable.status).toBe(500);

    simulator.failNext(1, 429, { retryAfter: '2' });
    const limited = await externalFailure(session.createItem(request()));
    expect(limited.kind).toBe('rate_limited');
    expect(limited.retryAfterMs).toBe(2000);

    simulator.failNext(1, 401);
    expect((await externalFailure(session.createItem(request()))).kind).toBe('unauthorized');

    simulator.failNext(1, 400, { body: '{"error":"title too long"}' });
    const rejected = await externalFailure(session.createItem(request()));
    expect(rejected.kind).toBe('rejected');
    expect(rejected.message).toContain('title too long');

    expect((await externalFailure(session.updateItem('GW-does-not-exist', request()))).kind).toBe('not_found');

    // After the injected failures the same session works again.
    expect((await session.createItem(request())).externalId).toMatch(/^GW-/);
  });

  it('is refused with unauthorized when the receiver holds another secret', async () => {
    simulator.setSecret('rotated-on-the-other-side');
    const error = await externalFailure(session.createItem(request()));
    expect(error.kind).toBe('unauthorized');
    expect(simulator.deliveries.at(-1)?.signatureValid).toBe(false);
  });

  it('times out a slow receiver as unavailable', async () => {
    simulator.delayAnswers(1000, 1);
    const error = await externalFailure(session.createItem(request()));
    expect(error.kind).toBe('unavailable');
    expect(error.message).toContain('timed out');
  });

  it('tests the connection without sending anything: the URL must be well formed and resolve', async () => {
    const before = simulator.deliveries.length;
    await session.testConnection();
    expect(simulator.deliveries.length).toBe(before);
    const nowhere = connector.open({ projectId: 'p-2', config: { targetUrl: 'https://does-not-exist.invalid/hook' }, credentials: { secret } });
    const error = await externalFailure(nowhere.testConnection());
    // NXDOMAIN is a configuration mistake (rejected); a machine without any DNS says unavailable.
    expect(['rejected', 'unavailable']).toContain(error.kind);
    expect(error.message).toContain('does-not-exist.invalid');
  });

  it('refuses to fetch: changes of a generic receiver arrive by webhook only', async () => {
    expect(connector.capabilities).toEqual({ receivesWebhooks: true, canFetch: false, canCreate: true, canUpdate: true, syncModes: ['webhook'] });
    expect((await externalFailure(session.fetchChanges(null))).kind).toBe('rejected');
    expect((await externalFailure(session.fetchItem('GW-1'))).kind).toBe('rejected');
  });
});

describe('the connector registry', () => {
  it('holds the generic webhook connector by kind and refuses two connectors of one kind', () => {
    const registry = createConnectorRegistry();
    expect(registry.kinds()).toContain('generic_webhook');
    expect(registry.get('generic_webhook')?.kind).toBe('generic_webhook');
    // A registry holds only what it was given: a build without Slack has no Slack connector.
    expect(createConnectorRegistry([connector]).get('slack')).toBeUndefined();
    expect(() => createConnectorRegistry([connector, createGenericWebhookConnector()])).toThrow(/generic_webhook/);
  });
});
