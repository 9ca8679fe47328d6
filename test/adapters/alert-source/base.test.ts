// The shared alert-source base: secret authentication in its three forms and the common config keys.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { InvalidConnectorSettings, type InboundDelivery } from '#domain/project/connector.ts';
import { priorityOfSeverity } from '#domain/alert/alert-policy.ts';
import { verifySecretDelivery } from '#adapters/alert-source/auth.ts';
import { alertSourceConfigSchema } from '#adapters/alert-source/config.ts';
import { createAlertSourceConnector } from '#adapters/alert-source/connector.ts';
import { bodyDeliveryId, labelsFingerprint } from '#adapters/alert-source/delivery.ts';

const body = new TextEncoder().encode('{"alerts":[]}');
const delivery = (headers: Record<string, string> = {}, query: Record<string, string> = {}): InboundDelivery => ({
  headers,
  query,
  rawBody: body,
});
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

describe('secret authentication of sources that do not sign', () => {
  it('accepts the secret as ?secret=, Bearer, or Basic password with any user', () => {
    expect(verifySecretDelivery(delivery({}, { secret: 's3cret' }), ['s3cret'])).toBe(true);
    expect(verifySecretDelivery(delivery({ authorization: 'Bearer s3cret' }), ['s3cret'])).toBe(true);
    expect(verifySecretDelivery(delivery({ Authorization: 'bearer s3cret' }), ['s3cret'])).toBe(true);
    expect(verifySecretDelivery(delivery({ authorization: basic('grafana', 's3cret') }), ['s3cret'])).toBe(true);
    expect(verifySecretDelivery(delivery({ authorization: basic('', 'with:colon') }), ['with:colon'])).toBe(true);
  });

  it('accepts any of several secrets (rotation) and refuses everything else', () => {
    expect(verifySecretDelivery(delivery({ authorization: 'Bearer old' }), ['new', 'old'])).toBe(true);
    expect(verifySecretDelivery(delivery({}, { secret: 'wrong' }), ['s3cret'])).toBe(false);
    expect(verifySecretDelivery(delivery({ authorization: 'Bearer wrong' }), ['s3cret'])).toBe(false);
    expect(verifySecretDelivery(delivery({ authorization: basic('s3cret', 'wrong') }), ['s3cret'])).toBe(false);
    expect(verifySecretDelivery(delivery({ authorization: 'Basic !!!' }), ['s3cret'])).toBe(false);
    expect(verifySecretDelivery(delivery(), ['s3cret'])).toBe(false);
    expect(verifySecretDelivery(delivery({}, { secret: '' }), [''])).toBe(false);
  });
});

describe('common config keys', () => {
  const connector = createAlertSourceConnector({
    kind: 'alertmanager',
    configSchema: alertSourceConfigSchema({ extra: z.string().optional() }),
    severityDefaults: { severityMap: { critical: 'p1', warning: 'p3' }, fallbackPriority: 'p4' },
    parse: () => ({ deliveryId: 'd', alerts: [] }),
  });

  it('fills defaults, normalises priorities and severities, and keeps a source key', () => {
    const config = connector.parseConfig({
      severityMap: { Page: 'P2' },
      routes: [{ targetProjectId: 'x', minPriority: 'P1' }],
      extra: 'e',
    });
    expect(config).toEqual({
      severityMap: { page: 'p2' },
      reopenWindowSeconds: 3600,
      routes: [{ targetProjectId: 'x', minPriority: 'p1' }],
      extra: 'e',
    });
    const policy = connector.alertPolicy?.(config);
    expect(policy?.reopenWindowMs).toBe(3_600_000);
    expect(policy?.routes).toEqual([{ targetProjectId: 'x', minPriority: 'p1', labels: {} }]);
    expect(policy && priorityOfSeverity(policy, 'PAGE')).toBe('p2');
    expect(policy && priorityOfSeverity(policy, 'critical')).toBe('p1');
    expect(policy && priorityOfSeverity(policy, null)).toBe('p4');
    expect(policy && priorityOfSeverity(policy, 'unheard-of')).toBe('p4');
  });

  it('names the bad key', () => {
    expect(() => connector.parseConfig({ reopenWindowSeconds: -1 })).toThrow(
      new InvalidConnectorSettings('config.reopenWindowSeconds: must not be negative'),
    );
    expect(() => connector.parseConfig({ severityMap: { critical: 'P9' } })).toThrow(
      /config\.severityMap\.critical: must be one of P1, P2, P3, P4, P5/,
    );
    expect(() => connector.parseConfig({ routes: [{ minPriority: 'P1' }] })).toThrow(
      'config.routes[0].targetProjectId: is required',
    );
    expect(() => connector.parseConfig({ typo: 1 })).toThrow(InvalidConnectorSettings);
    expect(() => connector.parseCredentials({ token: 'x' })).toThrow(/credentials: must be an empty object/);
    expect(connector.parseCredentials({})).toEqual({});
  });

  it('takes only PULL or BIDIRECTIONAL and receives only', () => {
    expect(connector.capabilities).toMatchObject({
      receivesWebhooks: true,
      canFetch: false,
      canCreate: false,
      canUpdate: false,
      directions: ['pull', 'bidirectional'],
    });
  });
});

describe('derived ids', () => {
  it('names a body by its hash and a label set whatever the key order', () => {
    expect(bodyDeliveryId(body)).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(bodyDeliveryId(body)).toBe(bodyDeliveryId(new TextEncoder().encode('{"alerts":[]}')));
    expect(labelsFingerprint({ a: '1', b: '2' })).toBe(labelsFingerprint({ b: '2', a: '1' }));
    expect(labelsFingerprint({ a: '1', b: '2' })).not.toBe(labelsFingerprint({ a: '1', b: '3' }));
  });
});
