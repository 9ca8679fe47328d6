import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidDelivery, type InboundDelivery } from '#domain/project/connector.ts';
import { createDatadogConnector } from '#adapters/datadog/connector.ts';
import { expectParsedOrRefused, jsonBytes, mutatedJson, thrownBy } from '#test/support/json-mutations.ts';
import { defaultRecovered, defaultTriggered, templateTriggered } from './fixtures/webhooks.ts';

const connector = createDatadogConnector();
const config = connector.parseConfig({});

function delivery(
  body: unknown,
  query: Record<string, string> = {},
  headers: Record<string, string> = {},
): InboundDelivery {
  return { headers, query, rawBody: jsonBytes(body) };
}

function parse(body: unknown) {
  return connector.parseDelivery(delivery(body), config);
}

function refusal(body: unknown): string {
  const error = thrownBy(() => parse(body));
  expect(error).toBeInstanceOf(InvalidDelivery);
  return (error as Error).message;
}

describe('Datadog deliveries', () => {
  it('read the README payload: the monitor is the group, each scope an alert', () => {
    const parsed = parse(templateTriggered);
    expect(parsed.deliveryId).toBe('datadog:5717804682337238360');
    expect(parsed.alerts).toEqual([
      {
        fingerprint: 'monitor:25562336/host:nls-jenkins-master',
        groupKey: 'monitor:25562336',
        name: '[TEST] CPU is high on nls-jenkins-master with an IP of 10.88.11.35',
        status: 'firing',
        severity: 'P2',
        summary: 'system.cpu.system over host:nls-jenkins-master was > 0.1 at least once during the last 5m.',
        labels: {
          monitor_id: '25562336',
          metric: 'system.cpu.system',
          event_type: 'metric_alert_monitor',
          host: 'nls-jenkins-master',
          org: 'Charter Communications',
          monitor: '',
        },
        startsAtMs: 1605070582000,
        endsAtMs: null,
        generatorUrl: 'https://app.datadoghq.com/event/event?id=5717804682337238360',
        observedAtMs: 1605070582000,
      },
    ]);
  });

  it('resolve on Recovered, fire on every other transition, and ignore Null', () => {
    const recovered = { ...templateTriggered, id: '2', alert_transition: 'Recovered', alert_type: 'success' };
    expect(parse(recovered).alerts?.[0]).toMatchObject({
      status: 'resolved', endsAtMs: 1605070582000, fingerprint: 'monitor:25562336/host:nls-jenkins-master',
    });
    for (const transition of ['Re-Triggered', 'Warn', 'Re-Warn', 'No Data', 'Re-No Data', 'Renotify']) {
      expect(parse({ ...templateTriggered, alert_transition: transition }).alerts?.[0]?.status).toBe('firing');
    }
    expect(parse({ ...templateTriggered, alert_transition: 'Null' }).alerts).toEqual([]);
  });

  it('fall back to the alert type without a priority, and to the aggregation key without a monitor id', () => {
    expect(parse({ ...templateTriggered, alert_priority: '' }).alerts?.[0]?.severity).toBe('error');
    const { alert_id: _id, ...withoutId } = templateTriggered;
    expect(parse(withoutId).alerts?.[0]).toMatchObject({ groupKey: 'aggregate:9bd4ac313a4d1e8fae2482df7b77628' });
  });

  it("read Datadog's default payload from its title and monitor link", () => {
    expect(parse(defaultTriggered).alerts?.[0]).toMatchObject({
      fingerprint: 'monitor:25562336/host:nls-jenkins-master',
      groupKey: 'monitor:25562336',
      name: '[TEST] CPU is high on nls-jenkins-master with an IP of 10.88.11.35',
      status: 'firing',
      severity: 'error',
      labels: { monitor_id: '25562336', host: 'nls-jenkins-master', org: 'Charter Communications' },
      observedAtMs: 1605070582000,
    });
    expect(parse(defaultRecovered).alerts?.[0]).toMatchObject({
      fingerprint: 'monitor:309811/host:i-3b93aafb',
      status: 'resolved',
      name: 'Dock is almost out of memory...',
    });
  });

  it('refuse what is not a monitor notification, naming the field', () => {
    expect(refusal({ ...defaultTriggered, title: 'Hello' })).toMatch(/^title: is not a monitor notification/);
    const raw = { ...templateTriggered, alert_transition: '$ALERT_TRANSITION' };
    expect(refusal(raw)).toMatch(/^alert_transition: unknown transition "\$ALERT_TRANSITION"/);
    expect(refusal({ ...templateTriggered, date: 'yesterday' })).toMatch(/^date: must be epoch milliseconds/);
    const { date: _date, last_updated: _updated, ...undated } = templateTriggered;
    expect(refusal(undated)).toMatch(/^date: is required/);
  });

  it('parse or refuse with InvalidDelivery whatever is changed in real deliveries', () => {
    fc.assert(
      fc.property(fc.constantFrom(defaultTriggered, defaultRecovered, templateTriggered).chain(mutatedJson), (body) => {
        expectParsedOrRefused(() => parse(body));
      }),
      { numRuns: 300 },
    );
  });

  it('authenticate by ?secret= or a Bearer header', () => {
    expect(connector.verifyDelivery(delivery(templateTriggered, { secret: 's3cret' }), ['s3cret'])).toBe(true);
    const bearer = { Authorization: 'Bearer s3cret' };
    expect(connector.verifyDelivery(delivery(templateTriggered, {}, bearer), ['s3cret'])).toBe(true);
    expect(connector.verifyDelivery(delivery(templateTriggered), ['s3cret'])).toBe(false);
  });
});
