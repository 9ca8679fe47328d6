// A Datadog monitor notification as an AlertReport. A monitor is a group, and each of its scopes
// (the tags it alerts on, `host:web-1`) is an alert: fingerprint `monitor:<id>/<scope>`. With the
// README's payload the monitor id, transition and scope are explicit; with the default payload
// they are read from the event title (`[Triggered on {host:web-1}] Disk full`) and the monitor
// link in its text. Recovered resolves; Triggered, Warn, No Data and their repeats fire.

import { InvalidDelivery } from '#domain/project/connector.ts';
import type { AlertReport, AlertStatus } from '#domain/alert/alert-report.ts';
import type { Priority } from '#domain/ticket/fields.ts';
import type { DefaultPayload, TemplatePayload } from './payloads.ts';

/** Datadog priorities and alert types to hub priorities. */
export const datadogSeverityDefaults: { severityMap: Record<string, Priority>; fallbackPriority: Priority } = {
  severityMap: {
    p1: 'p1',
    p2: 'p2',
    p3: 'p3',
    p4: 'p4',
    p5: 'p5',
    error: 'p2',
    warning: 'p3',
    info: 'p4',
    success: 'p5',
    // Incident severities ($INCIDENT_SEVERITY).
    'sev-1': 'p1',
    'sev-2': 'p2',
    'sev-3': 'p3',
    'sev-4': 'p4',
    'sev-5': 'p5',
  },
  fallbackPriority: 'p3',
};

const firingTransitions = new Set([
  'triggered', 're-triggered', 'warn', 're-warn', 'no data', 're-no data', 'renotify',
]);
const transitionNames = 're-triggered|triggered|recovered|re-warn|warn|re-no data|no data|renotify';
/** `[P1] [Triggered on {host:web-1}] ` at the start of a title: priority, transition, scope. */
const titlePattern = new RegExp(`^(?:\\[P[1-5]\\]\\s*)?\\[(${transitionNames})(?: on \\{([^}]*)\\})?\\]\\s*`, 'i');

/** The alert of a payload in the README's format; none for Datadog's `Null` transition. */
export function alertFromTemplate(body: TemplatePayload): AlertReport[] {
  const transition = body.alert_transition.trim();
  if (transition.toLowerCase() === 'null') return [];
  const status = statusOf(transition, 'alert_transition');
  const title = body.alert_title ?? body.title ?? '';
  const fromTitle = titlePattern.exec(title);
  const scope = (body.alert_scope ?? fromTitle?.[2] ?? '').trim();
  const name = nameOf(title, fromTitle) ?? `Datadog monitor ${body.alert_id ?? ''}`.trim();
  const monitorId = body.alert_id?.trim() || null;
  const aggregate = body.aggreg_key?.trim();
  const identity = monitorId ? `monitor:${monitorId}` : aggregate ? `aggregate:${aggregate}` : `title:${name}`;
  const labels = labelsOf([body.tags, body.alert_scope], {
    monitor_id: monitorId,
    metric: body.alert_metric,
    event_type: body.event_type,
    host: body.hostname,
    org: body.org?.name,
  });
  const priority = body.alert_priority?.trim();
  const severity = priority && /^p[1-5]$/i.test(priority) ? priority.toUpperCase() : body.alert_type?.trim() || null;
  const summary = body.alert_status ?? body.body;
  return [report(body, { identity, scope, name, status, severity, labels, summary, link: body.link })];
}

/** The alert of Datadog's default payload, read from its title and text. */
export function alertFromDefault(body: DefaultPayload): AlertReport[] {
  const match = titlePattern.exec(body.title);
  if (!match) {
    throw new InvalidDelivery(
      'title: is not a monitor notification such as "[Triggered on {host:web-1}] Disk full" ' +
        '(use the payload in the README)',
    );
  }
  const transition = (match[1] ?? '').toLowerCase();
  const status = statusOf(transition, 'title');
  const name = nameOf(body.title, match) ?? 'Datadog monitor';
  const monitorId = /\/monitors[#/](\d+)/.exec(body.body ?? '')?.[1] ?? null;
  const identity = monitorId ? `monitor:${monitorId}` : `title:${name}`;
  const labels = labelsOf([match[2]], { monitor_id: monitorId, event_type: body.event_type, org: body.org?.name });
  const severity = transition.includes('warn') ? 'warning' : status === 'resolved' ? 'success' : 'error';
  const scope = (match[2] ?? '').trim();
  return [report(body, { identity, scope, name, status, severity, labels, summary: body.body, link: undefined })];
}

interface Reading {
  readonly identity: string;
  readonly scope: string;
  readonly name: string;
  readonly status: AlertStatus;
  readonly severity: string | null;
  readonly labels: Record<string, string>;
  readonly summary: string | undefined;
  readonly link: string | undefined;
}

function report(body: Pick<DefaultPayload, 'date' | 'last_updated'>, reading: Reading): AlertReport {
  const observedAtMs = body.last_updated ?? body.date;
  if (observedAtMs === undefined) throw new InvalidDelivery('date: is required ($DATE or $LAST_UPDATED)');
  const startsAtMs = body.date ?? observedAtMs;
  return {
    fingerprint: `${reading.identity}/${reading.scope || '*'}`,
    groupKey: reading.identity,
    name: reading.name,
    status: reading.status,
    severity: reading.severity,
    summary: reading.summary?.trim() ? reading.summary.trim() : null,
    labels: reading.labels,
    startsAtMs,
    endsAtMs: reading.status === 'resolved' ? observedAtMs : null,
    generatorUrl: reading.link && /^https?:\/\//.test(reading.link) ? reading.link : null,
    observedAtMs,
  };
}

function statusOf(transition: string, field: string): AlertStatus {
  const known = transition.toLowerCase();
  if (known === 'recovered') return 'resolved';
  if (firingTransitions.has(known)) return 'firing';
  const expectedNames = 'Triggered, Recovered, Warn, No Data or their Re- forms';
  throw new InvalidDelivery(`${field}: unknown transition "${transition}" (expected ${expectedNames})`);
}

function nameOf(title: string, match: RegExpExecArray | null): string | null {
  const name = (match ? title.slice(match[0].length) : title).trim();
  return name === '' ? null : name;
}

/** `key:value` tags (comma-separated text or a list) as labels; a bare tag becomes `tag: ""`. */
function labelsOf(
  tagLists: ReadonlyArray<string | readonly string[] | undefined>,
  extra: Record<string, string | null | undefined>,
): Record<string, string> {
  const labels = new Map<string, string>();
  for (const [name, value] of Object.entries(extra)) if (value) labels.set(name, value);
  for (const list of tagLists) {
    const tags = typeof list === 'string' ? list.split(',') : (list ?? []);
    for (const raw of tags) {
      const tag = raw.trim();
      if (tag === '') continue;
      const colon = tag.indexOf(':');
      const name = colon < 0 ? tag : tag.slice(0, colon);
      if (!labels.has(name)) labels.set(name, colon < 0 ? '' : tag.slice(colon + 1));
    }
  }
  return Object.fromEntries(labels);
}
