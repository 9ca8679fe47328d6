// A PagerDuty v3 incident event as an AlertReport: each incident is one alert and its own group
// (fingerprint and group key `incident:<id>`); resolved resolves, triggered, reopened,
// acknowledged, unacknowledged and priority updates fire with the incident's current state, and
// (un)acknowledgements say so in the report's `acknowledged`.
// Severity is the incident's priority (P1..P5) or, without one, its urgency. Other event types
// (notes, responders, services, `pagey.ping`) are acknowledged and report nothing.

import { describeIssues } from '#adapters/shared/parsing.ts';
import { InvalidDelivery } from '#domain/project/connector.ts';
import type { AlertReport } from '#domain/alert/alert-report.ts';
import type { Priority } from '#domain/ticket/fields.ts';
import { incidentSchema, type PagerDutyIncident, type PagerDutyWebhook } from './payloads.ts';

/** PagerDuty priorities and urgencies to hub priorities. */
export const pagerDutySeverityDefaults: { severityMap: Record<string, Priority>; fallbackPriority: Priority } = {
  severityMap: { p1: 'p1', p2: 'p2', p3: 'p3', p4: 'p4', p5: 'p5', high: 'p2', low: 'p4' },
  fallbackPriority: 'p3',
};

/** The incident events that move an alert group. */
export const lifecycleEvents = [
  'incident.triggered',
  'incident.acknowledged',
  'incident.unacknowledged',
  'incident.resolved',
  'incident.reopened',
  'incident.priority_updated',
] as const;

/** What an incident event says: its alert, and the incident's own state on PagerDuty. */
export interface IncidentReading {
  readonly alert: AlertReport;
  readonly incidentStatus: PagerDutyIncident['status'];
}

/** The reading of a lifecycle event, or null for events that move nothing. */
export function readIncidentEvent(webhook: PagerDutyWebhook): IncidentReading | null {
  const event = webhook.event;
  if (!(lifecycleEvents as readonly string[]).includes(event.event_type)) return null;
  const parsed = incidentSchema.safeParse(event.data);
  if (!parsed.success) throw new InvalidDelivery(describeIssues(parsed.error, 'event.data'));
  const incident = parsed.data;
  const reopened = event.event_type === 'incident.reopened';
  const resolved = event.event_type === 'incident.resolved' || (!reopened && incident.status === 'resolved');
  const occurredAtMs = Date.parse(event.occurred_at);
  const identity = `incident:${incident.id}`;
  const name = incident.title?.trim() || `PagerDuty incident ${incident.number ?? incident.id}`;
  return {
    incidentStatus: resolved ? 'resolved' : incident.status === 'resolved' ? 'triggered' : incident.status,
    alert: {
      fingerprint: identity,
      groupKey: identity,
      name,
      status: resolved ? 'resolved' : 'firing',
      severity: incident.priority?.summary?.trim() || incident.urgency?.trim() || null,
      summary: incident.title?.trim() || null,
      labels: labelsOf(incident),
      startsAtMs: Date.parse(incident.created_at),
      endsAtMs: resolved ? occurredAtMs : null,
      generatorUrl: incident.html_url ?? null,
      observedAtMs: occurredAtMs,
      ...(event.event_type === 'incident.acknowledged' ? { acknowledged: true } : {}),
      ...(event.event_type === 'incident.unacknowledged' ? { acknowledged: false } : {}),
    },
  };
}

function labelsOf(incident: PagerDutyIncident): Record<string, string> {
  const labels = new Map<string, string>();
  const put = (name: string, value: string | null | undefined) => {
    if (value) labels.set(name, value);
  };
  put('service', incident.service?.summary);
  put('escalation_policy', incident.escalation_policy?.summary);
  put('team', incident.teams?.[0]?.summary);
  put('urgency', incident.urgency);
  put('priority', incident.priority?.summary);
  put('incident_key', incident.incident_key);
  put('incident_number', incident.number === undefined ? undefined : String(incident.number));
  return Object.fromEntries(labels);
}
