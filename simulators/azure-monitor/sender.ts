// Sends Azure Monitor common-alert-schema notifications the way an action group's webhook action
// does (a plain JSON POST, the secret in the URL), for tests and the demo.

/** A metric alert's state, as much as tests need to say. */
export interface AzureAlertChange {
  readonly rule: string;
  /** One alert instance of the rule (Azure's alertId ends with it). */
  readonly instance: string;
  readonly condition: 'Fired' | 'Resolved';
  readonly severity?: 'Sev0' | 'Sev1' | 'Sev2' | 'Sev3' | 'Sev4';
  readonly at?: Date;
  readonly resource?: string;
}

const subscription = '/subscriptions/00000000-0000-0000-0000-000000000000';

/** The common-schema body Azure posts for `change`. */
export function azureAlertBody(change: AzureAlertChange): Record<string, unknown> {
  const at = (change.at ?? new Date()).toISOString();
  const resource = change.resource ??
    `${subscription}/resourcegroups/rg/providers/microsoft.compute/virtualmachines/vm-1`;
  return {
    schemaId: 'azureMonitorCommonAlertSchema',
    data: {
      essentials: {
        alertId: `${subscription}/providers/Microsoft.AlertsManagement/alerts/${change.instance}`,
        alertRule: change.rule,
        severity: change.severity ?? 'Sev2',
        signalType: 'Metric',
        monitorCondition: change.condition,
        monitoringService: 'Platform',
        alertTargetIDs: [resource],
        configurationItems: [resource.split('/').pop() ?? 'vm'],
        originAlertId: `${change.instance}_origin`,
        firedDateTime: change.condition === 'Fired' ? at : new Date(Date.parse(at) - 60_000).toISOString(),
        ...(change.condition === 'Resolved' ? { resolvedDateTime: at } : {}),
        description: `${change.rule} on ${resource.split('/').pop() ?? 'vm'}`,
        essentialsVersion: '1.0',
        alertContextVersion: '1.0',
      },
      alertContext: {
        properties: null,
        conditionType: 'SingleResourceMultipleMetricCriteria',
        condition: { windowSize: 'PT5M', allOf: [{ metricName: 'Percentage CPU', dimensions: [], metricValue: 97 }] },
      },
    },
  };
}

/** POSTs `body` to `url` as Azure does; resolves with the status and body of the answer. */
export async function sendAzureAlert(url: string, body: unknown): Promise<{ status: number; body: string }> {
  const headers = { 'content-type': 'application/json' };
  const response = await fetch(url, { method: 'POST', headers, body: JSON.stringify(body) });
  return { status: response.status, body: await response.text() };
}
