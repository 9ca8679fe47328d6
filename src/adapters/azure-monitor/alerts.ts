// An Azure Monitor common-schema notification as an AlertReport. Alerts group by alert rule; the
// alert id (one per fired instance) is the fingerprint. Activity-log alerts are stateless, so two
// of them are read for the state they announce: resource health (one alert per rule and resource,
// resolved when the resource is Available again) and service health (one per tracking id,
// resolved at the Resolved stage). Severity is Azure's own `Sev0`..`Sev4`.

import type { AlertReport, AlertStatus } from '#domain/alert/alert-report.ts';
import type { Priority } from '#domain/ticket/fields.ts';
import type { CommonAlert } from './payloads.ts';

/** Azure severities to priorities (Sev0 is critical, Sev4 verbose). */
export const azureSeverityDefaults: { severityMap: Record<string, Priority>; fallbackPriority: Priority } = {
  severityMap: { sev0: 'p1', sev1: 'p2', sev2: 'p3', sev3: 'p4', sev4: 'p5' },
  fallbackPriority: 'p3',
};

/** The Azure portal page of one alert, followed by its URL-encoded id. */
const alertDetailsBlade =
  'https://portal.azure.com/#blade/Microsoft_Azure_Monitoring/AlertDetailsTemplateBlade/alertId/';

type Essentials = CommonAlert['data']['essentials'];
type Context = NonNullable<CommonAlert['data']['alertContext']>;

/** The notification's one alert. */
export function alertFromCommonSchema(body: CommonAlert): AlertReport {
  const { essentials, alertContext, customProperties } = body.data;
  const context: Context = alertContext ?? {};
  const { fingerprint, status } = identityOf(essentials, context);
  const firedAtMs = Date.parse(essentials.firedDateTime);
  const resolvedAtMs = essentials.resolvedDateTime ? Date.parse(essentials.resolvedDateTime) : null;
  const endsAtMs = status === 'resolved' ? (resolvedAtMs ?? firedAtMs) : null;
  const name =
    essentials.alertRule ?? essentials.configurationItems?.[0] ?? essentials.monitoringService ?? 'Azure Monitor alert';
  return {
    fingerprint,
    groupKey: essentials.alertRule ? `rule:${essentials.alertRule}` : fingerprint,
    name,
    status,
    severity: essentials.severity ?? null,
    summary: summaryOf(essentials, context),
    labels: labelsOf(essentials, context, customProperties ?? {}),
    startsAtMs: firedAtMs,
    endsAtMs,
    generatorUrl: `${alertDetailsBlade}${encodeURIComponent(essentials.alertId)}`,
    observedAtMs: endsAtMs ?? firedAtMs,
  };
}

function identityOf(essentials: Essentials, context: Context): { fingerprint: string; status: AlertStatus } {
  const resolved = essentials.monitorCondition === 'Resolved';
  const properties = context.properties ?? {};
  const service = (essentials.monitoringService ?? '').replaceAll(' ', '').toLowerCase();
  const target = essentials.alertTargetIDs?.[0]?.toLowerCase();
  if (service === 'resourcehealth' && target) {
    const healthy = properties['currentHealthStatus'] === 'Available';
    const fingerprint = `resourcehealth:${essentials.alertRule ?? ''}:${target}`;
    return { fingerprint, status: resolved || healthy ? 'resolved' : 'firing' };
  }
  const trackingId = properties['trackingId'];
  if (service === 'servicehealth' && typeof trackingId === 'string' && trackingId !== '') {
    const over = properties['stage'] === 'Resolved' || context.status === 'Resolved';
    return { fingerprint: `servicehealth:${trackingId}`, status: resolved || over ? 'resolved' : 'firing' };
  }
  return { fingerprint: essentials.alertId, status: resolved ? 'resolved' : 'firing' };
}

function summaryOf(essentials: Essentials, context: Context): string | null {
  const description = essentials.description?.trim();
  if (description) return description;
  const title = context.properties?.['title'];
  if (typeof title === 'string' && title.trim() !== '') return title.trim();
  const summary = context.annotations?.['summary'];
  return summary?.trim() ? summary.trim() : null;
}

/** Rule, severity, signal, service and resource, then dimensions, Prometheus labels and custom properties. */
function labelsOf(
  essentials: Essentials,
  context: Context,
  custom: Readonly<Record<string, unknown>>,
): Record<string, string> {
  const labels = new Map<string, string>();
  const put = (name: string, value: string | null | undefined) => {
    if (value && !labels.has(name)) labels.set(name, value);
  };
  put('alertRule', essentials.alertRule);
  put('severity', essentials.severity);
  put('signalType', essentials.signalType);
  put('monitoringService', essentials.monitoringService);
  put('resource', essentials.alertTargetIDs?.[0]);
  put('configurationItem', essentials.configurationItems?.[0]);
  for (const condition of context.condition?.allOf ?? []) {
    for (const dimension of condition.dimensions ?? []) put(dimension.name, dimension.value);
  }
  for (const [name, value] of Object.entries(context.labels ?? {})) put(name, value);
  for (const [name, value] of Object.entries(custom)) put(name, typeof value === 'string' ? value : undefined);
  return Object.fromEntries(labels);
}
