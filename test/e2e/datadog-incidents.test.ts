// Datadog incidents both ways against the Datadog incidents simulator: a declared incident is an
// alert-group ticket linked to it; resolving it in Datadog resolves the ticket and every other
// tool linked to it (PagerDuty here), and resolving the ticket in Lockstep resolves the incident
// through the Incidents API, its notification coming back as an echo. Calls are counted.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatadogIncidentsSimulator, type DatadogIncidentsSimulator } from '#simulators/datadog/incidents.ts';
import { createPagerDutySimulator, type PagerDutySimulator } from '#simulators/pagerduty/simulator.ts';
import { eventually } from '#test/support/eventually.ts';
import { useLockstep } from '#test/support/lockstep.ts';

const suite = useLockstep({ LOCKSTEP_PUSH_BACKOFF_MS: '100' });
let dd: DatadogIncidentsSimulator;
let pd: PagerDutySimulator;
let ddProject: { id: string; webhookUrl: string; webhookSecret: string };
let pdProject: { id: string; webhookUrl: string; webhookSecret: string };

const gql = {
  connect: `mutation($input: ConnectExternalProjectInput!) {
    connectExternalProject(input: $input) { project { id webhookUrl webhookSecret } } }`,
  update: 'mutation($input: UpdateTicketInput!) { updateTicket(input: $input) { ticket { id } } }',
  link: 'mutation($input: LinkTicketInput!) { linkTicket(input: $input) { pushJob { id } } }',
  ticket: `query($id: ID!) { ticket(id: $id) { id status mappings { externalId project { id } }
    history(last: 20) { field to origin } } }`,
  groups: `query($t: String) { tickets(first: 5, filter: { kind: [ALERT_GROUP], text: $t }) { edges { node { id } } } }`,
};

interface TicketView {
  id: string;
  status: string;
  mappings: Array<{ externalId: string; project: { id: string } }>;
  history: Array<{ field: string; to: unknown; origin: string }>;
}

const admin = () => suite.lockstep.admin;
const read = async (id: string) => (await admin().run<{ ticket: TicketView }>(gql.ticket, { id })).ticket;
const connect = async (input: Record<string, unknown>) =>
  (await admin().run<{ connectExternalProject: { project: typeof ddProject } }>(gql.connect, { input })).connectExternalProject.project;
const quiet = async () => {
  for (let round = 0; round < 2; round += 1) {
    await Promise.all([dd.settled(), pd.settled()]);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
};

/** Declares an incident in Datadog and waits for its ticket, linked to it. */
async function declared(title: string): Promise<{ ticketId: string; incidentId: string }> {
  const incident = dd.declare(title);
  const found = await eventually(
    async () => (await admin().run<{ tickets: { edges: Array<{ node: { id: string } }> } }>(gql.groups, { t: title })).tickets.edges,
    (edges) => edges.length === 1,
  );
  const ticketId = found[0]?.node.id ?? '';
  await eventually(() => read(ticketId), (t) => t.mappings.some((m) => m.externalId === incident.id));
  return { ticketId, incidentId: incident.id };
}

beforeAll(async () => {
  dd = createDatadogIncidentsSimulator();
  pd = createPagerDutySimulator();
  await Promise.all([dd.start(), pd.start()]);
  ddProject = await connect({
    name: 'Datadog',
    kind: 'DATADOG',
    direction: 'BIDIRECTIONAL',
    config: { baseUrl: dd.baseUrl },
    credentials: { apiKey: dd.apiKey, appKey: dd.appKey },
  });
  dd.notify(`${ddProject.webhookUrl}?secret=${encodeURIComponent(ddProject.webhookSecret)}`);
  pdProject = await connect({
    name: 'PagerDuty',
    kind: 'PAGERDUTY',
    direction: 'BIDIRECTIONAL',
    config: { baseUrl: pd.baseUrl, serviceId: 'PSVC001', fromEmail: 'lockstep@example.com' },
    credentials: { apiToken: pd.apiToken },
  });
  pd.subscribe(pdProject.webhookUrl, pdProject.webhookSecret);
});

afterAll(async () => {
  await Promise.all([dd?.stop(), pd?.stop()]);
});

describe('Datadog incidents', () => {
  it('resolved in Datadog is resolved everywhere, with nothing written back to Datadog', async () => {
    const { ticketId, incidentId } = await declared('Checkout latency SEV-2');
    await admin().run(gql.link, { input: { ticketId, projectId: pdProject.id } });
    const linked = await eventually(() => read(ticketId), (t) => t.mappings.length === 2);
    const pdIncident = linked.mappings.find((m) => m.project.id === pdProject.id)?.externalId ?? '';
    await quiet();
    dd.resetCalls();
    pd.resetCalls();
    dd.personSetState(incidentId, 'resolved');
    await eventually(() => read(ticketId), (t) => t.status === 'RESOLVED');
    await eventually(async () => pd.incidents.get(pdIncident)?.status, (status) => status === 'resolved');
    await quiet();
    expect(pd.calls.get('PUT /incidents/{id}')).toBe(1);
    expect(dd.calls.get('PATCH /api/v2/incidents/{id}') ?? 0).toBe(0);
    const history = (await read(ticketId)).history.filter((change) => change.field === 'status');
    expect(history.map((change) => [change.to, change.origin])).toEqual([['resolved', ddProject.id]]);
  });

  it('resolving the ticket in Lockstep resolves the incident once, and its notification is an echo', async () => {
    const { ticketId, incidentId } = await declared('Orders queue SEV-3');
    await quiet();
    dd.resetCalls();
    await admin().run(gql.update, { input: { id: ticketId, status: 'RESOLVED' } });
    await eventually(async () => dd.incidents.get(incidentId)?.state, (state) => state === 'resolved');
    await quiet();
    expect(dd.calls.get('PATCH /api/v2/incidents/{id}')).toBe(1);
    expect(dd.deliveryStatuses.at(-1)).toBe(202);
    const ticket = await read(ticketId);
    expect(ticket.status).toBe('RESOLVED');
    expect(ticket.history.filter((change) => change.field === 'status')).toEqual([]);
  });
});
