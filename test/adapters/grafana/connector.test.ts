// The Grafana connector on the bodies Grafana's documentation publishes: unified alerting
// (grouped like Alertmanager) and legacy dashboard alerting (one rule, its state).
import { describe, expect, it } from 'vitest';
import type { InboundDelivery } from '#domain/project/connector.ts';
import { parseGrafanaDelivery } from '#adapters/grafana/connector.ts';
import { grafanaLegacyAlerting, grafanaUnifiedFiring } from './samples.ts';

const deliveryOf = (body: string): InboundDelivery => ({
  headers: {},
  query: {},
  rawBody: new TextEncoder().encode(body),
});

describe('Grafana webhooks', () => {
  it('reads a unified alerting notification: two firing alerts of one group', () => {
    const alerts = parseGrafanaDelivery(deliveryOf(grafanaUnifiedFiring)).alerts;
    expect(alerts.map((a) => [a.fingerprint, a.name, a.status, a.groupKey, a.endsAtMs])).toEqual([
      ['c6eadffa33fcdf37', 'High memory usage', 'firing', '{}:{}', null],
      ['bc97ff14869b13e3', 'High CPU usage', 'firing', '{}:{}', null],
    ]);
    expect(alerts[0]?.summary).toBe('This alert was triggered for zone us-1');
    expect(alerts[0]?.startsAtMs).toBe(Date.parse('2021-10-12T09:51:03.157+02:00'));
    expect(alerts[0]?.generatorUrl).toBe('https://play.grafana.org/alerting/1afz29v7z/edit');
    expect(alerts[0]?.labels).toEqual({ alertname: 'High memory usage', team: 'blue', zone: 'us-1' });
  });

  it('reads a legacy rule notification as one alert of its own group: alerting fires, ok resolves', () => {
    const [firing] = parseGrafanaDelivery(deliveryOf(grafanaLegacyAlerting), 1_000).alerts;
    expect(firing).toMatchObject({
      fingerprint: 'rule:1:1',
      groupKey: 'legacy:rule:1:1',
      name: 'Panel Title alert',
      status: 'firing',
      summary: 'Notification Message',
      labels: { 'tag name': 'tag value' },
    });
    const [resolved] = parseGrafanaDelivery(
      deliveryOf(grafanaLegacyAlerting.replace('"state":"alerting"', '"state":"ok"')),
      2_000,
    ).alerts;
    expect(resolved).toMatchObject({ fingerprint: 'rule:1:1', status: 'resolved', observedAtMs: 2_000 });
    expect(
      parseGrafanaDelivery(deliveryOf(grafanaLegacyAlerting.replace('"state":"alerting"', '"state":"no_data"'))).alerts,
    ).toEqual([]);
  });

  it('refuses a body that is neither, naming the problem', () => {
    expect(() => parseGrafanaDelivery(deliveryOf('{"ruleId":1,"ruleName":"x","state":"exploded"}'))).toThrow(
      'state: must be ok, paused, alerting, pending or no_data',
    );
    expect(() => parseGrafanaDelivery(deliveryOf('{"hello":"world"}'))).toThrow(/status: is required/);
  });
});
