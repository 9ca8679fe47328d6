// Jira custom fields end to end: Lockstep against the Jira simulator with a select (Team) and a
// number (Story points) configured by field id, driven through GraphQL and the simulator's person.
// Options go out by id, come in by id or value, and a value either side cannot map shows as a
// SyncError on the mapping while the other fields still sync.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJiraSimulator, sampleCustomFields, type JiraSimulator } from '#simulators/jira/simulator.ts';
import { eventually } from '#test/support/eventually.ts';
import { useLockstep } from '#test/support/lockstep.ts';

const suite = useLockstep({ LOCKSTEP_PUSH_BACKOFF_MS: '100' });
let jira: JiraSimulator;
let project: { id: string; webhookUrl: string; webhookSecret: string; mappedFields: string[]; fieldStrategies: Array<{ field: string; strategy: string }> };

const CONNECT = `mutation($input: ConnectExternalProjectInput!) {
  connectExternalProject(input: $input) { project { id status webhookUrl webhookSecret mappedFields fieldStrategies { field strategy } } } }`;
const TICKET = `query($id: ID!) { ticket(id: $id) { id title customFields mappings { externalId errors { field direction message value } } } }`;
interface SyncErrorView {
  field: string | null;
  direction: string;
  message: string;
  value: unknown;
}
interface TicketView {
  id: string;
  title: string;
  customFields: Record<string, unknown>;
  mappings: Array<{ externalId: string; errors: SyncErrorView[] }>;
}

const customFields = {
  team: { fieldId: 'customfield_10050', options: { payments: '10100', platform: { value: 'Platform' } } },
  points: 'customfield_10016',
};
const admin = () => suite.lockstep.admin;
const read = async (id: string) => (await admin().run<{ ticket: TicketView }>(TICKET, { id })).ticket;
const connectInput = (config: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  input: {
    name: 'Jira OPS (custom fields)',
    kind: 'JIRA',
    direction: 'BIDIRECTIONAL',
    config: { baseUrl: jira.baseUrl, projectKey: 'OPS', ...config },
    credentials: { email: 'bot@example.com', apiToken: 'api-token' },
    defaultStrategy: 'MANUAL',
    ...extra,
  },
});
const settle = (ms = 800) => new Promise((resolve) => setTimeout(resolve, ms));
const edits = () => [...jira.calls.entries()].filter(([endpoint]) => endpoint.startsWith('PUT')).reduce((n, [, count]) => n + count, 0);

async function linkedTicket(title: string, custom: Record<string, unknown>): Promise<{ id: string; key: string }> {
  const created = await admin().run<{ createTicket: { ticket: { id: string } } }>(`mutation($input: CreateTicketInput!) { createTicket(input: $input) { ticket { id } } }`, {
    input: { title, customFields: custom },
  });
  const id = created.createTicket.ticket.id;
  await admin().run(`mutation($input: LinkTicketInput!) { linkTicket(input: $input) { pushJob { id } } }`, { input: { ticketId: id, projectId: project.id } });
  const ticket = await eventually(() => read(id), (t) => t.mappings.length === 1);
  const key = ticket.mappings[0]?.externalId ?? '';
  await jira.webhooks.settled();
  await settle();
  return { id, key };
}

beforeAll(async () => {
  jira = createJiraSimulator({
    projectKey: 'OPS',
    customFields: [sampleCustomFields.team, sampleCustomFields.storyPoints],
  });
  await jira.start();
  const connected = await admin().run<{ connectExternalProject: { project: typeof project } }>(
    CONNECT,
    connectInput({ customFields }, { fieldStrategies: [{ field: 'customFields.points', strategy: 'EXTERNAL_WINS' }] }),
  );
  project = connected.connectExternalProject.project;
  jira.webhooks.configure({ url: project.webhookUrl, secret: project.webhookSecret });
});

afterAll(async () => {
  await jira?.stop();
});

