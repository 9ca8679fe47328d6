// An Alertmanager-shaped notification as hub AlertReports: group = `groupKey`, alert = `fingerprint`
// (or its sorted labels), each alert's own status decides. Notifications carry no send time, so a
// report is ordered by the alert's times: `startsAt` while firing, `endsAt` once resolved.

import type { AlertReport } from '#domain/alert/alert-report.ts';
import { labelsFingerprint } from '#adapters/alert-source/delivery.ts';
import type { AlertmanagerAlert } from './payloads.ts';

/** The notification keys the mapping reads. */
export interface NotificationGroup {
  readonly groupKey: string;
  readonly groupLabels?: Readonly<Record<string, string>>;
  readonly commonAnnotations: Readonly<Record<string, string>>;
  readonly alerts: readonly AlertmanagerAlert[];
}

const summaryKeys = ['summary', 'description', 'message'];

function summaryOf(
  annotations: Readonly<Record<string, string>>,
  common: Readonly<Record<string, string>>,
): string | null {
  for (const source of [annotations, common]) {
    for (const key of summaryKeys) {
      const text = source[key]?.trim();
      if (text) return text;
    }
  }
  return null;
}

/** One alert as a hub report; `receivedAtMs` stands in for times the sender left out. */
export function alertReportOf(group: NotificationGroup, alert: AlertmanagerAlert, receivedAtMs: number): AlertReport {
  const startsAtMs = alert.startsAt ?? receivedAtMs;
  // Older Alertmanagers put a future resolve timeout in endsAt while firing: only a resolved alert has ended.
  const endsAtMs = alert.status === 'resolved' ? Math.max(alert.endsAt ?? startsAtMs, startsAtMs) : null;
  const fingerprint = alert.fingerprint?.trim() || labelsFingerprint(alert.labels);
  return {
    fingerprint,
    groupKey: group.groupKey,
    name: alert.labels['alertname']?.trim() || fingerprint,
    status: alert.status,
    severity: alert.labels['severity']?.trim() || null,
    summary: summaryOf(alert.annotations, group.commonAnnotations),
    labels: alert.labels,
    ...(group.groupLabels && Object.keys(group.groupLabels).length > 0 ? { groupLabels: group.groupLabels } : {}),
    startsAtMs,
    endsAtMs,
    generatorUrl: alert.generatorURL?.trim() || null,
    observedAtMs: endsAtMs ?? startsAtMs,
  };
}

/** Every alert of the notification as hub reports, in the order sent. */
export function alertReportsOf(group: NotificationGroup, receivedAtMs: number): AlertReport[] {
  return group.alerts.map((alert) => alertReportOf(group, alert, receivedAtMs));
}
