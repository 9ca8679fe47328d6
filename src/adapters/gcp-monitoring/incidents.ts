// A Cloud Monitoring incident as an AlertReport: the incident id is the alert, its alert policy
// (within the scoping project) the group; `open` fires and `closed` resolves. Severity comes from
// the policy's severity (Critical, Error, Warning) when the notification carries one, else from a
// `severity` label on the policy or the metric's system labels.

import type { AlertReport } from '#domain/alert/alert-report.ts';
import type { Priority } from '#domain/ticket/fields.ts';
import type { IncidentNotification } from './payloads.ts';

/** Cloud Monitoring severities to priorities. */
export const gcpSeverityDefaults: { severityMap: Record<string, Priority>; fallbackPriority: Priority } = {
  severityMap: { critical: 'p1', error: 'p2', warning: 'p3', info: 'p4', 'no severity': 'p4' },
  fallbackPriority: 'p3',
};

/** The notification's one alert. */
export function alertFromIncident(body: IncidentNotification): AlertReport {
  const incident = body.incident;
  const closed = incident.state === 'closed';
  const startsAtMs = incident.started_at * 1000;
  const endsAtMs = closed ? (incident.ended_at ?? incident.started_at) * 1000 : null;
  const labels = labelsOf(incident);
  const severity = incident.severity ?? labels['severity'] ?? null;
  return {
    fingerprint: incident.incident_id,
    groupKey: `${incident.scoping_project_id ?? ''}/${incident.policy_name}`,
    name: incident.policy_name,
    status: closed ? 'resolved' : 'firing',
    severity,
    summary: incident.summary?.trim() || subjectOf(incident) || null,
    labels,
    startsAtMs,
    endsAtMs,
    generatorUrl: incident.url ?? null,
    observedAtMs: endsAtMs ?? startsAtMs,
  };
}

type Incident = IncidentNotification['incident'];

function subjectOf(incident: Incident): string | undefined {
  const documentation = incident.documentation;
  return typeof documentation === 'object' && documentation !== null ? documentation.subject?.trim() : undefined;
}

/** Policy and condition, then resource, metric, policy user labels and metadata labels. */
function labelsOf(incident: Incident): Record<string, string> {
  const labels = new Map<string, string>();
  const put = (name: string, value: string | null | undefined) => {
    if (value && !labels.has(name)) labels.set(name, value);
  };
  put('policy', incident.policy_name);
  put('condition', incident.condition_name);
  put('project', incident.scoping_project_id);
  put('resource_type', incident.resource?.type);
  put('metric_type', incident.metric?.type);
  const maps = [
    incident.resource?.labels,
    incident.metric?.labels,
    incident.policy_user_labels,
    incident.metadata?.user_labels,
    incident.metadata?.system_labels,
  ];
  for (const map of maps) for (const [name, value] of Object.entries(map ?? {})) put(name, value);
  return Object.fromEntries(labels);
}
