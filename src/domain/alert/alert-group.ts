// The alert-group lifecycle, one report at a time (CONTRACT.md, "Alert sources"): open on the first
// firing alert, ignore repeats and older notifications, resolve when every alert has, reopen within
// the window, a new ticket after it; a person's status stays while alerts fire. Pure.

import { priorities, type Priority, type TicketStatus } from '../ticket/fields.ts';
import { priorityOfSeverity, type AlertPolicy } from './alert-policy.ts';
import type { AlertReport } from './alert-report.ts';

/** The newest thing known of an alert: enough to tell an older notification from a newer one. */
export type AlertMark = Pick<AlertReport, 'fingerprint' | 'status' | 'observedAtMs'>;

/** The group's current ticket: its status and priority as the hub shows them now, and its alerts. */
export interface AlertEpisode {
  readonly status: TicketStatus;
  readonly priority: Priority;
  /** When every member had resolved (source time); null while any member fires. */
  readonly resolvedAtMs: number | null;
  /** The newest report of each member alert. */
  readonly members: readonly AlertReport[];
}

/** One group, as the engine keeps it between deliveries. */
export interface AlertGroupState {
  /** Null until an alert of the group first fires. */
  readonly episode: AlertEpisode | null;
  /** Alerts outside the episode (earlier episodes, resolutions of unknown alerts): never revived by an older report. */
  readonly earlier: readonly AlertMark[];
}

/** A group nothing is known of yet. */
export const emptyAlertGroup: AlertGroupState = { episode: null, earlier: [] };

/** The fields of a new episode's ticket. */
export interface NewGroupTicket {
  readonly title: string;
  readonly description: string;
  readonly priority: Priority;
  readonly status: 'open';
}

/** Ticket fields a report changes. */
export interface GroupPatch {
  readonly status?: TicketStatus;
  readonly priority?: Priority;
}

/** What one report does. */
export type GroupStep =
  | { readonly kind: 'ignored'; readonly reason: 'stale' | 'repeat' }
  /** Kept as a mark only (an alert resolved before its group ever fired). */
  | { readonly kind: 'remembered'; readonly next: AlertGroupState }
  /** A new ticket: the group's first, or a new episode after the reopen window. */
  | { readonly kind: 'opened'; readonly ticket: NewGroupTicket; readonly next: AlertGroupState }
  /** The episode's ticket; `patch` holds what to change on it (possibly nothing). */
  | { readonly kind: 'updated'; readonly patch: GroupPatch; readonly next: AlertGroupState };

const statusRank = { firing: 0, resolved: 1 } as const;
const closedStatuses: readonly TicketStatus[] = ['resolved', 'closed'];

/** Orders two notifications of one alert: by source time, a resolution winning a tie. */
export function compareReports(a: AlertMark, b: AlertMark): number {
  return a.observedAtMs - b.observedAtMs || statusRank[a.status] - statusRank[b.status];
}

/** True when priority `a` is more urgent than `b` (p1 the most urgent). */
export function moreUrgent(a: Priority, b: Priority): boolean {
  return priorities.indexOf(a) < priorities.indexOf(b);
}

/** The title of a group's ticket: the alert's name, else its summary, else the group key. */
export function groupTitle(report: AlertReport): string {
  const title =
    [report.name, report.summary ?? '', report.groupKey].map((text) => text.trim()).find((text) => text !== '') ??
    'Alert';
  return title.length > 500 ? `${title.slice(0, 499)}…` : title;
}

function groupDescription(report: AlertReport): string {
  const lines = [report.summary?.trim() ?? ''];
  if (report.generatorUrl) lines.push(`Source: ${report.generatorUrl}`);
  return lines.filter((line) => line !== '').join('\n\n');
}

/** `list` with `item` in place of the entry of the same fingerprint. */
function upsert<T extends AlertMark>(list: readonly T[], item: T): T[] {
  return [...list.filter((entry) => entry.fingerprint !== item.fingerprint), item];
}

const markOf = (report: AlertMark): AlertMark => ({
  fingerprint: report.fingerprint,
  status: report.status,
  observedAtMs: report.observedAtMs,
});

