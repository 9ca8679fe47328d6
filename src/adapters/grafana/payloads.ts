// Grafana webhook bodies, parsed with zod: unified alerting (Alertmanager-shaped, version "1", per
// grafana.com/docs/grafana/latest/alerting/configure-notifications/manage-contact-points/integrations/
// webhook-notifier/) and legacy dashboard alerting (grafana.com/docs/grafana/v7.3/alerting/notifications/).

import { z } from 'zod';
import { notificationShape } from '#adapters/alertmanager/payloads.ts';
import { expected } from '#adapters/shared/parsing.ts';

/** A unified alerting notification. */
export const grafanaNotificationSchema = z.object({
  ...notificationShape,
  version: z.string({ error: expected('a string') }).optional(),
  orgId: z.number({ error: expected('a number') }).optional(),
  title: z.string({ error: expected('a string') }).optional(),
  state: z.string({ error: expected('a string') }).optional(),
  message: z.string({ error: expected('a string') }).optional(),
});
export type GrafanaNotification = z.output<typeof grafanaNotificationSchema>;

/** A legacy dashboard-alerting notification: one rule's new state. */
export const grafanaLegacySchema = z.object({
  ruleId: z.number({ error: expected('a number') }).int(),
  ruleName: z.string({ error: expected('a string') }),
  state: z.enum(['ok', 'paused', 'alerting', 'pending', 'no_data'], {
    error: expected('ok, paused, alerting, pending or no_data'),
  }),
  orgId: z
    .number({ error: expected('a number') })
    .int()
    .default(1),
  dashboardId: z
    .number({ error: expected('a number') })
    .int()
    .optional(),
  panelId: z
    .number({ error: expected('a number') })
    .int()
    .optional(),
  title: z.string({ error: expected('a string') }).optional(),
  message: z.string({ error: expected('a string') }).optional(),
  ruleUrl: z.string({ error: expected('a string') }).optional(),
  tags: z
    .record(z.string(), z.string({ error: expected('a string') }), { error: expected('an object of strings') })
    .default({}),
});
export type GrafanaLegacyNotification = z.output<typeof grafanaLegacySchema>;
