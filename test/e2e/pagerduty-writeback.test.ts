// PagerDuty both ways against the PagerDuty REST simulator: a linked ticket's status reaches its
// incident, a ticket linked without one opens exactly one (even when the answer to the create is
// lost), PagerDuty's own v3 webhooks move the ticket, and our changes coming back are echoes
// (no new change, no further call). Calls are counted on the simulator.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPagerDutySimulator, type PagerDutySimulator } from '#simulators/pagerduty/simulator.ts';
import { eventually } from '#test/support/eventually.ts';
import { useLockstep } from '#test/support/lockstep.ts';

const suite = useLockstep({ LOCKSTEP_PUSH_BACKOFF_MS: '100' });
let pd: PagerDutySimulator;
let project: { id: string; webhookUrl: string; webhookSecret: string };

const gql = {
  connect: `mutation($input: ConnectExternalProjectInput!) {
    connectExternalProject(input: $input) { project { id webhookUrl webhookSecret } } }`,
  create: 'mutation($input: CreateTicketInput!) { createTicket(input: $input) { ticket { id } } }',
  update: 'mutation($input: UpdateTicketInput!) { updateTicket(input: $input) { ticket { id } } }',
  link: 'mutation($input: LinkTicketInput!) { linkTicket(input: $input) { pushJob { id } } }',
  ticket: `query($id: ID!) { ticket(id: $id) { id status kind mappings { externalId project { id } }
    history(last: 50) { field to origin } } }`,
  groups: `query($t: String) { tickets(first: 20, filter: { kind: [ALERT_GROUP], text: $t }) {
    edges { node { id status mappings { externalId } } } } }`,
};

interface TicketView {
  id: string;
  status: string;
  kind: string;
  mappings: Array<{ externalId: string; project: { id: string } }>;
  history: Array<{ field: string; to: unknown; origin: string }>;
}

const admin = () => suite.lockstep.admin;
const read = async (id: string) => (await admin().run<{ ticket: TicketView }>(gql.ticket, { id })).ticket;
const create = async (title: string) =>
  (await admin().run<{ createTicket: { ticket: { id: string } } }>(gql.create, { input: { title } })).createTicket.ticket.id;
const setStatus = (id: string, status: string) => admin().run(gql.update, { input: { id, status } });
const calls = (route: string) => pd.calls.get(route) ?? 0;
const statusChanges = (ticket: TicketView) => ticket.history.filter((change) => change.field === 'status');
const quiet = async (ms = 600) => {
  await pd.settled();
  await new Promise((resolve) => setTimeout(resolve, ms));
  await pd.settled();
};

async function linkedIncident(title: string): Promise<{ id: string; incidentId: string }> {
  const id = await create(title);
  await admin().run(gql.link, { input: { ticketId: id, projectId: project.id } });
  const ticket = await eventually(() => read(id), (t) => t.mappings.length === 1);
  await quiet();
  return { id, incidentId: ticket.mappings[0]?.externalId ?? '' };
}

beforeAll(async () => {
  pd = createPagerDutySimulator();
  await pd.start();
  const connected = await admin().run<{ connectExternalProject: { project: typeof project } }>(gql.connect, {
    input: {
      name: 'PagerDuty',
      kind: 'PAGERDUTY',
      direction: 'BIDIRECTIONAL',
      config: { baseUrl: pd.baseUrl, serviceId: 'PSVC001', fromEmail: 'lockstep@example.com' },
      credentials: { apiToken: pd.apiToken },
    },
  });
  project = connected.connectExternalProject.project;
  pd.subscribe(project.webhookUrl, project.webhookSecret);
});

afterAll(async () => {
  await pd?.stop();
});

