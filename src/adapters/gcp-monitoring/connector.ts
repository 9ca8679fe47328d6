// The GCP_MONITORING connector: a Cloud Monitoring webhook notification channel posts incident
// notifications (schema 1.2) to the project's webhook URL, authenticated by `?secret=` in the URL
// or the channel's basic authentication (password = webhookSecret). Config: the shared
// alert-source keys only. See incidents.ts for fingerprints, groups and severities.

import type { Connector } from '#domain/project/connector.ts';
import { parseDeliveryBody, parseJsonBody } from '#adapters/shared/parsing.ts';
import { createAlertSourceConnector } from '#adapters/alert-source/connector.ts';
import { alertSourceConfigSchema } from '#adapters/alert-source/config.ts';
import { bodyDeliveryId } from '#adapters/alert-source/delivery.ts';
import { alertFromIncident, gcpSeverityDefaults } from './incidents.ts';
import { incidentNotificationSchema } from './payloads.ts';

const configSchema = alertSourceConfigSchema({});

/** The Cloud Monitoring connector. */
export function createGcpMonitoringConnector(): Connector {
  return createAlertSourceConnector({
    kind: 'gcp_monitoring',
    configSchema,
    severityDefaults: gcpSeverityDefaults,
    parse(delivery) {
      const body = parseDeliveryBody(incidentNotificationSchema, parseJsonBody(delivery.rawBody));
      return { deliveryId: bodyDeliveryId(delivery.rawBody), alerts: [alertFromIncident(body)] };
    },
  });
}
