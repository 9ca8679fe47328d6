// Alert sources end to end through the real server: Alertmanager and Grafana deliveries posted to
// the project's webhook URL (secret by query, Bearer or Basic), alert-group tickets opened,
// resolved, reopened and started anew, a person's acknowledgement kept, duplicates ignored, and a
// route creating the item in a generic webhook receiver. Source times drive the reopen window.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGenericWebhookSimulator, type GenericWebhookSimulator } from '#adapters/generic-webhook/simulator.ts';
import { alertmanagerBody, postAlertBody, type SentAlert } from '#simulators/alertmanager/sender.ts';
import { query } from '#test/support/databases.ts';
import { eventually } from '#test/support/eventually.ts';
import {
  createTestEnvironment,
  startInProcess,
  type RunningLockstep,
  type TestEnvironment,
} from '#test/support/lockstep.ts';
import { nodeDownMixed, probeFailureFiring } from '../adapters/alertmanager/samples.ts';
import { grafanaLegacyAlerting, grafanaUnifiedFiring } from '../adapters/grafana/samples.ts';

const CONNECT = `mutation($input: ConnectExternalProjectInput!) {
  connectExternalProject(input: $input) { project { id kind direction webhookUrl webhookSecret } }
}`;
const TICKETS = `query($text: String!) {
  tickets(first: 10, filter: { kind: [ALERT_GROUP], text: $text }) { edges { node { id } } }
}`;
const TICKET = `query($id: ID!) { ticket(id: $id) {
  id title status priority kind updatedAt version
  mappings { externalId project { id } }
  history(last: 50) { field to origin }
  alerts(first: 10) { edges { node {
    fingerprint name status severity summary labels startsAt endsAt generatorUrl project { id }
  } } }
} }`;

interface Project {
  id: string;
  webhookUrl: string;
  webhookSecret: string;
}
interface AlertView {
  fingerprint: string;
  name: string;
  status: string;
  severity: string | null;
  summary: string | null;
  labels: Record<string, string>;
  startsAt: string;
  endsAt: string | null;
  generatorUrl: string | null;
  project: { id: string };
}
interface TicketView {
  id: string;
  title: string;
  status: string;
  priority: string;
  kind: string;
  updatedAt: string;
  version: string;
  mappings: Array<{ externalId: string; project: { id: string } }>;
  history: Array<{ field: string; to: unknown; origin: string }>;
  alerts: { edges: Array<{ node: AlertView }> };
}

let env: TestEnvironment;
let lockstep: RunningLockstep;
let receiver: GenericWebhookSimulator;
let alertmanager: Project;
let grafana: Project;
let target: Project;

const connect = async (input: Record<string, unknown>) =>
  (
    await lockstep.admin.run<{ connectExternalProject: { project: Project } }>(CONNECT, {
      input: { direction: 'PULL', credentials: {}, ...input },
    })
  ).connectExternalProject.project;

beforeAll(async () => {
  receiver = createGenericWebhookSimulator({ secret: 'receiver-secret' });
  await receiver.start();
  env = createTestEnvironment();
  lockstep = await startInProcess(env, { LOCKSTEP_PUSH_BACKOFF_MS: '50' });
  target = await connect({
    name: 'Incidents',
    kind: 'GENERIC_WEBHOOK',
    direction: 'BIDIRECTIONAL',
    config: { targetUrl: `${receiver.url}/hook` },
    credentials: { secret: 'receiver-secret' },
  });
  alertmanager = await connect({
    name: 'Prometheus',
    kind: 'ALERTMANAGER',
    config: {
      reopenWindowSeconds: 600,
      routes: [{ targetProjectId: target.id, minPriority: 'P1', labels: { team: 'db' } }],
    },
  });
  grafana = await connect({
    name: 'Grafana',
    kind: 'GRAFANA',
    direction: 'BIDIRECTIONAL',
    config: { severityMap: { blue: 'P2' } },
  });
});

afterAll(async () => {
  await lockstep?.stop();
  await receiver?.stop();
  await env?.cleanup();
});

