// The PAGERDUTY connector, both ways. Inbound: a v3 webhook subscription posts incident events to
// the project's webhook URL, signed with the subscription's secret (`X-PagerDuty-Signature`; paste
// Lockstep's webhookSecret there); the event id names the delivery. An incident linked to a
// ticket moves that ticket (its status, through the state model, so our own changes coming back
// are echoes); any other incident is an alert group (incidents.ts). Outbound: session.ts.

import type { Connector, ExternalItem } from '#domain/project/connector.ts';
import { parseDeliveryBody, parseJsonBody } from '#adapters/shared/parsing.ts';
import { createAlertSourceConnector } from '#adapters/alert-source/connector.ts';
import { pagerDutySeverityDefaults, readIncidentEvent, type IncidentReading } from './incidents.ts';
import { webhookSchema, type PagerDutyWebhook } from './payloads.ts';
import { createPagerDutySession } from './session.ts';
import { pagerDutyConfigSchema, pagerDutyCredentialsSchema, type PagerDutyConfig } from './settings.ts';
import { verifyPagerDutyDelivery } from './signature.ts';
import { hubStatusOf } from './statuses.ts';

/** The report a lifecycle event makes about its incident, should a ticket be linked to it. */
function itemOf(webhook: PagerDutyWebhook, reading: IncidentReading, config: PagerDutyConfig): ExternalItem {
  const event = webhook.event;
  const alert = reading.alert;
  const priority = event.event_type === 'incident.priority_updated' && alert.severity
    ? (config.severityMap[alert.severity.toLowerCase()] ?? pagerDutySeverityDefaults.severityMap[alert.severity.toLowerCase()])
    : undefined;
  return {
    externalId: alert.fingerprint.slice('incident:'.length),
    ...(alert.generatorUrl ? { url: alert.generatorUrl } : {}),
    orderingKey: alert.observedAtMs,
    observedAtMs: alert.observedAtMs,
    ...(event.agent?.summary ? { actor: event.agent.summary } : {}),
    // Only what the event is about: a status event says nothing about priority, and the other way round.
    fields: priority ? { priority } : event.event_type === 'incident.priority_updated' ? {} : { status: hubStatusOf(reading.incidentStatus) },
    alertWhenUnlinked: alert,
  };
}

/** The PagerDuty connector. */
export function createPagerDutyConnector(): Connector {
  return createAlertSourceConnector({
    kind: 'pagerduty',
    configSchema: pagerDutyConfigSchema,
    credentialsSchema: pagerDutyCredentialsSchema,
    severityDefaults: pagerDutySeverityDefaults,
    verify: verifyPagerDutyDelivery,
    parse(delivery, config) {
      const webhook = parseDeliveryBody(webhookSchema, parseJsonBody(delivery.rawBody));
      const reading = readIncidentEvent(webhook);
      return {
        deliveryId: `pagerduty:${webhook.event.id}`,
        alerts: [],
        items: reading ? [itemOf(webhook, reading, config)] : [],
      };
    },
    writeBack: {
      capabilities: { canCreate: true, canUpdate: true, conditionalWrites: true, signingCredential: 'webhookSecret' },
      open: (config, credentials) => createPagerDutySession(config, pagerDutyCredentialsSchema.parse(credentials)),
    },
  });
}
