import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidConnectorSettings, InvalidDelivery, type InboundDelivery } from '#domain/project/connector.ts';
import { createAzureMonitorConnector } from '#adapters/azure-monitor/connector.ts';
import { expectParsedOrRefused, jsonBytes, mutatedJson, thrownBy } from '#test/support/json-mutations.ts';
import {
  activityLog,
  budget,
  logAlertV2,
  metricResolved,
  metricStaticFired,
  resourceHealth,
  serviceHealth,
} from './fixtures/common-schema.ts';

const connector = createAzureMonitorConnector();
const config = connector.parseConfig({});

function delivery(
  body: unknown,
  query: Record<string, string> = {},
  headers: Record<string, string> = {},
): InboundDelivery {
  return { headers, query, rawBody: jsonBytes(body) };
}

function alertOf(body: unknown) {
  const parsed = connector.parseDelivery(delivery(body), config);
  expect(parsed.alerts).toHaveLength(1);
  return parsed.alerts?.[0];
}

function refusal(body: unknown): string {
  const error = thrownBy(() => connector.parseDelivery(delivery(body), config));
  expect(error).toBeInstanceOf(InvalidDelivery);
  return (error as Error).message;
}

describe('Azure Monitor deliveries', () => {
  it('read a resolved metric alert: the alert id is the alert, the rule its group', () => {
    const parsed = connector.parseDelivery(delivery(metricResolved), config);
    expect(parsed.deliveryId).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(parsed.items).toEqual([]);
    expect(parsed.alerts).toEqual([
      {
        fingerprint: metricResolved.data.essentials.alertId,
        groupKey: 'rule:WCUS-R2-Gen2',
        name: 'WCUS-R2-Gen2',
        status: 'resolved',
        severity: 'Sev3',
        summary: null,
        labels: {
          alertRule: 'WCUS-R2-Gen2',
          severity: 'Sev3',
          signalType: 'Metric',
          monitoringService: 'Platform',
          resource: '/subscriptions/<subscription ID>/resourcegroups/pipelinealertrg/providers/microsoft.compute/virtualmachines/wcus-r2-gen2',
          configurationItem: 'wcus-r2-gen2',
          ResourceId: 'b1b1b1b1-cccc-dddd-eeee-f2f2f2f2f2f2',
        },
        startsAtMs: Date.parse('2019-03-22T13:58:24.371Z'),
        endsAtMs: Date.parse('2019-03-22T14:03:16.224Z'),
        generatorUrl:
          'https://portal.azure.com/#blade/Microsoft_Azure_Monitoring/AlertDetailsTemplateBlade/alertId/' +
          encodeURIComponent(metricResolved.data.essentials.alertId),
        observedAtMs: Date.parse('2019-03-22T14:03:16.224Z'),
      },
    ]);
  });

  it('read fired metric, log and activity-log alerts with their dimensions and custom properties', () => {
    expect(alertOf(metricStaticFired)).toMatchObject({
      status: 'firing',
      endsAtMs: null,
      severity: 'Sev4',
      summary: 'Alertruledescription',
      labels: { ApiName: 'GetBlob', customKey1: 'value1', customKey2: 'value2' },
    });
    expect(alertOf(logAlertV2)).toMatchObject({
      status: 'firing', groupKey: 'rule:test-logAlertRule-v2', labels: { Computer: 'test-computer' },
    });
    expect(alertOf(activityLog)).toMatchObject({
      status: 'firing', name: 'test-activityLogAlertRule', labels: { signalType: 'Activity Log' },
    });
  });

  it('key resource health by rule and resource, resolving when the resource is Available again', () => {
    const down = alertOf(resourceHealth);
    expect(down).toMatchObject({
      status: 'firing',
      fingerprint: 'resourcehealth:test-ResourceHealthAlertRule:/subscriptions/aaaa0a0a-bb1b-cc2c-dd3d-eeeeee4e4e4e/resourcegroups/test-rg/providers/microsoft.compute/virtualmachines/test-vm',
      summary: 'Alert rule description',
    });
    const back = structuredClone(resourceHealth);
    back.data.essentials.alertId += '-2';
    back.data.alertContext.properties.currentHealthStatus = 'Available';
    expect(alertOf(back)).toMatchObject({ status: 'resolved', fingerprint: down?.fingerprint });
  });

  it('key service health by tracking id, resolved at the Resolved stage', () => {
    expect(alertOf(serviceHealth)).toMatchObject({ fingerprint: 'servicehealth:TEST-TTT', status: 'resolved' });
    const active = structuredClone(serviceHealth);
    active.data.alertContext.properties.stage = 'Active';
    active.data.alertContext.status = 'Active';
    expect(alertOf(active)).toMatchObject({ fingerprint: 'servicehealth:TEST-TTT', status: 'firing' });
  });

  it('read alerts without rule or severity (budgets)', () => {
    expect(alertOf(budget)).toMatchObject({
      fingerprint: budget.data.essentials.alertId,
      groupKey: budget.data.essentials.alertId,
      name: 'budgets',
      severity: null,
      summary: 'Delivery Confirmation: This is a sample budget alert from Azure Monitor Action Groups.',
    });
  });

  it('refuse other schemas and malformed essentials, naming the field', () => {
    expect(refusal({ schemaId: 'AzureMonitorMetricAlert', data: {} })).toMatch(
      /^schemaId: must be "azureMonitorCommonAlertSchema" \(enable the common alert schema/,
    );
    const bent = structuredClone(metricResolved) as { data: { essentials: Record<string, unknown> } };
    bent.data.essentials['monitorCondition'] = 'Exploded';
    expect(refusal(bent)).toBe('data.essentials.monitorCondition: must be Fired or Resolved');
    bent.data.essentials['monitorCondition'] = 'Fired';
    bent.data.essentials['firedDateTime'] = 'noon';
    expect(refusal(bent)).toBe('data.essentials.firedDateTime: must be an ISO 8601 timestamp');
    expect(refusal('not json' as unknown)).toBe('body: must be a JSON object');
  });

  it('parse or refuse with InvalidDelivery whatever is changed in real notifications', () => {
    const samples = [metricResolved, metricStaticFired, logAlertV2, activityLog, resourceHealth, serviceHealth, budget];
    fc.assert(
      fc.property(fc.constantFrom(...samples).chain(mutatedJson), (body) => {
        expectParsedOrRefused(() => connector.parseDelivery(delivery(body), config));
      }),
      { numRuns: 400 },
    );
  });

  it('authenticate by ?secret=, Bearer or Basic password', () => {
    const basic = `Basic ${Buffer.from('azure:s3cret').toString('base64')}`;
    expect(connector.verifyDelivery(delivery(metricResolved, { secret: 's3cret' }), ['s3cret'])).toBe(true);
    const bearer = { authorization: 'Bearer s3cret' };
    expect(connector.verifyDelivery(delivery(metricResolved, {}, bearer), ['s3cret'])).toBe(true);
    expect(connector.verifyDelivery(delivery(metricResolved, {}, { authorization: basic }), ['s3cret'])).toBe(true);
    expect(connector.verifyDelivery(delivery(metricResolved, { secret: 'guess' }), ['s3cret'])).toBe(false);
    expect(connector.verifyDelivery(delivery(metricResolved), ['s3cret'])).toBe(false);
  });

  it('take the shared config keys and map Sev0..Sev4 to P1..P5 by default', () => {
    const policy = connector.alertPolicy?.(connector.parseConfig({ severityMap: { Sev4: 'P3' } }));
    expect(policy?.severityMap).toMatchObject({ sev0: 'p1', sev1: 'p2', sev2: 'p3', sev3: 'p4', sev4: 'p3' });
    expect(thrownBy(() => connector.parseConfig({ trustedSnsHosts: [] }))).toBeInstanceOf(InvalidConnectorSettings);
  });
});
