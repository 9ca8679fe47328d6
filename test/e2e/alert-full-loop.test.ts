// The whole loop of an alert across tools, as one story: an Alertmanager alert routes to Jira,
// PagerDuty and Slack; "Acknowledge" pressed in Slack acknowledges the PagerDuty incident,
// silences the group at Alertmanager and moves the Jira issue; resolving in Jira resolves the
// incident, updates the Slack message and expires the silence. Every system gets each change
// once (calls counted on the simulators) and nothing comes back as a new change.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alertmanagerBody, postAlertBody } from '#simulators/alertmanager/sender.ts';
import { createSilencesSimulator, type SilencesSimulator } from '#simulators/alertmanager/silences.ts';
import { createJiraSimulator, type JiraSimulator, type SimWorkflow } from '#simulators/jira/simulator.ts';
import { createPagerDutySimulator, type PagerDutySimulator } from '#simulators/pagerduty/simulator.ts';
import { createSlackSimulator, type SlackSimulator } from '#simulators/slack/simulator.ts';
import { eventually } from '#test/support/eventually.ts';
import { connectJira } from '#test/support/jira.ts';
import { useLockstep } from '#test/support/lockstep.ts';

const suite = useLockstep({ LOCKSTEP_PUSH_BACKOFF_MS: '100' });
let jira: JiraSimulator;
let pd: PagerDutySimulator;
let slack: SlackSimulator;
let am: SilencesSimulator;

/** An on-call workflow: any status from any other, with an Acknowledged step. */
const onCallWorkflow: SimWorkflow = {
  statuses: { 'To Do': 'new', Acknowledged: 'indeterminate', 'In Progress': 'indeterminate', Done: 'done' },
  initial: 'To Do',
  transitions: ['To Do', 'Acknowledged', 'In Progress', 'Done'].map((to, index) => ({ id: String(11 + index * 10), name: to, from: null, to })),
};

const CONNECT = `mutation($input: ConnectExternalProjectInput!) {
  connectExternalProject(input: $input) { project { id webhookUrl webhookSecret } } }`;
const TICKET = `query($id: ID!) { ticket(id: $id) { id status mappings { externalId project { id } }
  history(last: 50) { field to origin actor } } }`;
const GROUPS = `{ tickets(first: 5, filter: { kind: [ALERT_GROUP] }) { edges { node { id } } } }`;

interface Project {
  id: string;
  webhookUrl: string;
  webhookSecret: string;
}
interface TicketView {
  id: string;
  status: string;
  mappings: Array<{ externalId: string; project: { id: string } }>;
  history: Array<{ field: string; to: unknown; origin: string; actor: string | null }>;
}

const admin = () => suite.lockstep.admin;
const connect = async (input: Record<string, unknown>) =>
  (await admin().run<{ connectExternalProject: { project: Project } }>(CONNECT, { input })).connectExternalProject.project;
const read = async (id: string) => (await admin().run<{ ticket: TicketView }>(TICKET, { id })).ticket;
const writes = (calls: ReadonlyMap<string, number>, ...methods: string[]) =>
  [...calls.entries()].filter(([route]) => methods.some((method) => route.startsWith(method))).reduce((sum, [, n]) => sum + n, 0);
