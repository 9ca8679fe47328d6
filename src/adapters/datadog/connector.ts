// The DATADOG connector: a webhook of Datadog's Webhooks integration posts monitor notifications
// to the project's webhook URL, authenticated by `?secret=` in the URL or a custom header
// `Authorization: Bearer <webhookSecret>`. Both Datadog's default payload and the fuller one the
// README gives are read (see alerts.ts); `$ID` names the delivery. Config: the shared keys only.

import type { AlertReport } from '#domain/alert/alert-report.ts';
import type { Connector } from '#domain/project/connector.ts';
import { parseDeliveryBody, parseJsonBody } from '#adapters/shared/parsing.ts';
import { createAlertSourceConnector } from '#adapters/alert-source/connector.ts';
import { alertSourceConfigSchema } from '#adapters/alert-source/config.ts';
import { bodyDeliveryId } from '#adapters/alert-source/delivery.ts';
import { alertFromDefault, alertFromTemplate, datadogSeverityDefaults } from './alerts.ts';
import { defaultPayloadSchema, templatePayloadSchema } from './payloads.ts';

const configSchema = alertSourceConfigSchema({});

function withAlerts<B extends { id?: string | undefined }>(body: B, read: (body: B) => AlertReport[]) {
  return { id: body.id, alerts: read(body) };
}

/** The Datadog connector. */
export function createDatadogConnector(): Connector {
  return createAlertSourceConnector({
    kind: 'datadog',
    configSchema,
    severityDefaults: datadogSeverityDefaults,
    parse(delivery) {
      const json = parseJsonBody(delivery.rawBody);
      const { id, alerts } =
        typeof json === 'object' && json !== null && 'alert_transition' in json
          ? withAlerts(parseDeliveryBody(templatePayloadSchema, json), alertFromTemplate)
          : withAlerts(parseDeliveryBody(defaultPayloadSchema, json), alertFromDefault);
      return { deliveryId: id?.trim() ? `datadog:${id.trim()}` : bodyDeliveryId(delivery.rawBody), alerts };
    },
  });
}