function open(group: AlertGroupState, report: AlertReport, policy: AlertPolicy): GroupStep {
  const priority = priorityOfSeverity(policy, report.severity);
  const earlier = (group.episode?.members ?? []).reduce<AlertMark[]>(
    (marks, member) => upsert(marks, markOf(member)),
    [...group.earlier],
  );
  return {
    kind: 'opened',
    ticket: { title: groupTitle(report), description: groupDescription(report), priority, status: 'open' },
    next: {
      episode: { status: 'open', priority, resolvedAtMs: null, members: [report] },
      earlier: earlier.filter((mark) => mark.fingerprint !== report.fingerprint),
    },
  };
}

function resolve(group: AlertGroupState, episode: AlertEpisode, report: AlertReport): GroupStep {
  const members = upsert(episode.members, report);
  const earlier = group.earlier.filter((mark) => mark.fingerprint !== report.fingerprint);
  const allResolved = members.every((member) => member.status === 'resolved');
  const resolvesNow = allResolved && episode.resolvedAtMs === null && !closedStatuses.includes(episode.status);
  const next: AlertEpisode = {
    ...episode,
    ...(resolvesNow ? { status: 'resolved' as const } : {}),
    resolvedAtMs: allResolved ? (episode.resolvedAtMs ?? report.observedAtMs) : null,
    members,
  };
  return { kind: 'updated', patch: resolvesNow ? { status: 'resolved' } : {}, next: { episode: next, earlier } };
}

/** What a source's (un)acknowledgement makes of `status`: OPEN <-> ACKNOWLEDGED; null: nothing. */
function acknowledgement(status: TicketStatus, report: AlertReport): TicketStatus | null {
  if (report.acknowledged === true && status === 'open') return 'acknowledged';
  if (report.acknowledged === false && status === 'acknowledged') return 'open';
  return null;
}

function fire(
  group: AlertGroupState,
  episode: AlertEpisode,
  known: AlertReport | undefined,
  report: AlertReport,
  policy: AlertPolicy,
): GroupStep {
  // The group reopens when it had resolved, or when a person closed it and this alert newly fires.
  const newlyFiring = known?.status !== 'firing';
  const reopens = episode.resolvedAtMs !== null || (newlyFiring && closedStatuses.includes(episode.status));
  const severity = priorityOfSeverity(policy, report.severity);
  const raises = newlyFiring && moreUrgent(severity, episode.priority);
  const reopened: TicketStatus = reopens ? 'open' : episode.status;
  const status = acknowledgement(reopened, report) ?? reopened;
  const patch: GroupPatch = {
    ...(status !== episode.status ? { status } : {}),
    ...(raises ? { priority: severity } : {}),
  };
  const next: AlertEpisode = {
    status: patch.status ?? episode.status,
    priority: patch.priority ?? episode.priority,
    resolvedAtMs: null,
    members: upsert(episode.members, report),
  };
  return {
    kind: 'updated',
    patch,
    next: { episode: next, earlier: group.earlier.filter((mark) => mark.fingerprint !== report.fingerprint) },
  };
}

/** Applies one `report` to its group. */
export function stepAlertGroup(group: AlertGroupState, report: AlertReport, policy: AlertPolicy): GroupStep {
  const episode = group.episode;
  const known = episode?.members.find((member) => member.fingerprint === report.fingerprint);
  const newest = known ?? group.earlier.find((mark) => mark.fingerprint === report.fingerprint);
  if (newest) {
    const order = compareReports(report, newest);
    if (order < 0) return { kind: 'ignored', reason: 'stale' };
    if (order === 0) return { kind: 'ignored', reason: 'repeat' };
  }
  if (report.status === 'resolved') {
    // A resolution of an alert the episode had not heard of still joins it (a missed notification).
    if (episode) return resolve(group, episode, report);
    return { kind: 'remembered', next: { ...group, earlier: upsert(group.earlier, markOf(report)) } };
  }
  if (!episode) return open(group, report, policy);
  if (episode.resolvedAtMs !== null && report.observedAtMs - episode.resolvedAtMs > policy.reopenWindowMs)
    return open(group, report, policy);
  return fire(group, episode, known, report, policy);
}

/** The labels every member of the episode carries with the same value (what routes match). */
export function commonLabels(members: readonly Pick<AlertReport, 'labels'>[]): Record<string, string> {
  const [first, ...rest] = members;
  if (!first) return {};
  const common: Record<string, string> = {};
  for (const [name, value] of Object.entries(first.labels)) {
    if (rest.every((member) => member.labels[name] === value)) common[name] = value;
  }
  return common;
}
