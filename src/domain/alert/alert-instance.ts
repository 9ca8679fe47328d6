// One alert as a member of one alert-group ticket: the newest notification the source sent about
// it while it belonged to that ticket. `Ticket.alerts` lists these; the alert-group engine reads
// them back as the episode's members. Plain properties, so MikroORM maps the class as it is.

import type { AlertReport, AlertStatus } from './alert-report.ts';

/** An alert of an alert-group ticket. */
export class AlertInstance {
  id!: string;
  projectId!: string;
  groupId!: string;
  ticketId!: string;
  fingerprint!: string;
  groupKey!: string;
  name!: string;
  status!: AlertStatus;
  severity!: string | null;
  summary!: string | null;
  labels!: Record<string, string>;
  startsAt!: Date;
  endsAt!: Date | null;
  generatorUrl!: string | null;
  /** Source time of the notification this holds; orders notifications of the alert. */
  observedAt!: Date;
  createdAt!: Date;
  updatedAt!: Date;

  /** A new member of `ticketId` holding `report`. */
  static of(
    report: AlertReport,
    ids: { id: string; projectId: string; groupId: string; ticketId: string },
    nowMs: number,
  ): AlertInstance {
    const instance = Object.assign(new AlertInstance(), ids, { createdAt: new Date(nowMs) });
    instance.hold(report, nowMs);
    return instance;
  }

  /** Takes `report` as the alert's newest notification. */
  hold(report: AlertReport, nowMs: number): void {
    this.fingerprint = report.fingerprint;
    this.groupKey = report.groupKey;
    this.name = report.name;
    this.status = report.status;
    this.severity = report.severity;
    this.summary = report.summary;
    this.labels = { ...report.labels };
    this.startsAt = new Date(report.startsAtMs);
    this.endsAt = report.endsAtMs === null ? null : new Date(report.endsAtMs);
    this.generatorUrl = report.generatorUrl;
    this.observedAt = new Date(report.observedAtMs);
    this.updatedAt = new Date(nowMs);
  }

  /** The notification this holds. */
  report(): AlertReport {
    return {
      fingerprint: this.fingerprint,
      groupKey: this.groupKey,
      name: this.name,
      status: this.status,
      severity: this.severity,
      summary: this.summary,
      labels: this.labels,
      startsAtMs: this.startsAt.getTime(),
      endsAtMs: this.endsAt?.getTime() ?? null,
      generatorUrl: this.generatorUrl,
      observedAtMs: this.observedAt.getTime(),
    };
  }
}
