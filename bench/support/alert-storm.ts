// The alert storm the alerts bench sends: Alertmanager webhook v4 notifications (the simulator's
// sender writes them as Alertmanager 0.27 does) for `groups` groups of two alerts each (instances a
// and b of one alertname). Each group goes through ten distinct notifications, each one alert
// changing (fire, fire, resolve, resolve -> the group resolves, fire -> it reopens, ...), ending
// resolved for even groups and firing for odd ones. Every distinct notification is sent a second
// time a few slots later, as Alertmanager repeats itself: alternately the very same body (a resend
// after `repeat_interval` or a retry; the same delivery id) and the copy an HA peer sends (same
// alerts, its own `externalURL`; a new delivery id, so the alert-group engine must see it is a
// repeat). Half the storm is repeats, and the alerts a notification carries unchanged are repeats too.
import { bodyDeliveryId } from '#adapters/alert-source/delivery.ts';
import { alertmanagerBody, type SentAlert } from '#simulators/alertmanager/sender.ts';
import { createHash } from 'node:crypto';

/** Distinct notifications per group; each is sent twice. */
export const STEPS = 10;
/** Slots between a notification and its repeat: the two are in flight together at any real rate. */
const REPEAT_LAG = 3;
/** Source time between a group's successive notifications (well inside the reopen window). */
const STEP_MS = 10_000;

const PRIMARY_URL = 'http://alertmanager-0:9093';
const PEER_URL = 'http://alertmanager-1:9093';

/** One POST of the storm. */
export interface StormNotification {
  readonly group: number;
  readonly step: number;
  /** `original`, or how it repeats the original: the same body again, or an HA peer's copy. */
  readonly copy: 'original' | 'resend' | 'peer';
  readonly body: string;
  /** The id Lockstep gives the delivery (Alertmanager sends none: the body's SHA-256). */
  readonly deliveryId: string;
}

/** What a group's last notification says, which its ticket must end showing. */
export interface StormGroup {
  readonly index: number;
  /** The `alertname` of both alerts: the title of the group's ticket. */
  readonly alertname: string;
  readonly groupKey: string;
  /** The ticket's final status, as GraphQL spells it. */
  readonly finalStatus: 'OPEN' | 'RESOLVED';
  /** Each alert's final status by fingerprint, as GraphQL spells it. */
  readonly finalAlerts: ReadonlyMap<string, 'FIRING' | 'RESOLVED'>;
  /** Ticket status changes the notifications call for, when applied in order (resolve, reopen...). */
  readonly statusChanges: number;
}

/** The whole storm, in sending order. */
export interface AlertStorm {
  readonly notifications: readonly StormNotification[];
  readonly groups: readonly StormGroup[];
}

type Instance = 'a' | 'b';
interface AlertState {
  readonly status: 'firing' | 'resolved';
  readonly startsAtMs: number;
  readonly endsAtMs?: number;
}

/** Which alert changes at each step, and to what; the last step depends on the group's parity. */
function changeAt(step: number, group: number): { instance: Instance; to: 'firing' | 'resolved' } {
  if (step === STEPS - 1) return group % 2 === 0 ? { instance: 'a', to: 'resolved' } : { instance: 'b', to: 'firing' };
  const cycle: ReadonlyArray<{ instance: Instance; to: 'firing' | 'resolved' }> = [
    { instance: 'a', to: 'firing' },
    { instance: 'b', to: 'firing' },
    { instance: 'a', to: 'resolved' },
    { instance: 'b', to: 'resolved' },
  ];
  return cycle[step % cycle.length] ?? { instance: 'a', to: 'firing' };
}

const nameOf = (group: number) => `StormGroup${String(group).padStart(4, '0')}`;

function labelsOf(group: number, instance: Instance): Record<string, string> {
  return {
    alertname: nameOf(group),
    instance: `node-${instance}.storm:9100`,
    job: 'node',
    severity: instance === 'a' ? 'critical' : 'warning',
  };
}

/** A 16-hex fingerprint of the sorted labels, as Alertmanager sends one since 0.19. */
function fingerprintOf(labels: Readonly<Record<string, string>>): string {
  const sorted = Object.keys(labels)
    .sort()
    .map((name) => `${name}=${labels[name]}`);
  return createHash('sha256').update(sorted.join('\u0000')).digest('hex').slice(0, 16);
}