const readTicket = async (id: string) => (await lockstep.admin.run<{ ticket: TicketView }>(TICKET, { id })).ticket;
const ticketsMatching = async (text: string) =>
  (
    await lockstep.admin.run<{ tickets: { edges: Array<{ node: { id: string } }> } }>(TICKETS, { text })
  ).tickets.edges.map((e) => e.node.id);
const oneTicket = async (text: string) =>
  (
    await eventually(
      () => ticketsMatching(text),
      (ids) => ids.length === 1,
    )
  )[0] as string;
const until = (id: string, accept: (ticket: TicketView) => boolean) => eventually(() => readTicket(id), accept);
const post = (project: Project, body: string, auth: 'query' | 'bearer' | 'basic' = 'query') =>
  postAlertBody(project.webhookUrl, project.webhookSecret, body, auth);
const processed = async (deliveryId: string | undefined) =>
  eventually(
    () => query<{ status: string }>(env.databaseUrl, 'select status from inbox where delivery_id = $1', [deliveryId]),
    (rows) => rows[0]?.status === 'processed',
  );

/** What the receiver got about ticket `id`. */
const sentAbout = (id: string) =>
  receiver.deliveries
    .map(
      (delivery) =>
        delivery.body as { event: string; ticket: { id: string; title: string; priority: string; status: string } },
    )
    .filter((body) => body.ticket.id === id);

const alert = (
  name: string,
  status: SentAlert['status'],
  startsAt: string,
  extra: Partial<SentAlert> = {},
): SentAlert => ({
  status,
  annotations: { summary: `${name} is unhappy` },
  startsAt,
  fingerprint: `fp-${name}`,
  ...(status === 'resolved' ? { endsAt: new Date(Date.parse(startsAt) + 60_000).toISOString() } : {}),
  ...extra,
  labels: { alertname: name, severity: 'warning', ...extra.labels },
});

describe('alert deliveries: authentication and refusals', () => {
  it('accepts the webhook secret by query, Bearer and Basic, and refuses a wrong one with 401', async () => {
    expect((await post(alertmanager, probeFailureFiring, 'bearer')).status).toBe(202);
    const body = alertmanagerBody({ groupKey: 'auth', alerts: [alert('AuthCheck', 'firing', '2026-01-01T00:00:00Z')] });
    expect((await post(alertmanager, body, 'basic')).status).toBe(202);
    expect((await post(alertmanager, body, 'query')).answer?.status).toBe('duplicate');
    const wrong = await postAlertBody(
      alertmanager.webhookUrl,
      'not-the-secret',
      alertmanagerBody({ groupKey: 'nope', alerts: [] }),
      'bearer',
    );
    expect(wrong.status).toBe(401);
    expect((await postAlertBody(alertmanager.webhookUrl, '', probeFailureFiring, 'none')).status).toBe(401);
  });

  it('answers 400 naming the problem for a malformed body, and stores nothing', async () => {
    const inbox = async () => (await query<{ n: string }>(env.databaseUrl, 'select count(*) as n from inbox'))[0]?.n;
    const before = await inbox();
    const bad = await post(alertmanager, '{"version":"4","status":"firing","alerts":[]}');
    expect(bad).toMatchObject({ status: 400, answer: { error: 'groupKey: is required' } });
    expect((await post(alertmanager, 'not json')).answer?.error).toBe('body: not JSON');
    expect((await post(grafana, '{"ruleId":1,"ruleName":"r","state":"exploded"}')).answer?.error).toBe(
      'state: must be ok, paused, alerting, pending or no_data',
    );
    expect(await inbox()).toBe(before);
  });

  it('refuses an alert dated far ahead of its clock, as a sync error on the project', async () => {
    const body = alertmanagerBody({
      groupKey: 'future',
      alerts: [alert('FromTheFuture', 'firing', '2099-01-01T00:00:00Z')],
    });
    const sent = await post(alertmanager, body);
    await processed(sent.answer?.deliveryId);
    expect(await ticketsMatching('FromTheFuture')).toEqual([]);
    const errors = await query<{ message: string }>(
      env.databaseUrl,
      'select message from sync_errors where project_id = $1',
      [alertmanager.id],
    );
    expect(errors.map((e) => e.message)).toContainEqual(
      expect.stringMatching(/^alert fp-FromTheFuture of group future dated 2099/),
    );
  });

  it('refuses routes to unknown, own or receive-only projects, and a PUSH direction', async () => {
    const unknown = await lockstep.admin.request(CONNECT, {
      input: {
        name: 'x',
        kind: 'ALERTMANAGER',
        direction: 'PULL',
        credentials: {},
        config: { routes: [{ targetProjectId: '00000000-0000-4000-8000-000000000000' }] },
      },
    });
    expect(unknown.errors?.[0]?.message).toBe(
      'config.routes[0].targetProjectId: no external project with id "00000000-0000-4000-8000-000000000000"',
    );
    const push = await lockstep.admin.request(CONNECT, {
      input: { name: 'x', kind: 'GRAFANA', direction: 'PUSH', credentials: {}, config: {} },
    });
    expect(push.errors?.[0]?.message).toBe('direction: GRAFANA projects take PULL or BIDIRECTIONAL, not PUSH');
    const update = `mutation($input: UpdateExternalProjectInput!) {
      updateExternalProject(input: $input) { project { id } }
    }`;
    const self = await lockstep.admin.request(update, {
      input: { id: grafana.id, config: { routes: [{ targetProjectId: grafana.id }] } },
    });
    expect(self.errors?.[0]?.message).toBe('config.routes[0].targetProjectId: a project cannot route alerts to itself');
    const toSource = await lockstep.admin.request(update, {
      input: { id: grafana.id, config: { routes: [{ targetProjectId: alertmanager.id }] } },
    });
    expect(toSource.errors?.[0]?.message).toBe(
      'config.routes[0].targetProjectId: project Prometheus (ALERTMANAGER) cannot create items',
    );
  });
});

