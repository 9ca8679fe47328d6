// The Alertmanager connector on real webhook bodies: grouping, per-alert status, missing
// fingerprints, Go's zero time, delivery ids, and what it refuses.
import { describe, expect, it } from 'vitest';
import { InvalidDelivery, type InboundDelivery } from '#domain/project/connector.ts';
import { createAlertmanagerConnector, parseAlertmanagerDelivery } from '#adapters/alertmanager/connector.ts';
import { fireFiring, fireResolved, nodeDownMixed, probeFailureFiring } from './samples.ts';

const deliveryOf = (
  body: string,
  query: Record<string, string> = {},
  headers: Record<string, string> = {},
): InboundDelivery => ({
  headers,
  query,
  rawBody: new TextEncoder().encode(body),
});
const connector = createAlertmanagerConnector();
const config = connector.parseConfig({});

describe('Alertmanager webhook v4', () => {
  it('reads a firing alert with its fingerprint, severity, summary and source link; the zero endsAt is no end', () => {
    const parsed = connector.parseDelivery(deliveryOf(probeFailureFiring), config);
    expect(parsed.items).toEqual([]);
    expect(parsed.alerts).toEqual([
      {
        fingerprint: '1a30ba71cca2921f',
        groupKey: '{}/{severity="critical"}:{alertname="ProbeFailure"}',
        name: 'ProbeFailure',
        status: 'firing',
        severity: 'critical',
        summary: 'BlackBox Probe Failure: https://server.example.org',
        labels: {
          alertname: 'ProbeFailure',
          instance: 'https://server.example.org',
          job: 'http_checks',
          monitor: 'master',
          severity: 'critical',
        },
        groupLabels: { alertname: 'ProbeFailure' },
        startsAtMs: Date.parse('2023-02-06T13:08:45.828Z'),
        endsAtMs: null,
        generatorUrl: 'http://prometheus.example.org:9090/graph?g0.expr=probe_success+%3D%3D+0\\u0026g0.tab=1',
        observedAtMs: Date.parse('2023-02-06T13:08:45.828Z'),
      },
    ]);
  });

  it('takes each alert’s own status in a firing group that also carries a resolved alert', () => {
    const alerts = parseAlertmanagerDelivery(deliveryOf(nodeDownMixed)).alerts;
    expect(alerts.map((a) => [a.fingerprint, a.status, a.groupKey])).toEqual([
      ['20ff339993fb7178', 'resolved', '{}:{}'],
      ['120cb5c2008192c9', 'firing', '{}:{}'],
    ]);
    const [resolved, firing] = alerts;
    expect(resolved?.endsAtMs).toBe(Date.parse('2022-01-26T03:36:17.802Z'));
    expect(resolved?.observedAtMs).toBe(resolved?.endsAtMs);
    expect(firing?.endsAtMs).toBeNull();
    expect(firing?.summary).toBe('【机器节点下线】Instance 192.168.80.94:9101 down');
  });

  it('derives the same fingerprint from the labels when an older Alertmanager sends none', () => {
    const [firing] = parseAlertmanagerDelivery(deliveryOf(fireFiring)).alerts;
    const [resolved] = parseAlertmanagerDelivery(deliveryOf(fireResolved)).alerts;
    expect(firing?.fingerprint).toMatch(/^[0-9a-f]{16}$/);
    expect(resolved?.fingerprint).toBe(firing?.fingerprint);
    // That version put a future resolve timeout in endsAt while firing: it is not an end.
    expect(firing?.endsAtMs).toBeNull();
    expect(firing?.summary).toBe('Something is on fire');
    expect(resolved?.observedAtMs).toBeGreaterThan(firing?.observedAtMs ?? Infinity);
  });

  it('names a delivery by its body, so a re-sent notification is the same delivery', () => {
    const first = parseAlertmanagerDelivery(deliveryOf(fireFiring)).deliveryId;
    expect(parseAlertmanagerDelivery(deliveryOf(fireFiring)).deliveryId).toBe(first);
    expect(parseAlertmanagerDelivery(deliveryOf(fireResolved)).deliveryId).not.toBe(first);
  });

  it('refuses what is not a v4 notification, naming the problem', () => {
    const refuse = (body: string) => () => parseAlertmanagerDelivery(deliveryOf(body));
    expect(refuse('not json')).toThrow(new InvalidDelivery('body: not JSON'));
    expect(refuse(fireFiring.replace('"version":"4"', '"version":"3"'))).toThrow(/version: must be "4"/);
    expect(refuse(fireFiring.replace(',"groupKey":"{}:{alertname=\\"Fire\\"}"', ''))).toThrow('groupKey: is required');
    expect(refuse(fireFiring.replace('"status":"firing","labels"', '"status":"burning","labels"'))).toThrow(
      'alerts[0].status: must be firing or resolved',
    );
    expect(
      refuse(fireFiring.replace('"startsAt":"2018-11-04T22:43:58.283995108+01:00"', '"startsAt":"yesterday"')),
    ).toThrow(/alerts\[0\]\.startsAt: must be an RFC 3339 timestamp/);
  });

  it('authenticates by the webhook secret in the query, a Bearer token or Basic auth', () => {
    const basic = `Basic ${Buffer.from('alertmanager:s3cret').toString('base64')}`;
    expect(connector.verifyDelivery(deliveryOf(fireFiring, { secret: 's3cret' }), ['s3cret'])).toBe(true);
    expect(connector.verifyDelivery(deliveryOf(fireFiring, {}, { authorization: 'Bearer s3cret' }), ['s3cret'])).toBe(
      true,
    );
    expect(connector.verifyDelivery(deliveryOf(fireFiring, {}, { authorization: basic }), ['s3cret'])).toBe(true);
    expect(connector.verifyDelivery(deliveryOf(fireFiring, { secret: 'guess' }), ['s3cret'])).toBe(false);
  });
});
