// Sends PagerDuty v3 webhook deliveries for incident events, signed as PagerDuty signs them
// (`X-PagerDuty-Signature: v1=<hex HMAC-SHA256 of the body>`), for tests and the demo.

import { createHmac, randomUUID } from 'node:crypto';

type IncidentChange = 'triggered' | 'acknowledged' | 'unacknowledged' | 'resolved' | 'reopened' | 'priority_updated';

/** An incident event, as much as tests need to say. */
export interface PagerDutyIncidentEvent {
  readonly incidentId: string;
  readonly type: `incident.${IncidentChange}`;
  readonly title: string;
  readonly createdAt: Date;
  readonly at?: Date;
  readonly priority?: string | null;
  readonly urgency?: 'high' | 'low';
  readonly eventId?: string;
}

const statusOf: Record<PagerDutyIncidentEvent['type'], string> = {
  'incident.triggered': 'triggered',
  'incident.acknowledged': 'acknowledged',
  'incident.unacknowledged': 'triggered',
  'incident.resolved': 'resolved',
  'incident.reopened': 'triggered',
  'incident.priority_updated': 'triggered',
};

/** The v3 body PagerDuty posts for `event`. */
export function pagerDutyBody(event: PagerDutyIncidentEvent): Record<string, unknown> {
  return {
    event: {
      id: event.eventId ?? randomUUID(),
      event_type: event.type,
      resource_type: 'incident',
      occurred_at: (event.at ?? new Date()).toISOString(),
      agent: null,
      client: null,
      data: {
        id: event.incidentId,
        type: 'incident',
        self: `https://api.pagerduty.com/incidents/${event.incidentId}`,
        html_url: `https://demo.pagerduty.com/incidents/${event.incidentId}`,
        number: 1,
        status: statusOf[event.type],
        incident_key: null,
        created_at: event.createdAt.toISOString().replace(/\.\d{3}Z$/, 'Z'),
        title: event.title,
        service: { id: 'PSVC001', type: 'service_reference', summary: 'Checkout' },
        assignees: [],
        escalation_policy: { id: 'PEP0001', type: 'escalation_policy_reference', summary: 'Default' },
        teams: [],
        priority: event.priority ? { id: 'PPRIO01', type: 'priority_reference', summary: event.priority } : null,
        urgency: event.urgency ?? 'high',
        conference_bridge: null,
        resolve_reason: null,
      },
    },
  };
}

/** POSTs `body` to `url` signed with each of `secrets` (PagerDuty signs with every active one). */
export async function sendPagerDuty(
  url: string,
  body: unknown,
  secrets: readonly string[],
): Promise<{ status: number; body: string }> {
  const raw = JSON.stringify(body);
  const signature = secrets.map((secret) => `v1=${createHmac('sha256', secret).update(raw).digest('hex')}`).join(',');
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-pagerduty-signature': signature, 'x-webhook-id': randomUUID() },
    body: raw,
  });
  return { status: response.status, body: await response.text() };
}
