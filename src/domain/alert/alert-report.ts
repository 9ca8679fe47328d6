// One alert as a monitoring source reports it, already in hub terms. Every alert connector
// (Alertmanager, Grafana, CloudWatch through SNS, Azure Monitor, GCP, Datadog, PagerDuty) parses
// its native payload into these; the alert-group engine turns them into ALERT_GROUP tickets.

/** Whether the source says the alert is firing or has resolved. */
export const alertStatuses = ['firing', 'resolved'] as const;
export type AlertStatus = (typeof alertStatuses)[number];

/** One notification about one alert. */
export interface AlertReport {
  /** Identifies the alert within its project across notifications (fingerprint, alarm ARN, incident id). */
  readonly fingerprint: string;
  /** Alerts sharing a group key belong to one alert-group ticket (Alertmanager groupKey, alarm name...). */
  readonly groupKey: string;
  /** The alert's name (alertname, AlarmName, alertRule...). */
  readonly name: string;
  readonly status: AlertStatus;
  /** The source's own severity, as it spells it (mapped through the project's severityMap); null when absent. */
  readonly severity: string | null;
  /** A human summary or description; null when absent. */
  readonly summary: string | null;
  /** The alert's labels or dimensions. */
  readonly labels: Readonly<Record<string, string>>;
  /**
   * The labels the source grouped the alert by (Alertmanager's `groupLabels`), when it says; a
   * silence of the group matches them. Absent: the labels every alert of the group shares.
   */
  readonly groupLabels?: Readonly<Record<string, string>>;
  /** When the alert started firing (ms since epoch). */
  readonly startsAtMs: number;
  /** When it resolved (ms since epoch); null while firing or unknown. */
  readonly endsAtMs: number | null;
  /** A link back to the source (generatorURL, alarm console, incident page); null when absent. */
  readonly generatorUrl: string | null;
  /** When the source produced this notification (ms since epoch); orders reports of one alert. */
  readonly observedAtMs: number;
  /**
   * A person acknowledged (true) or unacknowledged (false) the alert at the source (PagerDuty
   * incidents); absent when the source says nothing about it.
   */
  readonly acknowledged?: boolean;
}