describe('Alertmanager alert groups', () => {
  it('opens an ALERT_GROUP ticket from a real notification and lists its alert', async () => {
    expect((await post(alertmanager, probeFailureFiring)).status).toBe(202);
    const id = await oneTicket('BlackBox Probe Failure');
    const ticket = await until(id, (t) => t.alerts.edges.length === 1);
    expect(ticket).toMatchObject({ title: 'ProbeFailure', status: 'OPEN', priority: 'P1', kind: 'ALERT_GROUP' });
    expect(ticket.alerts.edges[0]?.node).toEqual({
      fingerprint: '1a30ba71cca2921f',
      name: 'ProbeFailure',
      status: 'FIRING',
      severity: 'critical',
      summary: 'BlackBox Probe Failure: https://server.example.org',
      labels: {
        alertname: 'ProbeFailure',
        instance: 'https://server.example.org',
        job: 'http_checks',
        monitor: 'master',
        severity: 'critical',
      },
      startsAt: '2023-02-06T13:08:45.828Z',
      endsAt: null,
      generatorUrl: 'http://prometheus.example.org:9090/graph?g0.expr=probe_success+%3D%3D+0\\u0026g0.tab=1',
      project: { id: alertmanager.id },
    });
    expect(ticket.history.some((change) => change.origin === alertmanager.id)).toBe(false);
  });

  it('keeps the resolved and the firing alert of one mixed notification on one open ticket', async () => {
    expect((await post(alertmanager, nodeDownMixed)).status).toBe(202);
    const id = await oneTicket('nodeDown');
    const ticket = await until(id, (t) => t.alerts.edges.length === 2);
    expect(ticket.status).toBe('OPEN');
    expect(ticket.alerts.edges.map((e) => [e.node.fingerprint, e.node.status])).toEqual([
      ['120cb5c2008192c9', 'FIRING'],
      ['20ff339993fb7178', 'RESOLVED'],
    ]);
  });

  it('runs a group through acknowledge, resolve, reopen and a new episode; repeats change nothing', async () => {
    const group = 'lifecycle';
    const send = async (...alerts: SentAlert[]) => {
      const sent = await post(alertmanager, alertmanagerBody({ groupKey: group, alerts }), 'bearer');
      expect(sent.status).toBe(202);
      await processed(sent.answer?.deliveryId);
    };
    await send(alert('DiskFull', 'firing', '2026-03-01T10:00:00Z'));
    const id = await oneTicket('DiskFull');
    const opened = await until(id, (t) => t.alerts.edges.length === 1);
    expect(opened).toMatchObject({ title: 'DiskFull', status: 'OPEN', priority: 'P3' });

    // The same alert again, in a notification whose bytes differ: no change, no history, same updatedAt.
    await send(
      alert('DiskFull', 'firing', '2026-03-01T10:00:00Z', {
        annotations: { summary: 'DiskFull is unhappy', runbook: 'r' },
      }),
    );
    const repeated = await readTicket(id);
    expect([repeated.updatedAt, repeated.version, repeated.history.length]).toEqual([
      opened.updatedAt,
      opened.version,
      opened.history.length,
    ]);

    await lockstep.admin.run(`mutation($input: UpdateTicketInput!) { updateTicket(input: $input) { ticket { id } } }`, {
      input: { id, status: 'ACKNOWLEDGED' },
    });
    await send(
      alert('DiskFull', 'firing', '2026-03-01T10:00:00Z'),
      alert('InodesFull', 'firing', '2026-03-01T10:05:00Z', { labels: { severity: 'critical' } }),
    );
    const acked = await until(id, (t) => t.alerts.edges.length === 2);
    expect(acked).toMatchObject({ status: 'ACKNOWLEDGED', priority: 'P1' });

    await send(alert('DiskFull', 'resolved', '2026-03-01T10:00:00Z'));
    expect((await readTicket(id)).status).toBe('ACKNOWLEDGED');
    await send(alert('InodesFull', 'resolved', '2026-03-01T10:05:00Z'));
    const resolved = await readTicket(id);
    expect(resolved.status).toBe('RESOLVED');
    // History lists the changes other sides made: the source resolved it.
    expect(resolved.history.filter((c) => c.field === 'status').map((c) => [c.to, c.origin])).toEqual([
      ['resolved', alertmanager.id],
    ]);

    // An older firing notification arriving late changes nothing.
    await send(alert('DiskFull', 'firing', '2026-03-01T09:00:00Z'));
    expect((await readTicket(id)).status).toBe('RESOLVED');

    // Firing again 5 minutes after the resolution (window 10 minutes): the same ticket reopens.
    await send(alert('DiskFull', 'firing', '2026-03-01T10:11:00Z'));
    expect((await readTicket(id)).status).toBe('OPEN');
    await send(alert('DiskFull', 'resolved', '2026-03-01T10:11:00Z'));
    expect((await readTicket(id)).status).toBe('RESOLVED');

    // An hour later: a new ticket; the old one stays resolved with its alerts.
    await send(alert('DiskFull', 'firing', '2026-03-01T11:30:00Z'));
    const [newer, older] = await eventually(
      () => ticketsMatching('DiskFull'),
      (ids) => ids.length === 2,
    );
    expect(older).toBe(id);
    expect((await readTicket(id)).status).toBe('RESOLVED');
    const fresh = await readTicket(newer as string);
    expect(fresh).toMatchObject({ status: 'OPEN', kind: 'ALERT_GROUP' });
    expect(fresh.alerts.edges.map((e) => [e.node.fingerprint, e.node.status, e.node.startsAt])).toEqual([
      ['fp-DiskFull', 'FIRING', '2026-03-01T11:30:00.000Z'],
    ]);
  });

  it('makes one ticket of a storm of notifications about a new group arriving together', async () => {
    const bodies = Array.from({ length: 12 }, (_, n) =>
      alertmanagerBody({ groupKey: 'storm', alerts: [alert(`Storm${n}`, 'firing', '2026-05-01T00:00:00Z')] }),
    );
    const answers = await Promise.all([...bodies, ...bodies].map((body) => post(alertmanager, body)));
    expect(answers.every((answer) => answer.status === 202)).toBe(true);
    const ids = await eventually(
      async () => {
        const rows = await query<{ ticket_id: string; n: string }>(
          env.databaseUrl,
          `select ticket_id, count(*) as n from alert_instances where group_key = 'storm' group by ticket_id`,
        );
        return rows;
      },
      (rows) => rows.length === 1 && rows[0]?.n === '12',
    );
    const ticket = await readTicket(ids[0]?.ticket_id as string);
    expect(ticket).toMatchObject({ title: expect.stringMatching(/^Storm\d+$/), kind: 'ALERT_GROUP', status: 'OPEN' });
    expect(await ticketsMatching('Storm')).toHaveLength(1);
  });

  it('routes a matching group once to the target project, which creates the item there', async () => {
    const critical = alert('ReplicaLag', 'firing', '2026-04-01T00:00:00Z', {
      labels: { severity: 'critical', team: 'db' },
    });
    await post(alertmanager, alertmanagerBody({ groupKey: 'db', alerts: [critical] }));
    const id = await oneTicket('ReplicaLag');
    const linked = await until(id, (t) => t.mappings.length === 1);
    expect(linked.mappings[0]?.project.id).toBe(target.id);
    const created = sentAbout(id).filter((body) => body.event === 'ticket.created');
    expect(created.map((body) => body.ticket)).toMatchObject([{ title: 'ReplicaLag', priority: 'P1', status: 'OPEN' }]);

    // Another alert of the group, and both resolutions: still one item there, and its status follows.
    const second = { ...critical, fingerprint: 'fp-2', labels: { ...critical.labels, instance: 'b' } };
    await post(alertmanager, alertmanagerBody({ groupKey: 'db', alerts: [critical, second] }));
    const ended = { status: 'resolved' as const, endsAt: '2026-04-01T00:10:00Z' };
    await post(
      alertmanager,
      alertmanagerBody({
        groupKey: 'db',
        alerts: [
          { ...critical, ...ended },
          { ...second, ...ended },
        ],
      }),
    );
    await until(id, (t) => t.status === 'RESOLVED');
    await eventually(
      async () => sentAbout(id),
      (bodies) => bodies.some((body) => body.ticket.status === 'RESOLVED'),
    );
    expect(sentAbout(id).filter((body) => body.event === 'ticket.created')).toHaveLength(1);

    // A warning of the same team is below the route's minPriority: it stays unrouted.
    await post(
      alertmanager,
      alertmanagerBody({
        groupKey: 'db-warn',
        alerts: [alert('SlowQueries', 'firing', '2026-04-01T00:00:00Z', { labels: { team: 'db' } })],
      }),
    );
    const quiet = await oneTicket('SlowQueries');
    await until(quiet, (t) => t.alerts.edges.length === 1);
    // Routes are decided in the transaction that applied the alert: no create was asked for.
    expect(await query(env.databaseUrl, 'select id from push_jobs where ticket_id = $1', [quiet])).toEqual([]);
  });
});

describe('Grafana alert groups', () => {
  it('groups a unified alerting notification by its groupKey, with Basic auth', async () => {
    expect((await post(grafana, grafanaUnifiedFiring, 'basic')).status).toBe(202);
    const id = await oneTicket('High memory usage');
    const ticket = await until(id, (t) => t.alerts.edges.length === 2);
    expect(ticket).toMatchObject({ title: 'High memory usage', status: 'OPEN', priority: 'P3', kind: 'ALERT_GROUP' });
    expect(ticket.alerts.edges.map((e) => e.node.name)).toEqual(['High CPU usage', 'High memory usage']);
  });

  it('opens and resolves a legacy rule alert', async () => {
    expect((await post(grafana, grafanaLegacyAlerting)).status).toBe(202);
    const id = await oneTicket('Panel Title alert');
    await until(id, (t) => t.status === 'OPEN' && t.alerts.edges.length === 1);
    expect((await post(grafana, grafanaLegacyAlerting.replace('"state":"alerting"', '"state":"ok"'))).status).toBe(202);
    const resolved = await until(id, (t) => t.status === 'RESOLVED');
    expect(resolved.alerts.edges[0]?.node).toMatchObject({ status: 'RESOLVED', summary: 'Notification Message' });
  });
});
