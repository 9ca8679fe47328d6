// Sends Datadog webhook notifications as the Webhooks integration fills the payload the README
// gives (every variable substituted as text), for tests and the demo.

import { randomInt } from 'node:crypto';

/** A monitor notification, as much as tests need to say. */
export interface DatadogChange {
  readonly monitorId: string;
  readonly monitor: string;
  readonly transition: 'Triggered' | 'Re-Triggered' | 'Recovered' | 'Warn' | 'No Data';
  readonly scope: string;
  readonly at?: Date;
  readonly priority?: string;
  readonly tags?: string;
  readonly eventId?: string;
}

/** The README payload as Datadog fills it for `change`. */
export function datadogBody(change: DatadogChange): Record<string, unknown> {
  const at = String((change.at ?? new Date()).getTime());
  const id = change.eventId ?? String(randomInt(1, 2 ** 47));
  const title = `[${change.transition} on {${change.scope}}] ${change.monitor}`;
  return {
    id,
    date: at,
    last_updated: at,
    event_type: 'metric_alert_monitor',
    title,
    body: `%%%\n${change.monitor}\n%%%`,
    link: `https://app.datadoghq.com/event/event?id=${id}`,
    tags: change.tags ?? `${change.scope},monitor`,
    alert_id: change.monitorId,
    alert_transition: change.transition,
    alert_title: title,
    alert_type: change.transition === 'Recovered' ? 'success' : change.transition === 'Warn' ? 'warning' : 'error',
    alert_priority: change.priority ?? '',
    alert_scope: change.scope,
    alert_status: `${change.monitor} over ${change.scope}`,
    alert_metric: 'system.cpu.user',
    aggreg_key: `agg-${change.monitorId}`,
    hostname: change.scope.startsWith('host:') ? change.scope.slice(5) : '',
    org: { id: '1', name: 'Demo' },
  };
}

/** POSTs `body` to `url` with optional extra headers (Datadog's custom headers). */
export async function sendDatadog(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string }> {
  const all = { 'content-type': 'application/json', ...headers };
  const response = await fetch(url, { method: 'POST', headers: all, body: JSON.stringify(body) });
  return { status: response.status, body: await response.text() };
}
