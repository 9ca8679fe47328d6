// The AZURE_MONITOR connector: Azure Monitor action groups post common-schema alerts (metric, log
// search, activity log, resource and service health) to the project's webhook URL with
// `?secret=<webhookSecret>` in it (action group webhooks send no other credential). Config: the
// shared alert-source keys only. See alerts.ts for fingerprints, groups and severities.

import type { Connector } from '#domain/project/connector.ts';
import { parseDeliveryBody, parseJsonBody } from '#adapters/shared/parsing.ts';
import { createAlertSourceConnector } from '#adapters/alert-source/connector.ts';
import { alertSourceConfigSchema } from '#adapters/alert-source/config.ts';
import { bodyDeliveryId } from '#adapters/alert-source/delivery.ts';
import { alertFromCommonSchema, azureSeverityDefaults } from './alerts.ts';
import { commonAlertSchema } from './payloads.ts';

const configSchema = alertSourceConfigSchema({});

/** The Azure Monitor connector. */
export function createAzureMonitorConnector(): Connector {
  return createAlertSourceConnector({
    kind: 'azure_monitor',
    configSchema,
    severityDefaults: azureSeverityDefaults,
    parse(delivery) {
      const body = parseDeliveryBody(commonAlertSchema, parseJsonBody(delivery.rawBody));
      return { deliveryId: bodyDeliveryId(delivery.rawBody), alerts: [alertFromCommonSchema(body)] };
    },
  });
}
