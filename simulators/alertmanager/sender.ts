// Plays an Alertmanager (or a Grafana contact point) for tests and the demo: builds webhook v4
// notifications as Alertmanager writes them and POSTs them with `?secret=`, Bearer or Basic.

/** One alert of a notification; `fingerprint` left out plays an Alertmanager older than 0.19. */
export interface SentAlert {
  readonly status: 'firing' | 'resolved';
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
  readonly startsAt: string;
  /** Defaults to Go's zero time while firing. */
  readonly endsAt?: string;
  readonly generatorURL?: string;
  readonly fingerprint?: string;
}

/** A notification about one group. */
export interface SentNotification {
  readonly groupKey: string;
  readonly alerts: readonly SentAlert[];
  readonly receiver?: string;
  readonly groupLabels?: Readonly<Record<string, string>>;
  /** The sending Alertmanager's own URL; each peer of an HA cluster sends its own. */
  readonly externalURL?: string;
}

/** How the sender proves it knows the webhook secret. */
export type SenderAuth = 'query' | 'bearer' | 'basic' | 'none';

const zeroTime = '0001-01-01T00:00:00Z';

function common(maps: ReadonlyArray<Readonly<Record<string, string>>>): Record<string, string> {
  const [first, ...rest] = maps;
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(first ?? {})) {
    if (rest.every((map) => map[name] === value)) out[name] = value;
  }
  return out;
}

/** The raw JSON body Alertmanager 0.27 would send for `notification`. */
export function alertmanagerBody(notification: SentNotification): string {
  const alerts = notification.alerts.map((alert) => ({
    status: alert.status,
    labels: alert.labels,
    annotations: alert.annotations ?? {},
    startsAt: alert.startsAt,
    endsAt: alert.endsAt ?? zeroTime,
    generatorURL: alert.generatorURL ?? 'http://prometheus:9090/graph',
    ...(alert.fingerprint !== undefined ? { fingerprint: alert.fingerprint } : {}),
  }));
  return JSON.stringify({
    receiver: notification.receiver ?? 'lockstep',
    status: alerts.some((alert) => alert.status === 'firing') ? 'firing' : 'resolved',
    alerts,
    groupLabels: notification.groupLabels ?? {},
    commonLabels: common(notification.alerts.map((alert) => alert.labels)),
    commonAnnotations: common(notification.alerts.map((alert) => alert.annotations ?? {})),
    externalURL: notification.externalURL ?? 'http://alertmanager:9093',
    version: '4',
    groupKey: notification.groupKey,
    truncatedAlerts: 0,
  });
}

/** POSTs `body` to `webhookUrl` with the secret given by `auth`; Lockstep's status and JSON answer. */
export async function postAlertBody(webhookUrl: string, secret: string, body: string, auth: SenderAuth = 'query') {
  const url = new URL(webhookUrl);
  const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': 'Alertmanager/0.27.0' };
  if (auth === 'query') url.searchParams.set('secret', secret);
  if (auth === 'bearer') headers['authorization'] = `Bearer ${secret}`;
  if (auth === 'basic') headers['authorization'] = `Basic ${Buffer.from(`alertmanager:${secret}`).toString('base64')}`;
  const response = await fetch(url, { method: 'POST', headers, body });
  const answer = (await response.json().catch(() => null)) as {
    status?: string;
    error?: string;
    deliveryId?: string;
  } | null;
  return { status: response.status, answer };
}