const jiraWrites = () => writes(jira.calls, 'POST', 'PUT', 'DELETE');
const resetAll = () => {
  jira.resetCalls();
  pd.resetCalls();
  slack.resetCalls();
  am.resetCalls();
};
/** Lets every webhook and push settle. */
async function quiet(): Promise<void> {
  for (let round = 0; round < 3; round += 1) {
    await Promise.all([pd.settled(), jira.webhooks.settled()]);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

let jiraProject: Project;
let pdProject: Project;
let slackProject: Project;
let amProject: Project;

beforeAll(async () => {
  jira = createJiraSimulator({ projectKey: 'OPS', workflow: onCallWorkflow });
  pd = createPagerDutySimulator();
  slack = createSlackSimulator();
  am = createSilencesSimulator();
  await Promise.all([jira.start(), pd.start(), slack.start(), am.start()]);
  jiraProject = await connectJira(admin(), jira);
  pdProject = await connect({
    name: 'PagerDuty',
    kind: 'PAGERDUTY',
    direction: 'BIDIRECTIONAL',
    config: { baseUrl: pd.baseUrl, serviceId: 'PSVC001', fromEmail: 'lockstep@example.com' },
    credentials: { apiToken: pd.apiToken },
  });
  pd.subscribe(pdProject.webhookUrl, pdProject.webhookSecret);
  slackProject = await connect({
    name: 'Slack #ops',
    kind: 'SLACK',
    direction: 'BIDIRECTIONAL',
    config: { channel: slack.channelId, baseUrl: slack.baseUrl },
    credentials: { botToken: slack.botToken, signingSecret: slack.signingSecret },
  });
  amProject = await connect({
    name: 'Alertmanager',
    kind: 'ALERTMANAGER',
    direction: 'PULL',
    config: {
      silenceUrl: am.baseUrl,
      routes: [jiraProject, pdProject, slackProject].map((target) => ({ targetProjectId: target.id, minPriority: 'P2' })),
    },
    credentials: {},
  });
});

afterAll(async () => {
  await Promise.all([jira?.stop(), pd?.stop(), slack?.stop(), am?.stop()]);
});

describe('an alert across Alertmanager, Jira, PagerDuty and Slack', () => {
  it('is acknowledged from Slack and resolved from Jira, each system getting each change once', async () => {
    const body = alertmanagerBody({
      groupKey: '{}:{alertname="CheckoutDown"}',
      groupLabels: { alertname: 'CheckoutDown' },
      alerts: [{ status: 'firing', labels: { alertname: 'CheckoutDown', service: 'checkout', severity: 'critical' }, startsAt: new Date(Date.now() - 60_000).toISOString() }],
    });
    expect((await postAlertBody(amProject.webhookUrl, amProject.webhookSecret, body)).status).toBe(202);
    const groups = await eventually(
      async () => (await admin().run<{ tickets: { edges: Array<{ node: { id: string } }> } }>(GROUPS)).tickets.edges,
      (edges) => edges.length === 1,
    );
    const ticketId = groups[0]?.node.id ?? '';
    const routed = await eventually(() => read(ticketId), (t) => t.mappings.length === 3);
    const itemIn = (project: Project) => routed.mappings.find((m) => m.project.id === project.id)?.externalId ?? '';
    const issueKey = itemIn(jiraProject);
    const incidentId = itemIn(pdProject);
    const [channel, ts] = itemIn(slackProject).split(':');
    const message = slack.messages.find((m) => m.channel === channel && m.ts === ts);
    if (!message) throw new Error('no Slack message for the alert');
    expect(message.text).toBe('CheckoutDown — OPEN, P1');
    expect(pd.incidents.get(incidentId)?.incidentKey).toBe(ticketId);
    await quiet();

    // Acknowledge, pressed in Slack.
    resetAll();
    const press = await slack.press(slackProject.webhookUrl, message, 'lockstep_acknowledge', { id: 'U0SAM', username: 'sam.sre' });
    expect(press.status).toBe(200);
    await eventually(async () => pd.incidents.get(incidentId)?.status, (status) => status === 'acknowledged');
    await eventually(async () => jira.issue(issueKey)?.status, (status) => status === 'Acknowledged');
    await eventually(async () => am.active().length, (n) => n === 1);
    await eventually(async () => message.text, (text) => text === 'CheckoutDown — ACKNOWLEDGED, P1');
    await quiet();
    expect(pd.calls.get('PUT /incidents/{id}')).toBe(1);
    expect(writes(pd.calls, 'POST')).toBe(0);
    expect(am.calls.get('POST /api/v2/silences')).toBe(1);
    expect(am.active()[0]?.matchers).toEqual([{ name: 'alertname', value: 'CheckoutDown', isRegex: false, isEqual: true }]);
    expect(slack.calls.get('chat.update')).toBe(1);
    expect(slack.calls.get('chat.postMessage') ?? 0).toBe(0);
    expect(jiraWrites()).toBe(1);

    // Resolved, in Jira.
    resetAll();
    jira.personTransition(issueKey, 'Done');
    await eventually(() => read(ticketId), (t) => t.status === 'RESOLVED');
    await eventually(async () => pd.incidents.get(incidentId)?.status, (status) => status === 'resolved');
    await eventually(async () => am.active().length, (n) => n === 0);
    await eventually(async () => message.text, (text) => text === 'CheckoutDown — RESOLVED, P1');
    await quiet();
    expect(pd.calls.get('PUT /incidents/{id}')).toBe(1);
    expect(am.calls.get('DELETE /api/v2/silence/{id}')).toBe(1);
    expect(am.calls.get('POST /api/v2/silences') ?? 0).toBe(0);
    expect(slack.calls.get('chat.update')).toBe(1);
    expect(jiraWrites()).toBe(0);

    // From the other sides, only the two people's changes: PagerDuty's and Jira's echoes are not changes.
    const final = await read(ticketId);
    expect(final.status).toBe('RESOLVED');
    const statusChanges = final.history.filter((change) => change.field === 'status');
    expect(statusChanges.map((change) => [change.to, change.origin])).toEqual([
      ['resolved', jiraProject.id],
      ['acknowledged', slackProject.id],
    ]);
    expect(statusChanges[1]?.actor).toBe('sam.sre');
  });
});
