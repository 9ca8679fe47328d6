// The five monitoring sources at the front door of a real Lockstep: each project hands out its
// webhook URL, the source's native deliveries are accepted (202) and repeats acknowledged without
// effect, and every bad delivery is refused with the contract's status: 401 for a missing secret
// or a bad signature (SNS, PagerDuty), 400 naming what is wrong, 404 for an unknown project.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSnsSimulator, type SnsSimulator } from '#simulators/aws-cloudwatch/sns.ts';
import { azureAlertBody, sendAzureAlert } from '#simulators/azure-monitor/sender.ts';
import { datadogBody, sendDatadog } from '#simulators/datadog/sender.ts';
import { gcpIncidentBody, sendGcpIncident } from '#simulators/gcp-monitoring/sender.ts';
import { pagerDutyBody, sendPagerDuty } from '#simulators/pagerduty/webhooks.ts';
import { useLockstep } from '#test/support/lockstep.ts';

const CONNECT = `mutation($input: ConnectExternalProjectInput!) {
  connectExternalProject(input: $input) {
    project { id kind status direction webhookUrl webhookSecret handshakeStatus }
  }
}`;

interface Project {
  id: string;
  kind: string;
  webhookUrl: string;
  webhookSecret: string;
  handshakeStatus: string;
}

const suite = useLockstep();
let sns: SnsSimulator;
const projects: Record<string, Project> = {};

async function connect(kind: string, config: Record<string, unknown> = {}): Promise<Project> {
  const data = await suite.lockstep.admin.run<{ connectExternalProject: { project: Project } }>(CONNECT, {
    input: { name: `${kind} alerts`, kind, direction: 'PULL', config, credentials: {} },
  });
  return data.connectExternalProject.project;
}

const withSecret = (project: Project, secret = project.webhookSecret) =>
  `${project.webhookUrl}?secret=${encodeURIComponent(secret)}`;

beforeAll(async () => {
  sns = await startSnsSimulator();
  projects['AWS_CLOUDWATCH'] = await connect('AWS_CLOUDWATCH', { trustedSnsHosts: [sns.origin] });
  for (const kind of ['AZURE_MONITOR', 'GCP_MONITORING', 'DATADOG', 'PAGERDUTY']) projects[kind] = await connect(kind);
});
afterAll(() => sns?.stop());

const project = (kind: string): Project => {
  const found = projects[kind];
  if (!found) throw new Error(`no ${kind} project`);
  return found;
};

