import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidDelivery, type ExternalItem } from '#domain/project/connector.ts';
import { createGenericWebhookConnector } from '#adapters/generic-webhook/connector.ts';
import { createGenericWebhookSimulator, type GenericWebhookSimulator } from '#simulators/generic-webhook/simulator.ts';

// A minimal stand-in for Lockstep's webhook route, built from the connector alone: verify (401),
// parse (400), drop repeated delivery ids, keep the newest state per item by ordering key.
const connector = createGenericWebhookConnector();
const webhookSecret = 'hub-webhook-secret';
const settings = { projectId: 'p-1', config: { targetUrl: 'http://127.0.0.1:1/' }, credentials: { secret: 'x' } };
const seen = new Set<string>();
const accepted: ExternalItem[] = [];
const current = new Map<string, ExternalItem>();
let hub: Server;
let webhookUrl: string;
let simulator: GenericWebhookSimulator;

beforeAll(async () => {
  hub = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const url = new URL(request.url ?? '/', 'http://hub');
      const delivery = {
        headers: Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : v])),
        query: Object.fromEntries(url.searchParams),
        rawBody: new Uint8Array(Buffer.concat(chunks)),
      };
      if (!connector.verifyDelivery(delivery, [webhookSecret])) {
        response.writeHead(401).end();
        return;
      }
      try {
        const parsed = connector.parseDelivery(delivery, settings.config);
        if (!seen.has(parsed.deliveryId)) {
          seen.add(parsed.deliveryId);
          for (const item of parsed.items) {
            accepted.push(item);
            const known = current.get(item.externalId);
            if (!known || known.orderingKey < item.orderingKey) current.set(item.externalId, item);
          }
        }
        response.writeHead(202).end();
      } catch (error) {
        response.writeHead(error instanceof InvalidDelivery ? 400 : 500).end(String(error));
      }
    });
  });
  await new Promise<void>((resolve) => hub.listen(0, '127.0.0.1', resolve));
  webhookUrl = `http://127.0.0.1:${(hub.address() as AddressInfo).port}/api/webhooks/generic_webhook/p-1`;
  simulator = createGenericWebhookSimulator({ secret: 'outbound' });
  await simulator.start();
});

afterAll(async () => {
  await simulator.stop();
  hub.closeAllConnections();
  await new Promise<void>((resolve) => hub.close(() => resolve()));
});

describe('the simulator sending changes to a webhook URL', () => {
  it('sends signed deliveries the connector verifies and parses, and keeps the change in its own store', async () => {
    const status = await simulator.sendChange({ webhookUrl, secret: webhookSecret, externalId: 'S-1', fields: { status: 'BLOCKED', title: 'Stuck' } });
    expect(status).toBe(202);
    expect(current.get('S-1')?.fields).toEqual({ status: 'blocked', title: 'Stuck' });
    expect(simulator.items.get('S-1')?.fields).toEqual({ status: 'BLOCKED', title: 'Stuck' });
    expect(simulator.sent.at(-1)?.status).toBe(202);
  });

  it('can sign with the ?secret= query parameter instead, and is refused with a wrong secret or none', async () => {
    expect(await simulator.sendChange({ webhookUrl, secret: webhookSecret, externalId: 'S-2', fields: { priority: 'p4' }, via: 'query' })).toBe(202);
    expect(await simulator.sendChange({ webhookUrl, secret: 'guess', externalId: 'S-2', fields: { priority: 'p1' } })).toBe(401);
    expect(await simulator.sendChange({ webhookUrl, secret: webhookSecret, externalId: 'S-2', fields: { priority: 'p1' }, via: 'none' })).toBe(401);
    expect(current.get('S-2')?.fields).toEqual({ priority: 'p4' });
  });

  it('plays duplicates: the same bytes again, which the receiver recognises by delivery id', async () => {
    await simulator.sendChange({ webhookUrl, secret: webhookSecret, externalId: 'S-3', fields: { labels: ['b', 'a'] }, deliveryId: 'dup-1' });
    const before = accepted.length;
    expect(await simulator.resend('dup-1')).toBe(202);
    expect(accepted.length).toBe(before);
    expect(simulator.sent.filter((change) => change.deliveryId === 'dup-1')).toHaveLength(2);
    expect(current.get('S-3')?.fields).toEqual({ labels: ['a', 'b'] });
  });

  it('plays reordering: an older updatedAt arrives last and does not win', async () => {
    await simulator.sendChange({ webhookUrl, secret: webhookSecret, externalId: 'S-4', fields: { title: 'new' }, updatedAt: '2026-05-01T12:00:00Z' });
    await simulator.sendChange({ webhookUrl, secret: webhookSecret, externalId: 'S-4', fields: { title: 'old' }, updatedAt: '2026-05-01T11:00:00Z' });
    expect(current.get('S-4')?.fields).toEqual({ title: 'new' });
    expect(simulator.items.get('S-4')?.fields).toEqual({ title: 'new' });
  });

  it('stamps its own changes with strictly increasing times', async () => {
    await simulator.sendChange({ webhookUrl, secret: webhookSecret, externalId: 'S-5', fields: { title: 'one' } });
    await simulator.sendChange({ webhookUrl, secret: webhookSecret, externalId: 'S-5', fields: { title: 'two' } });
    const [first, second] = accepted.filter((item) => item.externalId === 'S-5');
    expect(String(first?.orderingKey) < String(second?.orderingKey)).toBe(true);
    expect(current.get('S-5')?.fields).toEqual({ title: 'two' });
  });

  it('answers a malformed change with the 400 naming the problem', async () => {
    expect(await simulator.sendChange({ webhookUrl, secret: webhookSecret, externalId: 'S-6', fields: { status: 'DONE-ISH' } })).toBe(400);
  });
});

describe('the simulator receiving', () => {
  it('lets a test wait for deliveries and records unsigned ones as not verified, answering 401', async () => {
    const waiting = simulator.waitForDeliveries(simulator.deliveries.length + 1, 2000);
    const response = await fetch(simulator.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(response.status).toBe(401);
    const deliveries = await waiting;
    expect(deliveries.at(-1)?.signatureValid).toBe(false);
    await expect(simulator.waitForDeliveries(deliveries.length + 1, 50)).rejects.toThrow(/expected/);
  });
});
