// The alert part of `npm run demo`: PagerDuty, Slack and Alertmanager silences simulators join the
// demo's Jira; an Alertmanager alert routes to all three tools, then "Acknowledge" is pressed in
// the Slack message, and the demo prints what each tool now shows.
import { alertmanagerBody, postAlertBody } from '#simulators/alertmanager/sender.ts';
import { createSilencesSimulator } from '#simulators/alertmanager/silences.ts';
import type { JiraSimulator } from '#simulators/jira/simulator.ts';
import { createPagerDutySimulator } from '#simulators/pagerduty/simulator.ts';
import { createSlackSimulator } from '#simulators/slack/simulator.ts';
import type { DemoGraphql, DemoSystem } from './client.ts';

type Project = { id: string; webhookUrl: string; webhookSecret: string };

const CONNECT = `mutation($input: ConnectExternalProjectInput!) { connectExternalProject(input: $input) { project { id webhookUrl webhookSecret } } }`;
const TICKET = `query($id: ID!) { ticket(id: $id) { status mappings { externalId project { id } } } }`;

async function until<T>(probe: () => Promise<T>, accept: (value: T) => boolean): Promise<T> {
  for (let i = 0; ; i += 1) {
    const value = await probe();
    if (accept(value) || i > 100) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Runs the story against `jira` (project `jiraProjectId`); what to print, and how to stop the simulators. */
export async function runAlertLoop(graphql: DemoGraphql, jira: JiraSimulator, jiraProjectId: string): Promise<DemoSystem> {
  const pd = createPagerDutySimulator();
  const slack = createSlackSimulator();
  const am = createSilencesSimulator();
  await Promise.all([pd.start(), slack.start(), am.start()]);
  const connect = async (input: Record<string, unknown>) => (await graphql<{ connectExternalProject: { project: Project } }>(CONNECT, { input })).connectExternalProject.project;
  const pdProject = await connect({
    name: 'PagerDuty (simulated)', kind: 'PAGERDUTY', direction: 'BIDIRECTIONAL',
    config: { baseUrl: pd.baseUrl, serviceId: 'PSVC001', fromEmail: 'lockstep@example.com' }, credentials: { apiToken: pd.apiToken },
  });
  pd.subscribe(pdProject.webhookUrl, pdProject.webhookSecret);
  const slackProject = await connect({
    name: 'Slack #ops (simulated)', kind: 'SLACK', direction: 'BIDIRECTIONAL',
    config: { channel: slack.channelId, baseUrl: slack.baseUrl }, credentials: { botToken: slack.botToken, signingSecret: slack.signingSecret },
  });
  const amProject = await connect({
    name: 'Alertmanager (simulated)', kind: 'ALERTMANAGER', direction: 'PULL',
    config: { silenceUrl: am.baseUrl, routes: [jiraProjectId, pdProject.id, slackProject.id].map((targetProjectId) => ({ targetProjectId })) },
    credentials: {},
  });
  const alert = alertmanagerBody({
    groupKey: '{}:{alertname="CheckoutDown"}',
    groupLabels: { alertname: 'CheckoutDown' },
    alerts: [{ status: 'firing', labels: { alertname: 'CheckoutDown', service: 'checkout', severity: 'critical' }, startsAt: new Date().toISOString() }],
  });
  await postAlertBody(amProject.webhookUrl, amProject.webhookSecret, alert);
  const groups = await until(
    async () => (await graphql<{ tickets: { edges: Array<{ node: { id: string } }> } }>(`{ tickets(first: 1, filter: { kind: [ALERT_GROUP] }) { edges { node { id } } } }`)).tickets.edges,
    (edges) => edges.length === 1,
  );
  const ticketId = groups[0]?.node.id ?? '';
  type View = { ticket: { status: string; mappings: Array<{ externalId: string; project: { id: string } }> } };
  const routed = await until(() => graphql<View>(TICKET, { id: ticketId }), (view) => view.ticket.mappings.length === 3);
  const itemIn = (id: string) => routed.ticket.mappings.find((mapping) => mapping.project.id === id)?.externalId ?? '';
  const [channel, ts] = itemIn(slackProject.id).split(':');
  const message = slack.messages.find((m) => m.channel === channel && m.ts === ts);
  if (message) await slack.press(slackProject.webhookUrl, message, 'lockstep_acknowledge', { id: 'U0SAM', username: 'sam.sre' });
  const incidentId = itemIn(pdProject.id);
  await until(async () => pd.incidents.get(incidentId)?.status, (status) => status === 'acknowledged');
  await until(async () => am.active().length, (n) => n === 1);
  const issueKey = itemIn(jiraProjectId);
  await until(async () => jira.issue(issueKey)?.status, (status) => status === 'Acknowledged');
  const guide = `Alerts: an Alertmanager alert (CheckoutDown) became ticket ${ticketId}, routed to Jira ${issueKey},
PagerDuty incident ${incidentId} and a Slack message; "Acknowledge" was pressed in Slack by sam.sre:

  PagerDuty incident ${incidentId}: ${pd.incidents.get(incidentId)?.status ?? '?'}
  Jira ${issueKey}: ${jira.issue(issueKey)?.status ?? '?'}
  Alertmanager silences: ${am.active().length} (${am.active()[0]?.comment ?? ''})
  Slack message: ${message?.text ?? '?'}`;
  return { guide, stop: async () => void (await Promise.all([pd.stop(), slack.stop(), am.stop()])) };
}
