// The DATADOG connector: a webhook of Datadog's Webhooks integration posts monitor notifications
// to the project's webhook URL, authenticated by `?secret=` in the URL or a custom header
// `Authorization: Bearer <webhookSecret>`. Both Datadog's default payload and the fuller one the
// README gives are read (see alerts.ts); `$ID` names the delivery. Incident notifications (the
// README's incident payload) move linked tickets (incidents.ts), and with `credentials.apiKey` and
// `appKey` a linked ticket's resolution resolves its incident (incident-session.ts).

import type { AlertReport } from '#domain/alert/alert-report.ts';
import type { Connector } from '#domain/project/connector.ts';
import { z } from 'zod';
import { expected, httpUrl, nonEmptyString, parseDeliveryBody, parseJsonBody } from '#adapters/shared/parsing.ts';
import { createDatadogIncidentSession, defaultDatadogBaseUrl } from './incident-session.ts';
import { incidentItemOf, incidentPayloadSchema, isIncidentPayload } from './incidents.ts';
import { createAlertSourceConnector } from '#adapters/alert-source/connector.ts';
import { alertSourceConfigSchema } from '#adapters/alert-source/config.ts';
import { bodyDeliveryId } from '#adapters/alert-source/delivery.ts';
import { alertFromDefault, alertFromTemplate, datadogSeverityDefaults } from './alerts.ts';
import { defaultPayloadSchema, templatePayloadSchema } from './payloads.ts';

const configSchema = alertSourceConfigSchema({ baseUrl: httpUrl.default(defaultDatadogBaseUrl) });
const credentialsSchema = z
  .object({ apiKey: nonEmptyString.optional(), appKey: nonEmptyString.optional() }, { error: expected('an object {apiKey?, appKey?}') })
  .strict();

function withAlerts<B extends { id?: string | undefined }>(body: B, read: (body: B) => AlertReport[]) {
  return { id: body.id, alerts: read(body) };
}

/** The Datadog connector. */
export function createDatadogConnector(): Connector {
  return createAlertSourceConnector({
    kind: 'datadog',
    configSchema,
    credentialsSchema,
    severityDefaults: datadogSeverityDefaults,
    parse(delivery) {
      const json = parseJsonBody(delivery.rawBody);
      if (isIncidentPayload(json)) {
        const body = parseDeliveryBody(incidentPayloadSchema, json);
        const item = incidentItemOf(body, Date.now());
        const id = body.id?.trim() ? `datadog:${body.id.trim()}` : bodyDeliveryId(delivery.rawBody);
        return { deliveryId: id, alerts: [], items: [item] };
      }
      const { id, alerts } =
        typeof json === 'object' && json !== null && 'alert_transition' in json
          ? withAlerts(parseDeliveryBody(templatePayloadSchema, json), alertFromTemplate)
          : withAlerts(parseDeliveryBody(defaultPayloadSchema, json), alertFromDefault);
      return { deliveryId: id?.trim() ? `datadog:${id.trim()}` : bodyDeliveryId(delivery.rawBody), alerts };
    },
    writeBack: {
      capabilities: { canCreate: false, canUpdate: true, conditionalWrites: true },
      open: (config, credentials) => {
        const keys = credentialsSchema.parse(credentials);
        return createDatadogIncidentSession({ baseUrl: config.baseUrl, apiKey: keys.apiKey, appKey: keys.appKey });
      },
    },
  });
}
