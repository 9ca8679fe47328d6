// The PAGERDUTY connector, inbound side: a v3 webhook subscription posts incident events to the
// project's webhook URL, signed with the subscription's secret (`X-PagerDuty-Signature`; paste
// Lockstep's webhookSecret there). Each incident becomes an alert group (see incidents.ts); the
// event id names the delivery. Write-back to PagerDuty is not part of this connector yet.

import type { Connector } from '#domain/project/connector.ts';
import { parseDeliveryBody, parseJsonBody } from '#adapters/shared/parsing.ts';
import { createAlertSourceConnector } from '#adapters/alert-source/connector.ts';
import { alertSourceConfigSchema } from '#adapters/alert-source/config.ts';
import { pagerDutySeverityDefaults, readIncidentEvent } from './incidents.ts';
import { webhookSchema } from './payloads.ts';
import { verifyPagerDutyDelivery } from './signature.ts';

const configSchema = alertSourceConfigSchema({});

/** The PagerDuty connector (inbound webhooks). */
export function createPagerDutyConnector(): Connector {
  return createAlertSourceConnector({
    kind: 'pagerduty',
    configSchema,
    severityDefaults: pagerDutySeverityDefaults,
    verify: verifyPagerDutyDelivery,
    parse(delivery) {
      const webhook = parseDeliveryBody(webhookSchema, parseJsonBody(delivery.rawBody));
      const reading = readIncidentEvent(webhook);
      return { deliveryId: `pagerduty:${webhook.event.id}`, alerts: reading ? [reading.alert] : [] };
    },
  });
}