describe('Jira custom fields', () => {
  it('mirrors the configured custom fields by default and takes strategies for them', () => {
    expect(project.mappedFields).toEqual(['title', 'description', 'status', 'priority', 'assignee', 'labels', 'customFields.team', 'customFields.points']);
    expect(project.fieldStrategies).toEqual([{ field: 'customFields.points', strategy: 'EXTERNAL_WINS' }]);
  });

  it('refuses to connect with a field id Jira does not have, naming it', async () => {
    const refused = await admin().request(CONNECT, connectInput({ customFields: { ...customFields, ghost: 'customfield_99999' } }));
    expect(refused.errors?.[0]?.message).toMatch(/connection test failed/);
    expect(refused.errors?.[0]?.message).toMatch(/config\.customFields\.ghost\.fieldId: Jira has no field customfield_99999/);
  });

  it('refuses unknown field names in mappedFields and fieldStrategies, and custom fields the config does not map', async () => {
    const unknown = await admin().request(CONNECT, connectInput({ customFields }, { mappedFields: ['title', 'team'] }));
    expect(unknown.errors?.[0]?.message).toBe('mappedFields: unknown field "team" (use title, description, status, priority, assignee, labels or customFields.<name>)');
    const strategy = await admin().request(CONNECT, connectInput({ customFields }, { fieldStrategies: [{ field: 'points', strategy: 'LOCAL_WINS' }] }));
    expect(strategy.errors?.[0]?.message).toMatch(/fieldStrategies: unknown field "points"/);
    const unmapped = await admin().request(CONNECT, connectInput({ customFields }, { mappedFields: ['title', 'customFields.squad'] }));
    expect(unmapped.errors?.[0]?.message).toMatch(/mappedFields: customFields\.squad is not mapped by config\.customFields/);
  });

  it('follows config updates: a custom field added to the config is mirrored, one removed is not', async () => {
    const UPDATE = `mutation($input: UpdateExternalProjectInput!) { updateExternalProject(input: $input) { project { mappedFields } } }`;
    const plain = await admin().run<{ connectExternalProject: { project: { id: string; mappedFields: string[] } } }>(CONNECT, connectInput({}, { direction: 'PUSH', mappedFields: ['title', 'status'] }));
    const second = plain.connectExternalProject.project;
    expect(second.mappedFields).toEqual(['title', 'status']);
    const base = { baseUrl: jira.baseUrl, projectKey: 'OPS' };
    const added = await admin().run<{ updateExternalProject: { project: { mappedFields: string[] } } }>(UPDATE, { input: { id: second.id, config: { ...base, customFields } } });
    expect(added.updateExternalProject.project.mappedFields).toEqual(['title', 'status', 'customFields.team', 'customFields.points']);
    const removed = await admin().run<{ updateExternalProject: { project: { mappedFields: string[] } } }>(UPDATE, { input: { id: second.id, config: { ...base, customFields: { team: customFields.team } } } });
    expect(removed.updateExternalProject.project.mappedFields).toEqual(['title', 'status', 'customFields.team']);
  });

  it('creates the issue holding the option by id, and the number', async () => {
    const { key } = await linkedTicket('Refunds are stuck', { team: 'payments', points: 5 });
    // The map names Payments by id only, and the simulator matches values exactly: only {id} gets through.
    expect(jira.issue(key)?.custom).toMatchObject({ customfield_10050: '10100', customfield_10016: 5 });
  });

  it('leaves custom fields empty on both sides for a ticket that has none, and sets them when a person does', async () => {
    const { id, key } = await linkedTicket('No custom values', {});
    expect(jira.issue(key)?.custom).toEqual({});
    jira.personEdit(key, { summary: 'No custom values yet', customFields: { customfield_10016: 2 } });
    const ticket = await eventually(() => read(id), (t) => t.title === 'No custom values yet');
    expect(ticket.customFields).toEqual({ points: 2 });
    expect(ticket.mappings[0]?.errors).toEqual([]);
  });

  it('applies a person choosing another option in Jira (by value) to the ticket, without writing it back', async () => {
    const { id, key } = await linkedTicket('Deploys are slow', { team: 'payments', points: 3 });
    jira.resetCalls();
    jira.personEdit(key, { customFields: { customfield_10050: { value: 'Platform' } } });
    const ticket = await eventually(() => read(id), (t) => t.customFields['team'] === 'platform');
    expect(ticket.customFields).toEqual({ team: 'platform', points: 3 });
    await settle();
    expect(edits()).toBe(0);
    expect(ticket.mappings[0]?.errors).toEqual([]);
  });

  it('shows an option the map cannot read as a sync error on the mapping while the other fields still sync', async () => {
    const { id, key } = await linkedTicket('Newsletter signup broken', { team: 'payments', points: 2 });
    jira.personEdit(key, { summary: 'Newsletter signup broken (EU)', customFields: { customfield_10050: { value: 'Marketing' }, customfield_10016: 8 } });
    const ticket = await eventually(() => read(id), (t) => t.title === 'Newsletter signup broken (EU)' && (t.mappings[0]?.errors.length ?? 0) > 0);
    expect(ticket.customFields).toEqual({ team: 'payments', points: 8 });
    expect(ticket.mappings[0]?.errors[0]).toMatchObject({ field: 'customFields.team', direction: 'inbound', value: { value: 'Marketing', id: '10102' } });
    expect(ticket.mappings[0]?.errors[0]?.message).toMatch(/Jira option "Marketing" \(id 10102\) of customfield_10050 matches no entry of config\.customFields\.team\.options/);
    const listed = await admin().run<{ syncErrors: { edges: Array<{ node: SyncErrorView }> } }>(`query($t: ID) { syncErrors(ticketId: $t) { edges { node { field direction message value } } } }`, { t: id });
    expect(listed.syncErrors.edges.map(({ node: e }) => e.field)).toContain('customFields.team');
  });

  it('shows a hub value with no Jira option as an error on the mapping, and changes nothing in Jira', async () => {
    const { id, key } = await linkedTicket('Checkout copy', { team: 'payments', points: 1 });
    await admin().run(`mutation($input: UpdateTicketInput!) { updateTicket(input: $input) { ticket { id } } }`, { input: { id, customFields: { team: 'marketing' } } });
    const ticket = await eventually(() => read(id), (t) => (t.mappings[0]?.errors.length ?? 0) > 0, 20_000);
    expect(ticket.mappings[0]?.errors[0]).toMatchObject({ field: 'customFields.team', direction: 'outbound' });
    expect(ticket.mappings[0]?.errors[0]?.message).toMatch(/customFields\.team "marketing" cannot be mapped to Jira customfield_10050: no option for this value/);
    // Kept on the hub, not dropped; Jira still holds the last value it could take.
    expect(ticket.customFields['team']).toBe('marketing');
    expect(jira.issue(key)?.custom['customfield_10050']).toBe('10100');
  });
});
