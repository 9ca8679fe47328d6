// Sends Cloud Monitoring incident notifications (schema 1.2) the way a webhook notification
// channel does, optionally with HTTP Basic authentication, for tests and the demo.

/** An incident's state, as much as tests need to say. */
export interface GcpIncidentChange {
  readonly incidentId: string;
  readonly policy: string;
  readonly state: 'open' | 'closed';
  readonly startedAt: Date;
  readonly endedAt?: Date;
  readonly severity?: 'Critical' | 'Error' | 'Warning';
  readonly project?: string;
}

/** The body a webhook channel posts for `change`. */
export function gcpIncidentBody(change: GcpIncidentChange): Record<string, unknown> {
  const project = change.project ?? 'demo-project';
  const started = Math.floor(change.startedAt.getTime() / 1000);
  return {
    version: '1.2',
    incident: {
      incident_id: change.incidentId,
      scoping_project_id: project,
      scoping_project_number: 123456789,
      url: `https://console.cloud.google.com/monitoring/alerting/incidents/${change.incidentId}?project=${project}`,
      started_at: started,
      ended_at: change.endedAt ? Math.floor(change.endedAt.getTime() / 1000) : null,
      state: change.state,
      summary: `${change.policy} ${change.state === 'open' ? 'is above the threshold' : 'returned to normal'}.`,
      policy_name: change.policy,
      condition_name: `${change.policy} condition`,
      severity: change.severity ?? 'Error',
      resource: { type: 'gce_instance', labels: { instance_id: '42', project_id: project, zone: 'europe-west1-b' } },
      metric: { type: 'compute.googleapis.com/instance/cpu/utilization', displayName: 'CPU utilization', labels: {} },
      metadata: { system_labels: {}, user_labels: {} },
      policy_user_labels: {},
    },
  };
}

/** POSTs `body` to `url`; with `basic`, as HTTP Basic `user:password`. */
export async function sendGcpIncident(
  url: string,
  body: unknown,
  basic?: { user: string; password: string },
): Promise<{ status: number; body: string }> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (basic) headers['authorization'] = `Basic ${Buffer.from(`${basic.user}:${basic.password}`).toString('base64')}`;
  const response = await fetch(url, { method: 'POST', headers, body: JSON.stringify(body) });
  return { status: response.status, body: await response.text() };
}
