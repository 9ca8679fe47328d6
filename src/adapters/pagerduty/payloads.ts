// What a PagerDuty v3 webhook subscription posts (developer.pagerduty.com, "Webhooks v3
// overview"): one `event` whose `data` depends on `event_type`. Incident events carry the
// incident; other events (notes, responders, services, the `pagey.ping` test) are read only far
// enough to be acknowledged. Unknown keys are ignored.

import { z } from 'zod';
import { expected } from '#adapters/shared/parsing.ts';

const text = z.string({ error: expected('a string') });
const nonEmpty = text.min(1, { error: 'must not be empty' });

const instantShape = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;
const instant = text.refine(
  (value) => instantShape.test(value) && !Number.isNaN(Date.parse(value)),
  { error: 'must be an ISO 8601 timestamp' },
);

const reference = z.object(
  { id: text.optional(), summary: text.nullable().optional() },
  { error: expected('an object') },
);

/** The incident of `incident.*` events whose `data.type` is `incident`. */
export const incidentSchema = z.object(
  {
    id: nonEmpty,
    type: z.literal('incident', { error: 'must be "incident"' }),
    html_url: text.optional(),
    number: z.number({ error: expected('a number') }).optional(),
    status: z.enum(['triggered', 'acknowledged', 'resolved'], {
      error: expected('triggered, acknowledged or resolved'),
    }),
    incident_key: text.nullable().optional(),
    created_at: instant,
    title: text.optional(),
    service: reference.nullable().optional(),
    escalation_policy: reference.nullable().optional(),
    teams: z.array(reference, { error: expected('a list of teams') }).nullable().optional(),
    priority: reference.nullable().optional(),
    urgency: text.nullable().optional(),
  },
  { error: expected('an object') },
);

/** One v3 webhook delivery. */
export const webhookSchema = z.object({
  event: z.object(
    {
      id: nonEmpty,
      event_type: nonEmpty,
      resource_type: text.optional(),
      occurred_at: instant,
      agent: reference.nullable().optional(),
      data: z.unknown(),
    },
    { error: expected('an object') },
  ),
});

export type PagerDutyWebhook = z.output<typeof webhookSchema>;
export type PagerDutyIncident = z.output<typeof incidentSchema>;
