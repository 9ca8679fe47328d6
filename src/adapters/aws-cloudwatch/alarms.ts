// A CloudWatch alarm state change as an AlertReport. One alarm is one alert and one group: its
// ARN is both fingerprint and group key (older messages without an ARN fall back to account,
// region and name). ALARM fires, OK resolves, INSUFFICIENT_DATA does what the project says.

import type { AlertReport, AlertStatus } from '#domain/alert/alert-report.ts';
import type { AlarmMessage } from './alarm-payloads.ts';

/** What an INSUFFICIENT_DATA state change means for the alert: nothing, a firing or a resolution. */
export const insufficientDataModes = ['ignore', 'firing', 'resolved'] as const;
export type InsufficientDataMode = (typeof insufficientDataModes)[number];

const arnPattern = /^arn:aws[a-z-]*:cloudwatch:([a-z0-9-]+):(\d+):alarm:(.+)$/;

/** The alarm's report, or null when its new state is to be ignored. */
export function alertFromAlarm(alarm: AlarmMessage, insufficientData: InsufficientDataMode): AlertReport | null {
  const status = statusOf(alarm.NewStateValue, insufficientData);
  if (status === null) return null;
  const changedAtMs = Date.parse(alarm.StateChangeTime);
  const arn = alarm.AlarmArn === undefined ? null : arnPattern.exec(alarm.AlarmArn);
  const region = arn?.[1] ?? null;
  const identity =
    alarm.AlarmArn ?? `cloudwatch:${alarm.AWSAccountId ?? 'unknown'}:${alarm.Region ?? 'unknown'}:${alarm.AlarmName}`;
  const description = alarm.AlarmDescription?.trim();
  return {
    fingerprint: identity,
    groupKey: identity,
    name: alarm.AlarmName,
    status,
    severity: null,
    summary: description ? description : (alarm.NewStateReason ?? null),
    labels: labelsOf(alarm, region),
    startsAtMs: changedAtMs,
    endsAtMs: status === 'resolved' ? changedAtMs : null,
    generatorUrl: region === null ? null : consoleUrl(region, alarm.AlarmName),
    observedAtMs: changedAtMs,
  };
}

function statusOf(state: AlarmMessage['NewStateValue'], insufficientData: InsufficientDataMode): AlertStatus | null {
  switch (state) {
    case 'ALARM':
      return 'firing';
    case 'OK':
      return 'resolved';
    case 'INSUFFICIENT_DATA':
      return insufficientData === 'ignore' ? null : insufficientData;
    default:
      return state satisfies never;
  }
}

/** The alarm's name, account, region, metric and dimensions (the first metric's, for metric math). */
function labelsOf(alarm: AlarmMessage, region: string | null): Record<string, string> {
  const labels = new Map<string, string>([['alarmname', alarm.AlarmName]]);
  if (alarm.AWSAccountId) labels.set('account', alarm.AWSAccountId);
  const regionName = region ?? alarm.Region;
  if (regionName) labels.set('region', regionName);
  const trigger = alarm.Trigger;
  const stat = trigger?.Metrics?.find((metric) => metric.MetricStat?.Metric)?.MetricStat?.Metric;
  const namespace = trigger?.Namespace ?? stat?.Namespace;
  const metric = trigger?.MetricName ?? stat?.MetricName;
  if (namespace) labels.set('namespace', namespace);
  if (metric) labels.set('metric', metric);
  for (const dimension of trigger?.Dimensions ?? stat?.Dimensions ?? []) {
    if (!labels.has(dimension.name)) labels.set(dimension.name, dimension.value);
  }
  return Object.fromEntries(labels);
}

/** The alarm's page in the CloudWatch console. */
export function consoleUrl(region: string, alarmName: string): string {
  const console = `https://${region}.console.aws.amazon.com/cloudwatch/home?region=${region}`;
  return `${console}#alarmsV2:alarm/${encodeURIComponent(alarmName)}`;
}
