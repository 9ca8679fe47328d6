// The five monitoring sources turning native deliveries into alert-group tickets in a real
// Lockstep: a firing alert opens an ALERT_GROUP ticket (title from the alert, priority from its
// severity), a repeated notification changes nothing, the resolution resolves it. CloudWatch's
// SNS subscription is confirmed by fetching its SubscribeURL from a trusted loopback host.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSnsSimulator, type SnsSimulator } from '#simulators/aws-cloudwatch/sns.ts';
import { azureAlertBody, sendAzureAlert } from '#simulators/azure-monitor/sender.ts';
import { datadogBody, sendDatadog, type DatadogChange } from '#simulators/datadog/sender.ts';
import { gcpIncidentBody, sendGcpIncident } from '#simulators/gcp-monitoring/sender.ts';
import { pagerDutyBody, sendPagerDuty } from '#simulators/pagerduty/webhooks.ts';
import { eventually } from '#test/support/eventually.ts';
import { useLockstep } from '#test/support/lockstep.ts';

const CONNECT = `mutation($input: ConnectExternalProjectInput!) {
  connectExternalProject(input: $input) { project { id webhookUrl webhookSecret handshakeStatus } }
}`;
const GROUPS = `query($text: String) {
  tickets(first: 20, filter: { kind: [ALERT_GROUP], text: $text }) {
    edges { node { id title status priority updatedAt } }
  }
}`;

interface Project {
  id: string;
  webhookUrl: string;
  webhookSecret: string;
  handshakeStatus: string;
}
interface Group {
  id: string;
  title: string;
  status: string;
  priority: string;
  updatedAt: string;
}

const suite = useLockstep();
let sns: SnsSimulator;

async function connect(kind: string, config: Record<string, unknown> = {}): Promise<Project> {
  const data = await suite.lockstep.admin.run<{ connectExternalProject: { project: Project } }>(CONNECT, {
    input: { name: `${kind} alerts`, kind, direction: 'PULL', config, credentials: {} },
  });
  return data.connectExternalProject.project;
}

async function groups(text: string): Promise<Group[]> {
  const data = await suite.lockstep.admin.run<{ tickets: { edges: Array<{ node: Group }> } }>(GROUPS, { text });
  return data.tickets.edges.map((edge) => edge.node);
}

/** Waits until exactly one alert-group ticket titled `title` exists in `status`. */
function groupIn(title: string, status: string): Promise<Group> {
  return eventually(
    () => groups(title),
    (found) => found.length === 1 && found[0]?.status === status,
  ).then((found) => found[0] as Group);
}

/** Sends `send` again and checks the ticket did not move (a repeat is acknowledged and ignored). */
type Send = () => Promise<{ status: number; body: string }>;

async function repeatChangesNothing(group: Group, send: Send): Promise<void> {
  const answer = await send();
  expect(answer.status).toBe(202);
  await new Promise((resolve) => setTimeout(resolve, 300));
  const after = await groups(group.title);
  expect(after).toEqual([group]);
}

const withSecret = (project: Project) => `${project.webhookUrl}?secret=${encodeURIComponent(project.webhookSecret)}`;

beforeAll(async () => {
  sns = await startSnsSimulator();
});
afterAll(() => sns?.stop());

