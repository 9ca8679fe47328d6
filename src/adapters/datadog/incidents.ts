// Datadog incidents, inbound: a webhook of the Webhooks integration, notified by an incident
// notification rule, posts the README's incident payload (`incident_uuid`, `incident_status`...,
// the `$INCIDENT_*` variables of docs.datadoghq.com "Webhooks"). It reports the incident as an item
// (its UUID, its state as a hub status) that moves a linked ticket; an incident no ticket holds is
// an alert group of its own, like a monitor alert.

import { z } from 'zod';
import type { ExternalItem } from '#domain/project/connector.ts';
import type { TicketStatus } from '#domain/ticket/fields.ts';
import { expected } from '#adapters/shared/parsing.ts';
import { datadogEpoch } from './payloads.ts';

const text = z.string({ error: expected('a string') });

/** The README's incident payload. */
export const incidentPayloadSchema = z.object({
  id: z.union([text, z.number()]).transform(String).optional(),
  last_updated: datadogEpoch.optional(),
  incident_uuid: text.min(1, { error: 'must not be empty' }),
  incident_public_id: z.union([text, z.number()]).transform(String).optional(),
  incident_title: text.optional(),
  incident_status: text.transform((value) => value.trim().toLowerCase()).pipe(
    z.enum(['active', 'stable', 'resolved'], { error: 'must be active, stable or resolved' }),
  ),
  incident_severity: text.optional(),
  incident_url: text.optional(),
});

export type DatadogIncidentPayload = z.output<typeof incidentPayloadSchema>;

/** True when the body is an incident notification (it names an incident). */
export function isIncidentPayload(json: unknown): boolean {
  if (typeof json !== 'object' || json === null) return false;
  const uuid = (json as Record<string, unknown>)['incident_uuid'];
  return typeof uuid === 'string' && uuid !== '';
}

/** An incident state as a hub status: active is open, stable acknowledged, resolved resolved. */
export function hubStatusOfIncident(state: DatadogIncidentPayload['incident_status']): TicketStatus {
  return state === 'active' ? 'open' : state === 'stable' ? 'acknowledged' : 'resolved';
}

/** The incident state a hub status asks for: done is resolved, back to open is active; others ask nothing. */
export function incidentStateFor(status: TicketStatus): 'active' | 'resolved' | null {
  if (status === 'resolved' || status === 'closed') return 'resolved';
  if (status === 'open') return 'active';
  return null;
}

/** The incident report of a payload, with its alert for when no ticket holds it. */
export function incidentItemOf(body: DatadogIncidentPayload, receivedAtMs: number): ExternalItem {
  const at = body.last_updated ?? receivedAtMs;
  const identity = `incident:${body.incident_uuid}`;
  const title = body.incident_title?.trim() || `Datadog incident ${body.incident_public_id ?? body.incident_uuid}`;
  const resolved = body.incident_status === 'resolved';
  return {
    externalId: body.incident_uuid,
    ...(body.incident_url ? { url: body.incident_url } : {}),
    orderingKey: at,
    observedAtMs: at,
    fields: { status: hubStatusOfIncident(body.incident_status) },
    alertWhenUnlinked: {
      fingerprint: identity,
      groupKey: identity,
      name: title,
      status: resolved ? 'resolved' : 'firing',
      severity: body.incident_severity?.trim() || null,
      summary: title,
      labels: { incident_uuid: body.incident_uuid, ...(body.incident_public_id ? { incident_public_id: body.incident_public_id } : {}) },
      startsAtMs: at,
      endsAtMs: resolved ? at : null,
      generatorUrl: body.incident_url ?? null,
      observedAtMs: at,
      ...(body.incident_status === 'stable' ? { acknowledged: true } : {}),
    },
  };
}