describe('PagerDuty write-back', () => {
  it('a ticket linked without an incident opens exactly one, keyed by the ticket id; its webhook is an echo', async () => {
    pd.resetCalls();
    const { id, incidentId } = await linkedIncident('Checkout is slow');
    const incident = pd.incidents.get(incidentId);
    expect(incident).toMatchObject({ title: 'Checkout is slow', incidentKey: id, status: 'triggered', serviceId: 'PSVC001' });
    expect(calls('POST /incidents')).toBe(1);
    expect(pd.writers).toContain('lockstep@example.com');
    // PagerDuty's incident.triggered came back and was accepted, yet changed nothing.
    expect(pd.deliveryStatuses.at(-1)).toBe(202);
    const ticket = await read(id);
    expect(ticket.status).toBe('OPEN');
    // History lists changes applied from other sides: none came from PagerDuty.
    expect(statusChanges(ticket)).toEqual([]);
  });

  it('acknowledging and resolving in Lockstep updates the incident once each, and the echoes change nothing', async () => {
    const { id, incidentId } = await linkedIncident('Orders backlog');
    pd.resetCalls();
    const before = statusChanges(await read(id)).length;
    await setStatus(id, 'ACKNOWLEDGED');
    await eventually(async () => pd.incidents.get(incidentId)?.status, (status) => status === 'acknowledged');
    await quiet();
    await setStatus(id, 'RESOLVED');
    await eventually(async () => pd.incidents.get(incidentId)?.status, (status) => status === 'resolved');
    await quiet();
    expect(calls('PUT /incidents/{id}')).toBe(2);
    const ticket = await read(id);
    expect(ticket.status).toBe('RESOLVED');
    // PagerDuty's two webhooks about our changes were applied as echoes: no change from that side.
    expect(statusChanges(ticket).length - before).toBe(0);
    expect(pd.deliveryStatuses.slice(-2)).toEqual([202, 202]);
  });

  it('an acknowledged ticket opens its incident acknowledged, and the older "triggered" webhook takes nothing back', async () => {
    const id = await create('Login errors');
    await setStatus(id, 'ACKNOWLEDGED');
    pd.resetCalls();
    await admin().run(gql.link, { input: { ticketId: id, projectId: project.id } });
    const linked = await eventually(() => read(id), (t) => t.mappings.length === 1);
    await quiet();
    const incidentId = linked.mappings[0]?.externalId ?? '';
    expect(pd.incidents.get(incidentId)?.status).toBe('acknowledged');
    expect(calls('POST /incidents')).toBe(1);
    expect(calls('PUT /incidents/{id}')).toBe(1);
    const ticket = await read(id);
    expect(ticket.status).toBe('ACKNOWLEDGED');
    expect(statusChanges(ticket)).toEqual([]);
  });

  it('a retried create after a lost answer finds the first incident instead of opening a twin', async () => {
    pd.loseNextAnswers(1);
    const id = await create('Payments timing out');
    pd.resetCalls();
    await admin().run(gql.link, { input: { ticketId: id, projectId: project.id } });
    const ticket = await eventually(() => read(id), (t) => t.mappings.length === 1);
    await quiet();
    const withKey = [...pd.incidents.values()].filter((incident) => incident.incidentKey === id);
    expect(withKey).toHaveLength(1);
    expect(ticket.mappings[0]?.externalId).toBe(withKey[0]?.id);
    expect(calls('POST /incidents')).toBe(1);
    expect(calls('GET /incidents')).toBeGreaterThanOrEqual(1);
  });

  it("PagerDuty's own acknowledge and resolve move the linked ticket, and nothing is written back", async () => {
    const { id, incidentId } = await linkedIncident('Search index stale');
    pd.resetCalls();
    pd.personSetStatus(incidentId, 'acknowledged');
    await eventually(() => read(id), (t) => t.status === 'ACKNOWLEDGED');
    pd.personSetStatus(incidentId, 'resolved');
    await eventually(() => read(id), (t) => t.status === 'RESOLVED');
    await quiet();
    expect(calls('PUT /incidents/{id}')).toBe(0);
    expect(calls('POST /incidents')).toBe(0);
    expect(statusChanges(await read(id)).map((change) => change.to)).toEqual(['resolved', 'acknowledged']); // newest first
  });

  it("accepts deliveries signed with the secret PagerDuty generated for the subscription", async () => {
    const other = createPagerDutySimulator();
    await other.start();
    try {
      const connected = await admin().run<{ connectExternalProject: { project: typeof project } }>(gql.connect, {
        input: {
          name: 'PagerDuty (own secret)',
          kind: 'PAGERDUTY',
          direction: 'PULL',
          config: {},
          credentials: { webhookSecret: 'secret-pagerduty-made' },
        },
      });
      other.subscribe(connected.connectExternalProject.project.webhookUrl, 'secret-pagerduty-made');
      other.personTrigger('Signed with PagerDuty’s own secret');
      await other.settled();
      expect(other.deliveryStatuses).toEqual([202]);
    } finally {
      await other.stop();
    }
  });

  it('an incident opened in PagerDuty is an alert group that Lockstep then writes back to', async () => {
    const incident = pd.personTrigger('Disk full on db-3');
    const group = await eventually(
      async () => (await admin().run<{ tickets: { edges: Array<{ node: { id: string; status: string; mappings: Array<{ externalId: string }> } }> } }>(gql.groups, { t: 'Disk full on db-3' })).tickets.edges,
      (edges) => edges.length === 1 && edges[0]?.node.mappings.length === 1,
    );
    const ticketId = group[0]?.node.id ?? '';
    expect(group[0]?.node.mappings[0]?.externalId).toBe(incident.id);
    pd.resetCalls();
    await setStatus(ticketId, 'ACKNOWLEDGED');
    await eventually(async () => pd.incidents.get(incident.id)?.status, (status) => status === 'acknowledged');
    await quiet();
    expect(calls('PUT /incidents/{id}')).toBe(1);
    expect((await read(ticketId)).status).toBe('ACKNOWLEDGED');
  });
});
