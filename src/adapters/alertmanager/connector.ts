// The ALERTMANAGER connector: Prometheus Alertmanager's webhook receiver (`webhook_configs`)
// posting to the project's webhook URL, authenticated by `?secret=`, Bearer (`http_config.
// authorization.credentials`) or Basic (`http_config.basic_auth.password`). Each notification is
// one group (its `groupKey`) with its firing and resolved alerts; see mapping.ts.

import type { Connector } from '#domain/project/connector.ts';
import { alertSourceConfigSchema, type SeverityDefaults } from '#adapters/alert-source/config.ts';
import { createAlertSourceConnector } from '#adapters/alert-source/connector.ts';
import { createSilenceChannel, silenceConfigShape, silenceCredentialsSchema } from '#adapters/alert-source/silences.ts';
import { bodyDeliveryId, type AlertDelivery } from '#adapters/alert-source/delivery.ts';
import { parseDeliveryBody, parseJsonBody } from '#adapters/shared/parsing.ts';
import type { InboundDelivery } from '#domain/project/connector.ts';
import { alertReportsOf } from './mapping.ts';
import { alertmanagerNotificationSchema } from './payloads.ts';

/** The `severity` label values Prometheus rules commonly use. */
export const alertmanagerSeverities: SeverityDefaults = {
  severityMap: {
    critical: 'p1',
    page: 'p1',
    error: 'p2',
    high: 'p2',
    warning: 'p3',
    medium: 'p3',
    low: 'p4',
    info: 'p5',
    none: 'p5',
  },
  fallbackPriority: 'p3',
};

/** The alerts of one Alertmanager notification; throws InvalidDelivery naming the problem. */
export function parseAlertmanagerDelivery(delivery: InboundDelivery, receivedAtMs = Date.now()): AlertDelivery {
  const notification = parseDeliveryBody(alertmanagerNotificationSchema, parseJsonBody(delivery.rawBody));
  return { deliveryId: bodyDeliveryId(delivery.rawBody), alerts: alertReportsOf(notification, receivedAtMs) };
}

/** The Alertmanager connector. */
export function createAlertmanagerConnector(): Connector {
  return createAlertSourceConnector({
    kind: 'alertmanager',
    configSchema: alertSourceConfigSchema(silenceConfigShape),
    credentialsSchema: silenceCredentialsSchema,
    silences: (config, credentials) => createSilenceChannel(config.silenceUrl, silenceCredentialsSchema.parse(credentials).token),
    severityDefaults: alertmanagerSeverities,
    parse: (delivery) => parseAlertmanagerDelivery(delivery),
  });
}