describe('monitoring sources open and resolve alert-group tickets', () => {
  it('CloudWatch: the SNS subscription is confirmed, ALARM opens the ticket and OK resolves it', async () => {
    const project = await connect('AWS_CLOUDWATCH', { trustedSnsHosts: [sns.origin] });
    const confirmation = await sns.subscribe(withSecret(project));
    expect(confirmation.status).toBe(202);
    expect(sns.confirmedTokens).toEqual([confirmation.envelope['Token']]);

    const at = new Date(Date.now() - 60_000);
    const change = { name: 'cw-orders-latency', dimensions: { LoadBalancer: 'app/orders' } };
    const alarm = await sns.publishAlarm(withSecret(project), { ...change, state: 'ALARM', at });
    expect(alarm.status).toBe(202);
    const opened = await groupIn('cw-orders-latency', 'OPEN');
    expect(opened.priority).toBe('P3');
    // SNS retries with the same MessageId; CloudWatch itself never repeats a state change.
    await repeatChangesNothing(opened, () => sns.post(withSecret(project), alarm.envelope));
    await sns.publishAlarm(withSecret(project), { ...change, state: 'OK', at: new Date(Date.now() - 30_000) });
    await groupIn('cw-orders-latency', 'RESOLVED');
    // Firing again within the reopen window reopens the same ticket.
    await sns.publishAlarm(withSecret(project), { ...change, state: 'ALARM', at: new Date() });
    expect((await groupIn('cw-orders-latency', 'OPEN')).id).toBe(opened.id);
  });

  it('CloudWatch: a SubscribeURL outside the trusted hosts is refused and never fetched', async () => {
    const project = await connect('AWS_CLOUDWATCH', { trustedSnsHosts: [sns.origin], verifySignature: false });
    const envelope = sns.sign({
      Type: 'SubscriptionConfirmation',
      MessageId: 'evil-1',
      Token: 'evil',
      TopicArn: sns.topicArn,
      Message: 'You have chosen to subscribe.',
      SubscribeURL: 'http://127.0.0.2:9/?Action=ConfirmSubscription&Token=evil',
      Timestamp: new Date().toISOString(),
    });
    const answer = await sns.post(withSecret(project), envelope);
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body).error).toMatch(/^SubscribeURL: /);
    expect(sns.confirmedTokens).not.toContain('evil');
  });

  it('CloudWatch: a confirmation that cannot be fetched is 502 and not recorded, so the retry confirms', async () => {
    const trustedSnsHosts = [sns.origin, 'http://127.0.0.1:1'];
    const project = await connect('AWS_CLOUDWATCH', { trustedSnsHosts, verifySignature: false });
    const fields = {
      Type: 'SubscriptionConfirmation',
      MessageId: 'confirm-retry',
      Token: 'unreachable',
      TopicArn: sns.topicArn,
      Message: 'You have chosen to subscribe.',
      SubscribeURL: 'http://127.0.0.1:1/?Action=ConfirmSubscription&Token=unreachable',
      Timestamp: new Date().toISOString(),
    };
    const failed = await sns.post(withSecret(project), sns.sign(fields));
    expect(failed.status).toBe(502);
    expect(JSON.parse(failed.body).error).toMatch(/^Could not confirm the subscription: GET http:\/\/127\.0\.0\.1:1\//);
    const working = { ...fields, SubscribeURL: `${sns.origin}/?Action=ConfirmSubscription&Token=retried` };
    const retried = await sns.post(withSecret(project), sns.sign(working));
    expect(JSON.parse(retried.body)).toEqual({ status: 'accepted', deliveryId: 'sns:confirm-retry' });
    expect(sns.confirmedTokens).toContain('retried');
  });

  it('Azure Monitor: Fired opens a P2 ticket for Sev1, a repeat changes nothing, Resolved resolves it', async () => {
    const project = await connect('AZURE_MONITOR');
    const alert = { rule: 'az-vm-cpu-high', instance: 'inst-1', severity: 'Sev1' } as const;
    const fired = azureAlertBody({ ...alert, condition: 'Fired', at: new Date(Date.now() - 60_000) });
    expect((await sendAzureAlert(withSecret(project), fired)).status).toBe(202);
    const opened = await groupIn('az-vm-cpu-high', 'OPEN');
    expect(opened.priority).toBe('P2');
    await repeatChangesNothing(opened, () => sendAzureAlert(withSecret(project), fired));
    const resolved = azureAlertBody({ ...alert, condition: 'Resolved' });
    expect((await sendAzureAlert(withSecret(project), resolved)).status).toBe(202);
    await groupIn('az-vm-cpu-high', 'RESOLVED');
  });

  it('Cloud Monitoring: open opens a P1 ticket for Critical, closed resolves it', async () => {
    const project = await connect('GCP_MONITORING');
    const startedAt = new Date(Date.now() - 120_000);
    const incident = { incidentId: '0.gcp1', policy: 'gcp-sql-cpu', startedAt, severity: 'Critical' } as const;
    const open = gcpIncidentBody({ ...incident, state: 'open' });
    expect((await sendGcpIncident(withSecret(project), open)).status).toBe(202);
    const opened = await groupIn('gcp-sql-cpu', 'OPEN');
    expect(opened.priority).toBe('P1');
    await repeatChangesNothing(opened, () => sendGcpIncident(withSecret(project), open));
    const closed = gcpIncidentBody({ ...incident, state: 'closed', endedAt: new Date() });
    const basic = { user: 'gcp', password: project.webhookSecret };
    expect((await sendGcpIncident(project.webhookUrl, closed, basic)).status).toBe(202);
    await groupIn('gcp-sql-cpu', 'RESOLVED');
  });

  it('Datadog: Triggered on two hosts is one monitor ticket, resolved once both recovered', async () => {
    const project = await connect('DATADOG');
    const auth = { authorization: `Bearer ${project.webhookSecret}` };
    const at = new Date(Date.now() - 60_000);
    const change = { monitorId: '9001', monitor: 'dd-disk-full', at, priority: 'P1' };
    const send = (fields: Omit<DatadogChange, 'monitorId' | 'monitor'>) =>
      sendDatadog(project.webhookUrl, datadogBody({ ...change, ...fields }), auth);
    expect((await send({ transition: 'Triggered', scope: 'host:web-1', eventId: 'e1' })).status).toBe(202);
    expect((await send({ transition: 'Triggered', scope: 'host:web-2', eventId: 'e2' })).status).toBe(202);
    const opened = await groupIn('dd-disk-full', 'OPEN');
    expect(opened.priority).toBe('P1');
    const later = new Date();
    await send({ at: later, transition: 'Recovered', scope: 'host:web-1', eventId: 'e3' });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await groups('dd-disk-full'))[0]?.status).toBe('OPEN');
    await send({ at: later, transition: 'Recovered', scope: 'host:web-2', eventId: 'e4' });
    await groupIn('dd-disk-full', 'RESOLVED');
    type Member = { fingerprint: string; status: string; labels: Record<string, string> };
    const alerts = await suite.lockstep.admin.run<{ ticket: { alerts: { edges: Array<{ node: Member }> } } }>(
      `query($id: ID!) { ticket(id: $id) { alerts(first: 10) { edges { node { fingerprint status labels } } } } }`,
      { id: opened.id },
    );
    const members = alerts.ticket.alerts.edges.map((edge) => edge.node);
    const fingerprints = members.map((alert) => alert.fingerprint).sort();
    expect(fingerprints).toEqual(['monitor:9001/host:web-1', 'monitor:9001/host:web-2']);
    expect(members.every((alert) => alert.status === 'RESOLVED' && alert.labels['monitor_id'] === '9001')).toBe(true);
  });

  it('PagerDuty: triggered opens a ticket at its priority, acknowledged acknowledges, resolved resolves', async () => {
    const project = await connect('PAGERDUTY');
    const createdAt = new Date(Date.now() - 120_000);
    const incident = { incidentId: 'QPD1', title: 'pd-checkout-down', createdAt, priority: 'P2' };
    const triggered = pagerDutyBody({ ...incident, type: 'incident.triggered', at: createdAt, eventId: 'pd-e1' });
    expect((await sendPagerDuty(project.webhookUrl, triggered, [project.webhookSecret])).status).toBe(202);
    const opened = await groupIn('pd-checkout-down', 'OPEN');
    expect(opened.priority).toBe('P2');
    await repeatChangesNothing(opened, () => sendPagerDuty(project.webhookUrl, triggered, [project.webhookSecret]));
    const ackAt = new Date(Date.now() - 60_000);
    const acknowledged = pagerDutyBody({ ...incident, type: 'incident.acknowledged', at: ackAt });
    expect((await sendPagerDuty(project.webhookUrl, acknowledged, [project.webhookSecret])).status).toBe(202);
    await groupIn('pd-checkout-down', 'ACKNOWLEDGED');
    const resolved = pagerDutyBody({ ...incident, type: 'incident.resolved', at: new Date(), eventId: 'pd-e2' });
    expect((await sendPagerDuty(project.webhookUrl, resolved, [project.webhookSecret])).status).toBe(202);
    await groupIn('pd-checkout-down', 'RESOLVED');
  });
});