describe('monitoring sources at the webhook door', () => {
  it('connect as pull-only projects with a webhook URL of their kind', async () => {
    expect(project('DATADOG').webhookUrl).toMatch(/\/api\/webhooks\/datadog\/[^/]+$/);
    expect(project('PAGERDUTY').handshakeStatus).toBe('PENDING');
    const refused = await suite.lockstep.admin.request(CONNECT, {
      input: { name: 'push?', kind: 'AZURE_MONITOR', direction: 'PUSH', config: {}, credentials: {} },
    });
    expect(refused.errors?.[0]?.message).toMatch(/direction: AZURE_MONITOR projects take PULL or BIDIRECTIONAL/);
    const badConfig = await suite.lockstep.admin.request(CONNECT, {
      input: { name: 'cw', kind: 'AWS_CLOUDWATCH', direction: 'PULL', config: { insufficientData: 'no' }, credentials: {} },
    });
    expect(badConfig.errors?.[0]?.message).toMatch(/config\.insufficientData: must be ignore, firing or resolved/);
  });

  it('CloudWatch through SNS: signed envelopes with the secret are accepted once; tampered ones are 401', async () => {
    const cw = project('AWS_CLOUDWATCH');
    const alarm = { name: 'api-5xx', state: 'ALARM' as const };
    const first = await sns.publishAlarm(withSecret(cw), alarm, { messageId: 'msg-1' });
    expect(first.status).toBe(202);
    expect(JSON.parse(first.body)).toEqual({ status: 'accepted', deliveryId: 'sns:msg-1' });
    expect((await sns.post(withSecret(cw), first.envelope)).body).toContain('"duplicate"');
    expect((await sns.publishAlarm(withSecret(cw), alarm, { signatureVersion: '2' })).status).toBe(202);
    const tampered = { ...first.envelope, Message: first.envelope['Message']?.replace('ALARM', 'OK') ?? '' };
    expect((await sns.post(withSecret(cw), tampered)).status).toBe(401);
    expect((await sns.publishAlarm(withSecret(cw, 'guess'), alarm)).status).toBe(401);
    expect((await sns.publishAlarm(cw.webhookUrl, alarm)).status).toBe(401);
  });

  it('CloudWatch through SNS: a malformed alarm is 400 naming the field', async () => {
    const cw = project('AWS_CLOUDWATCH');
    const envelope = sns.sign({
      Type: 'Notification',
      MessageId: 'msg-bad',
      TopicArn: sns.topicArn,
      Message: JSON.stringify({ AlarmName: 'x', NewStateValue: 'PANIC', StateChangeTime: '2026-11-29T10:00:00+0000' }),
      Timestamp: '2026-11-29T10:00:00.100Z',
    });
    const answer = await sns.post(withSecret(cw), envelope);
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body).error).toBe('Message.NewStateValue: must be ALARM, OK or INSUFFICIENT_DATA');
  });

  it('Azure Monitor: accepted with the secret, 401 without, 400 for another schema', async () => {
    const azure = project('AZURE_MONITOR');
    const body = azureAlertBody({ rule: 'cpu-high', instance: 'a-1', condition: 'Fired' });
    expect((await sendAzureAlert(withSecret(azure), body)).status).toBe(202);
    expect((await sendAzureAlert(withSecret(azure), body)).body).toContain('"duplicate"');
    expect((await sendAzureAlert(azure.webhookUrl, body)).status).toBe(401);
    const other = await sendAzureAlert(withSecret(azure), { schemaId: 'AzureMonitorMetricAlert', data: {} });
    expect(other.status).toBe(400);
    expect(JSON.parse(other.body).error).toMatch(/^schemaId: must be "azureMonitorCommonAlertSchema"/);
  });

  it('Cloud Monitoring: accepted with basic auth, 401 with a wrong password, 400 for a bad state', async () => {
    const gcp = project('GCP_MONITORING');
    const body = gcpIncidentBody({ incidentId: '0.abc', policy: 'cpu', state: 'open', startedAt: new Date() });
    const basic = { user: 'gcp', password: gcp.webhookSecret };
    expect((await sendGcpIncident(gcp.webhookUrl, body, basic)).status).toBe(202);
    expect((await sendGcpIncident(gcp.webhookUrl, body, { user: 'gcp', password: 'nope' })).status).toBe(401);
    const snoozed = { ...body, incident: { ...(body['incident'] as object), state: 'snoozed' } };
    const bad = await sendGcpIncident(withSecret(gcp), snoozed);
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body).error).toBe('incident.state: must be open or closed');
  });

  it('Datadog: accepted with a Bearer header, 401 without, 400 for an unsubstituted transition', async () => {
    const dd = project('DATADOG');
    const change = { monitorId: '42', monitor: 'CPU high', scope: 'host:a', eventId: '777' };
    const body = datadogBody({ ...change, transition: 'Triggered' });
    const answer = await sendDatadog(dd.webhookUrl, body, { authorization: `Bearer ${dd.webhookSecret}` });
    expect(answer.status).toBe(202);
    expect(JSON.parse(answer.body).deliveryId).toBe('datadog:777');
    expect((await sendDatadog(dd.webhookUrl, body)).status).toBe(401);
    const raw = await sendDatadog(withSecret(dd), { ...body, alert_transition: '$ALERT_TRANSITION' });
    expect(raw.status).toBe(400);
    expect(JSON.parse(raw.body).error).toMatch(/^alert_transition: unknown transition/);
  });

  it('PagerDuty: signed with the webhook secret is accepted, any other signature or ?secret= is 401', async () => {
    const pd = project('PAGERDUTY');
    const incident = { incidentId: 'Q1', title: 'Checkout down', createdAt: new Date(), eventId: 'ev-1' };
    const body = pagerDutyBody({ ...incident, type: 'incident.triggered' });
    const answer = await sendPagerDuty(pd.webhookUrl, body, ['old-secret', pd.webhookSecret]);
    expect(answer.status).toBe(202);
    expect(JSON.parse(answer.body).deliveryId).toBe('pagerduty:ev-1');
    expect((await sendPagerDuty(pd.webhookUrl, body, ['other'])).status).toBe(401);
    expect((await sendPagerDuty(withSecret(pd), body, [])).status).toBe(401);
    const undated = { event: { ...(body['event'] as object), occurred_at: 'now' } };
    const bad = await sendPagerDuty(pd.webhookUrl, undated, [pd.webhookSecret]);
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body).error).toBe('event.occurred_at: must be an ISO 8601 timestamp');
  });

  it('an unknown project is 404 and a delivery proves the handshake', async () => {
    const dd = project('DATADOG');
    const unknown = dd.webhookUrl.replace(dd.id, `${dd.id.slice(0, -4)}0000`);
    expect((await sendDatadog(`${unknown}?secret=x`, {})).status).toBe(404);
    const view = await suite.lockstep.admin.run<{ externalProject: { handshakeStatus: string } }>(
      `query($id: ID!) { externalProject(id: $id) { handshakeStatus } }`,
      { id: dd.id },
    );
    expect(view.externalProject.handshakeStatus).toBe('ACTIVE');
  });
});
