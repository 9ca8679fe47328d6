import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidDelivery, type InboundDelivery } from '#domain/project/connector.ts';
import { createGcpMonitoringConnector } from '#adapters/gcp-monitoring/connector.ts';
import { expectParsedOrRefused, jsonBytes, mutatedJson, thrownBy } from '#test/support/json-mutations.ts';
import { closedIncident, cloudSqlIncident, openIncident, testNotification } from './fixtures/incidents.ts';

const connector = createGcpMonitoringConnector();
const config = connector.parseConfig({});

function delivery(
  body: unknown,
  query: Record<string, string> = {},
  headers: Record<string, string> = {},
): InboundDelivery {
  return { headers, query, rawBody: jsonBytes(body) };
}

function alertOf(body: unknown) {
  const alerts = connector.parseDelivery(delivery(body), config).alerts ?? [];
  expect(alerts).toHaveLength(1);
  return alerts[0];
}

function refusal(body: unknown): string {
  const error = thrownBy(() => connector.parseDelivery(delivery(body), config));
  expect(error).toBeInstanceOf(InvalidDelivery);
  return (error as Error).message;
}

describe('Cloud Monitoring deliveries', () => {
  it('read an open incident: the incident is the alert, its policy the group', () => {
    expect(alertOf(openIncident)).toEqual({
      fingerprint: '0.nrwotmyokd9n',
      groupKey: 'flanksource-sandbox/Test-incident-canary',
      name: 'Test-incident-canary',
      status: 'firing',
      severity: 'Error',
      summary: openIncident.incident.summary,
      labels: {
        policy: 'Test-incident-canary',
        condition: 'VM Instance - Sent packets',
        project: 'flanksource-sandbox',
        resource_type: 'gce_instance',
        metric_type: 'compute.googleapis.com/instance/network/sent_packets_count',
        instance_id: '1943820386402233898',
        project_id: 'flanksource-sandbox',
        zone: 'europe-west1-b',
        instance_name: 'gke-hub-cluster-private-pool-containe-de26c8a2-0se1',
        loadbalanced: 'false',
      },
      startsAtMs: 1746178794000,
      endsAtMs: null,
      generatorUrl: openIncident.incident.url,
      observedAtMs: 1746178794000,
    });
  });

  it('resolve a closed incident at its end', () => {
    expect(alertOf(closedIncident)).toMatchObject({
      fingerprint: '0.nrwo9fe1a4wg',
      groupKey: 'flanksource-sandbox/Test-incident-canary',
      status: 'resolved',
      startsAtMs: 1746177319000,
      endsAtMs: 1746178747000,
      observedAtMs: 1746178747000,
    });
  });

  it('read incidents without severity, and the channel test notification', () => {
    expect(alertOf(cloudSqlIncident)).toMatchObject({
      severity: null, labels: { name: 'wkingdb', database_id: 'owin-337303:wkingdb' },
    });
    expect(alertOf(testNotification)).toMatchObject({
      fingerprint: '12345', status: 'firing', summary: 'Test Incident', labels: { example: 'label' },
    });
  });

  it('name each delivery by its body, so a repeat is the same delivery', () => {
    const first = connector.parseDelivery(delivery(openIncident), config).deliveryId;
    expect(connector.parseDelivery(delivery(openIncident), config).deliveryId).toBe(first);
    expect(connector.parseDelivery(delivery(closedIncident), config).deliveryId).not.toBe(first);
  });

  it('refuse other schema versions and malformed incidents, naming the field', () => {
    expect(refusal({ ...openIncident, version: '1.1' })).toMatch(/^version: must be "1.2"/);
    const bent = (change: Record<string, unknown>) => ({ ...openIncident, incident: { ...openIncident.incident, ...change } });
    expect(refusal(bent({ state: 'snoozed' }))).toBe('incident.state: must be open or closed');
    expect(refusal(bent({ started_at: '2025-05-02' }))).toBe('incident.started_at: must be epoch seconds');
    expect(refusal({ version: '1.2' })).toBe('incident: is required');
  });

  it('parse or refuse with InvalidDelivery whatever is changed in real notifications', () => {
    fc.assert(
      fc.property(fc.constantFrom(openIncident, closedIncident, cloudSqlIncident, testNotification).chain(mutatedJson), (b) => {
        expectParsedOrRefused(() => connector.parseDelivery(delivery(b), config));
      }),
      { numRuns: 300 },
    );
  });

  it('authenticate by ?secret= or the channel basic authentication', () => {
    const basic = `Basic ${Buffer.from('admin:s3cret').toString('base64')}`;
    expect(connector.verifyDelivery(delivery(openIncident, { secret: 's3cret' }), ['s3cret'])).toBe(true);
    expect(connector.verifyDelivery(delivery(openIncident, {}, { authorization: basic }), ['s3cret'])).toBe(true);
    expect(connector.verifyDelivery(delivery(openIncident, {}, { authorization: basic }), ['other'])).toBe(false);
  });

  it('map Critical, Error and Warning to P1, P2 and P3 by default', () => {
    expect(connector.alertPolicy?.(config).severityMap).toMatchObject({ critical: 'p1', error: 'p2', warning: 'p3' });
  });
});
