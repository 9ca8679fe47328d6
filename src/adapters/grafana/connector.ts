// The GRAFANA connector: a webhook contact point authenticated by `?secret=`, Basic or Bearer.
// Unified alerting groups by `groupKey` like Alertmanager; a legacy rule is a group of one alert
// (`alerting` fires, `ok` resolves; `pending`, `paused` and `no_data` report nothing).

import type { AlertReport } from '#domain/alert/alert-report.ts';
import type { Connector, InboundDelivery } from '#domain/project/connector.ts';
import { alertSourceConfigSchema, type SeverityDefaults } from '#adapters/alert-source/config.ts';
import { createAlertSourceConnector } from '#adapters/alert-source/connector.ts';
import { createSilenceChannel, silenceConfigShape, silenceCredentialsSchema } from '#adapters/alert-source/silences.ts';
import { bodyDeliveryId, type AlertDelivery } from '#adapters/alert-source/delivery.ts';
import { alertmanagerSeverities } from '#adapters/alertmanager/connector.ts';
import { alertReportsOf } from '#adapters/alertmanager/mapping.ts';
import { parseDeliveryBody, parseJsonBody } from '#adapters/shared/parsing.ts';
import { grafanaLegacySchema, grafanaNotificationSchema, type GrafanaLegacyNotification } from './payloads.ts';

/** Grafana has no fixed severities; its rules use the same `severity` labels as Prometheus rules. */
export const grafanaSeverities: SeverityDefaults = alertmanagerSeverities;

/** A legacy rule notification as at most one report (states other than alerting and ok say nothing). */
function legacyReports(body: GrafanaLegacyNotification, receivedAtMs: number): AlertReport[] {
  if (body.state !== 'alerting' && body.state !== 'ok') return [];
  const fingerprint = `rule:${body.orgId}:${body.ruleId}`;
  const status = body.state === 'alerting' ? 'firing' : 'resolved';
  return [
    {
      fingerprint,
      groupKey: `legacy:${fingerprint}`,
      name: body.ruleName.trim() || fingerprint,
      status,
      severity: body.tags['severity']?.trim() || null,
      summary: body.message?.trim() || null,
      labels: body.tags,
      startsAtMs: receivedAtMs,
      endsAtMs: status === 'resolved' ? receivedAtMs : null,
      generatorUrl: body.ruleUrl?.trim() || null,
      observedAtMs: receivedAtMs,
    },
  ];
}

/** The alerts of one Grafana notification, unified or legacy; throws InvalidDelivery naming the problem. */
export function parseGrafanaDelivery(delivery: InboundDelivery, receivedAtMs = Date.now()): AlertDelivery {
  const body = parseJsonBody(delivery.rawBody);
  const deliveryId = bodyDeliveryId(delivery.rawBody);
  const legacy = typeof body === 'object' && body !== null && !('alerts' in body) && 'ruleId' in body;
  if (legacy) return { deliveryId, alerts: legacyReports(parseDeliveryBody(grafanaLegacySchema, body), receivedAtMs) };
  return { deliveryId, alerts: alertReportsOf(parseDeliveryBody(grafanaNotificationSchema, body), receivedAtMs) };
}

/** The Grafana connector. */
export function createGrafanaConnector(): Connector {
  return createAlertSourceConnector({
    kind: 'grafana',
    configSchema: alertSourceConfigSchema(silenceConfigShape),
    credentialsSchema: silenceCredentialsSchema,
    silences: (config, credentials) => createSilenceChannel(config.silenceUrl, silenceCredentialsSchema.parse(credentials).token),
    severityDefaults: grafanaSeverities,
    parse: (delivery) => parseGrafanaDelivery(delivery),
  });
}