const isoOf = (ms: number) => new Date(ms).toISOString();

/** One group's distinct notifications (bodies from the primary and the peer) and its expected end. */
function groupNotifications(group: number, baseMs: number): { bodies: Array<{ primary: string; peer: string }>; expected: StormGroup } {
  const alertname = nameOf(group);
  const groupKey = `{}:{alertname="${alertname}"}`;
  const states = new Map<Instance, AlertState>();
  const bodies: Array<{ primary: string; peer: string }> = [];
  let statusChanges = 0;
  let resolved = false;
  for (let step = 0; step < STEPS; step += 1) {
    const atMs = baseMs + step * STEP_MS;
    const { instance, to } = changeAt(step, group);
    const before = states.get(instance);
    states.set(instance, to === 'firing' ? { status: 'firing', startsAtMs: atMs } : { status: 'resolved', startsAtMs: before?.startsAtMs ?? atMs, endsAtMs: atMs });
    const groupResolved = [...states.values()].every((state) => state.status === 'resolved');
    if (groupResolved !== resolved) statusChanges += 1;
    resolved = groupResolved;
    const alerts: SentAlert[] = [...states.entries()].map(([name, state]) => {
      const labels = labelsOf(group, name);
      return {
        status: state.status,
        labels,
        annotations: { summary: `${alertname} on ${labels['instance']}` },
        startsAt: isoOf(state.startsAtMs),
        ...(state.endsAtMs !== undefined ? { endsAt: isoOf(state.endsAtMs) } : {}),
        generatorURL: `http://prometheus:9090/graph?g0.expr=up%7Bjob%3D%22node%22%7D+%3D%3D+0`,
        fingerprint: fingerprintOf(labels),
      };
    });
    const notification = { groupKey, alerts, receiver: 'lockstep', groupLabels: { alertname } };
    bodies.push({
      primary: alertmanagerBody({ ...notification, externalURL: PRIMARY_URL }),
      peer: alertmanagerBody({ ...notification, externalURL: PEER_URL }),
    });
  }
  const finalAlerts = new Map<string, 'FIRING' | 'RESOLVED'>(
    [...states.entries()].map(([name, state]) => [fingerprintOf(labelsOf(group, name)), state.status === 'firing' ? 'FIRING' : 'RESOLVED']),
  );
  const expected: StormGroup = { index: group, alertname, groupKey, finalStatus: resolved ? 'RESOLVED' : 'OPEN', finalAlerts, statusChanges };
  return { bodies, expected };
}

/**
 * The storm for `groups` groups: 2 x STEPS x `groups` notifications, sent step by step (every
 * group's first notification, then every group's second...), each repeat REPEAT_LAG slots after its
 * original. Source times start at `baseMs`, which must lie at least STEPS x 10 s in the past.
 */
export function buildAlertStorm(groups: number, baseMs: number): AlertStorm {
  const perGroup = Array.from({ length: groups }, (_, group) => groupNotifications(group, baseMs));
  const notifications: StormNotification[] = [];
  const add = (group: number, step: number, copy: StormNotification['copy']) => {
    const bodies = perGroup[group]?.bodies[step];
    if (!bodies) throw new Error(`alert storm: no notification ${step} for group ${group}`);
    const body = copy === 'peer' ? bodies.peer : bodies.primary;
    notifications.push({ group, step, copy, body, deliveryId: bodyDeliveryId(Buffer.from(body)) });
  };
  const repeat = (group: number, step: number) => add(group, step, (group + step) % 2 === 0 ? 'resend' : 'peer');
  for (let step = 0; step < STEPS; step += 1) {
    for (let group = 0; group < groups; group += 1) {
      add(group, step, 'original');
      if (group >= REPEAT_LAG) repeat(group - REPEAT_LAG, step);
    }
    for (let group = Math.max(0, groups - REPEAT_LAG); group < groups; group += 1) repeat(group, step);
  }
  return { notifications, groups: perGroup.map((group) => group.expected) };
}
