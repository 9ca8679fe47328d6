// Silences at the source follow an alert group's ticket: acknowledging it in Lockstep makes one
// silence (matchers = the group's labels, createdBy "lockstep", comment naming the ticket)
// at Alertmanager or Grafana; acknowledging again makes no second one, even when the answer to
// the first create was lost; reopening or resolving expires it. Calls are counted on the simulator.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alertmanagerBody, postAlertBody } from '#simulators/alertmanager/sender.ts';
import { createSilencesSimulator, type SilencesSimulator } from '#simulators/alertmanager/silences.ts';
import { eventually } from '#test/support/eventually.ts';
import { useLockstep } from '#test/support/lockstep.ts';

const suite = useLockstep();
let am: SilencesSimulator;
let grafana: SilencesSimulator;

const gql = {
  connect: `mutation($input: ConnectExternalProjectInput!) {
    connectExternalProject(input: $input) { project { id webhookUrl webhookSecret } } }`,
  update: 'mutation($input: UpdateTicketInput!) { updateTicket(input: $input) { ticket { id } } }',
  groups: `query($t: String) { tickets(first: 5, filter: { kind: [ALERT_GROUP], text: $t }) {
    edges { node { id status } } } }`,
};

const admin = () => suite.lockstep.admin;
const setStatus = (id: string, status: string) => admin().run(gql.update, { input: { id, status } });
const calls = (sim: SilencesSimulator, route: string) => sim.calls.get(route) ?? 0;
const pause = (ms = 700) => new Promise((resolve) => setTimeout(resolve, ms));

async function connect(kind: string, silenceUrl: string) {
  const data = await admin().run<{ connectExternalProject: { project: { id: string; webhookUrl: string; webhookSecret: string } } }>(gql.connect, {
    input: { name: `${kind} with silences`, kind, direction: 'PULL', config: { silenceUrl }, credentials: { token: 'am-token' } },
  });
  return data.connectExternalProject.project;
}

/** Fires one alert into `project` and waits for its group's ticket. */
async function fire(
  project: { webhookUrl: string; webhookSecret: string },
  alertname: string,
  instance: string,
  groupLabels: Record<string, string> = { alertname },
): Promise<string> {
  const body = alertmanagerBody({
    groupKey: `{}:{alertname="${alertname}"}`,
    groupLabels,
    alerts: [{ status: 'firing', labels: { alertname, instance, severity: 'critical' }, startsAt: new Date(Date.now() - 60_000).toISOString() }],
  });
  expect((await postAlertBody(project.webhookUrl, project.webhookSecret, body)).status).toBe(202);
  const found = await eventually(
    async () => (await admin().run<{ tickets: { edges: Array<{ node: { id: string } }> } }>(gql.groups, { t: alertname })).tickets.edges,
    (edges) => edges.length === 1,
  );
  return found[0]?.node.id ?? '';
}

beforeAll(async () => {
  am = createSilencesSimulator({ token: 'am-token' });
  grafana = createSilencesSimulator({ prefix: '/api/alertmanager/grafana', token: 'am-token' });
  await am.start();
  await grafana.start();
});

afterAll(async () => {
  await am?.stop();
  await grafana?.stop();
});

describe('silences follow the acknowledgement', () => {
  it('Alertmanager: acknowledge makes one silence, acknowledging again none more, resolving expires it', async () => {
    const project = await connect('ALERTMANAGER', am.baseUrl);
    const ticketId = await fire(project, 'DiskFull', 'db-1:9100');
    am.resetCalls();
    await setStatus(ticketId, 'ACKNOWLEDGED');
    const [silence] = await eventually(async () => am.active(), (active) => active.length === 1);
    expect(silence?.createdBy).toBe('lockstep');
    expect(silence?.comment).toContain(ticketId);
    // The group's labels (Alertmanager's groupLabels): the whole group is silenced, later instances too.
    expect(silence?.matchers).toEqual([{ name: 'alertname', value: 'DiskFull', isRegex: false, isEqual: true }]);
    // Working on it and acknowledging again keeps the one silence.
    await setStatus(ticketId, 'IN_PROGRESS');
    await setStatus(ticketId, 'ACKNOWLEDGED');
    await pause();
    expect(am.active()).toHaveLength(1);
    expect(calls(am, 'POST /api/v2/silences')).toBe(1);

    await setStatus(ticketId, 'RESOLVED');
    await eventually(async () => am.active(), (active) => active.length === 0);
    expect(calls(am, 'DELETE /api/v2/silence/{id}')).toBe(1);
    expect(am.silences.get(silence?.id ?? '')?.state).toBe('expired');
  });

  it('Alertmanager: a create whose answer was lost is found on the retry, not made twice', async () => {
    const project = await connect('ALERTMANAGER', am.baseUrl);
    const ticketId = await fire(project, 'QueueStuck', 'worker-7');
    am.resetCalls();
    am.loseNextAnswers(1);
    await setStatus(ticketId, 'ACKNOWLEDGED');
    await eventually(async () => calls(am, 'GET /api/v2/silences'), (n) => n >= 2);
    await pause();
    const ours = am.active().filter((silence) => silence.comment.includes(ticketId));
    expect(ours).toHaveLength(1);
    expect(calls(am, 'POST /api/v2/silences')).toBe(1);
  });

  it('Grafana: reopening expires the silence, acknowledging again makes a new one', async () => {
    const project = await connect('GRAFANA', grafana.baseUrl);
    // A contact point that groups by nothing: the matchers are the labels the group's alerts share.
    const ticketId = await fire(project, 'HighLatency', 'api-2', {});
    await setStatus(ticketId, 'ACKNOWLEDGED');
    const [first] = await eventually(async () => grafana.active(), (active) => active.length === 1);
    expect(first?.matchers.map((matcher) => `${matcher.name}=${matcher.value}`).sort()).toEqual([
      'alertname=HighLatency',
      'instance=api-2',
      'severity=critical',
    ]);
    await setStatus(ticketId, 'OPEN');
    await eventually(async () => grafana.active(), (active) => active.length === 0);
    await setStatus(ticketId, 'ACKNOWLEDGED');
    const [second] = await eventually(async () => grafana.active(), (active) => active.length === 1);
    expect(second?.id).not.toBe(first?.id);
    expect(calls(grafana, 'POST /api/v2/silences')).toBe(2);
    expect(calls(grafana, 'DELETE /api/v2/silence/{id}')).toBe(1);
  });
});
