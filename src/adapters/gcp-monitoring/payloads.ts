// What a Google Cloud Monitoring webhook notification channel posts for an incident, schema
// version 1.2 (cloud.google.com, "Create and manage notification channels", webhook schema), and
// the body of the channel's "Send test notification" button (`"version": "test"`, upper-case
// state). Only what Lockstep reads is typed; unknown keys are ignored.

import { z } from 'zod';
import { expected } from '#adapters/shared/parsing.ts';

const text = z.string({ error: expected('a string') });
const stringMap = z.record(text, text, { error: expected('an object of strings') });
const epochSeconds = z
  .number({ error: expected('epoch seconds') })
  .int({ error: 'must be whole epoch seconds' })
  .min(0, { error: 'must not be negative' })
  .max(253402300799, { error: 'must be before the year 10000' });

const incidentSchema = z.object(
  {
    incident_id: text.min(1, { error: 'must not be empty' }),
    scoping_project_id: text.optional(),
    url: text.optional(),
    started_at: epochSeconds,
    ended_at: epochSeconds.nullable().optional(),
    state: z
      .string({ error: expected('open or closed') })
      .transform((value) => value.toLowerCase())
      .pipe(z.enum(['open', 'closed'], { error: 'must be open or closed' })),
    summary: text.optional(),
    severity: text.nullable().optional(),
    policy_name: text.min(1, { error: 'must not be empty' }),
    condition_name: text.optional(),
    resource: z.object({ type: text.optional(), labels: stringMap.nullable().optional() }).nullable().optional(),
    resource_display_name: text.optional(),
    metric: z
      .object({ type: text.optional(), displayName: text.optional(), labels: stringMap.nullable().optional() })
      .nullable()
      .optional(),
    metadata: z
      .object({ system_labels: stringMap.nullable().optional(), user_labels: stringMap.nullable().optional() })
      .nullable()
      .optional(),
    policy_user_labels: stringMap.nullable().optional(),
    // An object in real notifications, plain text in the channel's test notification.
    documentation: z
      .union([z.object({ subject: text.nullable().optional(), content: text.nullable().optional() }), text], {
        error: expected('an object {subject, content}'),
      })
      .nullable()
      .optional(),
  },
  { error: expected('an object') },
);

/** A version 1.2 notification, or the test notification of the channel's settings page. */
export const incidentNotificationSchema = z.object({
  version: z.enum(['1.2', 'test'], { error: 'must be "1.2" (the webhook schema version Lockstep reads) or "test"' }),
  incident: incidentSchema,
});

export type IncidentNotification = z.output<typeof incidentNotificationSchema>;
