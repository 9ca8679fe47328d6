// The Alertmanager webhook body, version 4 (prometheus.io/docs/alerting/latest/configuration/#webhook_config),
// shared with Grafana. Tolerated: no `fingerprint` (before 0.19), Go's zero time as `endsAt` while
// firing (older versions put a future resolve timeout there), unknown keys.

import { z } from 'zod';
import { expected } from '#adapters/shared/parsing.ts';

/** Go's zero time.Time, which Alertmanager and Grafana send for "not set". */
const zeroTime = Date.parse('0001-01-01T00:00:00Z');

/** An RFC 3339 timestamp as ms since epoch; null when absent or Go's zero time. */
const rfc3339 = z
  .string({ error: expected('an RFC 3339 timestamp') })
  .optional()
  .transform((value, ctx) => {
    if (value === undefined || value === '') return null;
    const ms = Date.parse(value);
    if (Number.isNaN(ms)) {
      ctx.issues.push({
        code: 'custom',
        message: `must be an RFC 3339 timestamp, not ${JSON.stringify(value)}`,
        input: value,
      });
      return z.NEVER;
    }
    return ms <= zeroTime ? null : ms;
  });

const stringMap = z.record(z.string(), z.string({ error: expected('a string') }), {
  error: expected('an object of strings'),
});

export const alertStatusSchema = z.enum(['firing', 'resolved'], { error: expected('firing or resolved') });

/** One alert of a notification. */
export const alertmanagerAlertSchema = z.object({
  status: alertStatusSchema,
  labels: stringMap,
  annotations: stringMap.default({}),
  startsAt: rfc3339,
  endsAt: rfc3339,
  generatorURL: z.string({ error: expected('a string') }).optional(),
  fingerprint: z.string({ error: expected('a string') }).optional(),
});
export type AlertmanagerAlert = z.output<typeof alertmanagerAlertSchema>;

/** What Alertmanager and Grafana notifications share: one group's alerts. */
export const notificationShape = {
  /** The group's status: firing while any alert of it fires; each alert carries its own. */
  status: alertStatusSchema,
  receiver: z.string({ error: expected('a string') }).optional(),
  groupKey: z.string({ error: expected('a non-empty string') }).min(1, { error: 'must not be empty' }),
  groupLabels: stringMap.default({}),
  commonLabels: stringMap.default({}),
  commonAnnotations: stringMap.default({}),
  externalURL: z.string({ error: expected('a string') }).optional(),
  truncatedAlerts: z
    .number({ error: expected('a number') })
    .int()
    .nonnegative()
    .optional(),
  alerts: z
    .array(alertmanagerAlertSchema, { error: expected('a list of alerts') })
    .max(10_000, { error: 'must hold at most 10000 alerts' }),
};

/** An Alertmanager webhook notification (version 4). */
export const alertmanagerNotificationSchema = z.object({
  version: z.literal('4', { error: 'must be "4" (the Alertmanager webhook version this connector reads)' }),
  ...notificationShape,
});
export type AlertmanagerNotification = z.output<typeof alertmanagerNotificationSchema>;
