import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidDelivery, type InboundDelivery } from '#domain/project/connector.ts';
import { createPagerDutyConnector } from '#adapters/pagerduty/connector.ts';
import { readIncidentEvent } from '#adapters/pagerduty/incidents.ts';
import { webhookSchema } from '#adapters/pagerduty/payloads.ts';
import { pagerDutySignature } from '#adapters/pagerduty/signature.ts';
import { expectParsedOrRefused, jsonBytes, mutatedJson, thrownBy } from '#test/support/json-mutations.ts';
import { priorityUpdated, resolved, serviceUpdated, triggered } from './fixtures/webhooks.ts';

const connector = createPagerDutyConnector();
const config = connector.parseConfig({});

function delivery(
  body: unknown,
  headers: Record<string, string> = {},
  query: Record<string, string> = {},
): InboundDelivery {
  return { headers, query, rawBody: jsonBytes(body) };
}

function parse(body: unknown) {
  const parsed = connector.parseDelivery(delivery(body), config);
  // An incident no ticket is linked to is its alert (an alert group); see alert-items.ts.
  return { ...parsed, alerts: parsed.items.map((item) => item.alertWhenUnlinked) };
}

function withEvent(changes: Record<string, unknown>, data: Record<string, unknown> = {}) {
  return { event: { ...triggered.event, ...changes, data: { ...triggered.event.data, ...data } } };
}

describe('PagerDuty deliveries', () => {
  it('read an incident as one alert that is its own group, its priority the severity', () => {
    const parsed = parse(priorityUpdated);
    expect(parsed.deliveryId).toBe('pagerduty:5ac64822-4adc-4fda-ade0-410becf0de4f');
    expect(parsed.alerts).toEqual([
      {
        fingerprint: 'incident:PGR0VU2',
        groupKey: 'incident:PGR0VU2',
        name: 'A little bump in the road',
        status: 'firing',
        severity: 'P1',
        summary: 'A little bump in the road',
        labels: {
          service: 'API Service',
          escalation_policy: 'Default',
          team: 'Engineering',
          urgency: 'high',
          priority: 'P1',
          incident_key: 'd3640fbd41094207a1c11e58e46b1662',
          incident_number: '2',
        },
        startsAtMs: Date.parse('2020-04-09T15:16:27Z'),
        endsAtMs: null,
        generatorUrl: 'https://acme.pagerduty.com/incidents/PGR0VU2',
        observedAtMs: Date.parse('2020-10-02T18:45:22.169Z'),
      },
    ]);
  });

  it('fire on triggered and reopened, resolve on resolved, and take the urgency without a priority', () => {
    expect(parse(triggered).alerts?.[0]).toMatchObject({
      status: 'firing', severity: 'high', name: 'up rule triggered on nn',
    });
    expect(parse(resolved).alerts?.[0]).toMatchObject({
      status: 'resolved', endsAtMs: Date.parse('2025-02-15T14:42:34.992Z'),
    });
    const reopened = withEvent({ event_type: 'incident.reopened' }, { status: 'triggered' });
    expect(parse(reopened).alerts?.[0]?.status).toBe('firing');
  });

  it('tell an acknowledged incident apart while its alert keeps firing', () => {
    const acknowledged = webhookSchema.parse(
      withEvent({ event_type: 'incident.acknowledged' }, { status: 'acknowledged' }),
    );
    expect(readIncidentEvent(acknowledged)).toMatchObject({
      incidentStatus: 'acknowledged', alert: { status: 'firing', acknowledged: true },
    });
    const unacknowledged = webhookSchema.parse(
      withEvent({ event_type: 'incident.unacknowledged' }, { status: 'triggered' }),
    );
    expect(readIncidentEvent(unacknowledged)).toMatchObject({
      incidentStatus: 'triggered', alert: { acknowledged: false },
    });
    expect(parse(triggered).alerts?.[0]).not.toHaveProperty('acknowledged');
  });

  it('acknowledge other events without reporting anything', () => {
    expect(parse(serviceUpdated).items).toEqual([]);
    expect(parse(withEvent({ event_type: 'pagey.ping', resource_type: 'pagey' }, { type: 'ping' })).items).toEqual([]);
  });

  it('report the incident as an item in hub terms: its status, or its priority on priority updates only', () => {
    expect(parse(triggered).items[0]).toMatchObject({ externalId: 'QEXAMPLE1', fields: { status: 'open' } });
    expect(parse(resolved).items[0]?.fields).toEqual({ status: 'resolved' });
    const acknowledged = parse(withEvent({ event_type: 'incident.acknowledged' }, { status: 'acknowledged' }));
    expect(acknowledged.items[0]?.fields).toEqual({ status: 'acknowledged' });
    expect(parse(priorityUpdated).items[0]?.fields).toEqual({ priority: 'p1' });
  });

  it('refuse malformed events, naming the field', () => {
    const error = thrownBy(() => parse(withEvent({}, { status: 'snoozed' })));
    expect(error).toBeInstanceOf(InvalidDelivery);
    expect((error as Error).message).toBe('event.data.status: must be triggered, acknowledged or resolved');
    expect(thrownBy(() => parse({ event: { ...triggered.event, occurred_at: 'now' } }))).toMatchObject({
      message: 'event.occurred_at: must be an ISO 8601 timestamp',
    });
  });

  it('parse or refuse with InvalidDelivery whatever is changed in real deliveries', () => {
    fc.assert(
      fc.property(fc.constantFrom(priorityUpdated, triggered, resolved, serviceUpdated).chain(mutatedJson), (body) => {
        expectParsedOrRefused(() => parse(body));
      }),
      { numRuns: 300 },
    );
  });

  it('verify X-PagerDuty-Signature, any of several v1 signatures, and nothing else', () => {
    const raw = JSON.stringify(triggered);
    const rawBody = new TextEncoder().encode(raw);
    const signed = (header: string) =>
      connector.verifyDelivery({ headers: { 'x-pagerduty-signature': header }, query: {}, rawBody }, ['s3cret']);
    expect(signed(pagerDutySignature('s3cret', raw))).toBe(true);
    expect(signed(`${pagerDutySignature('old', raw)},${pagerDutySignature('s3cret', raw)}`)).toBe(true);
    expect(signed(` ${pagerDutySignature('s3cret', raw).toUpperCase().replace('V1=', 'v1=')} `)).toBe(true);
    expect(signed(pagerDutySignature('other', raw))).toBe(false);
    expect(signed(pagerDutySignature('s3cret', `${raw} `))).toBe(false);
    expect(signed('v0=abc')).toBe(false);
    expect(connector.verifyDelivery(delivery(triggered, {}, { secret: 's3cret' }), ['s3cret'])).toBe(false);
  });
});
