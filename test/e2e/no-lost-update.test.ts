// No lost update on a side without conditional writes: a person's Jira edit made while Jira's
// webhooks are held back is read before our push and decided by the field's strategy, instead of
// being overwritten and its late webhook dropped as stale.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJiraSimulator, type JiraSimulator } from '#adapters/jira/simulator.ts';
import { eventually } from '#test/support/eventually.ts';
import { connectJira, type ConnectedJira } from '#test/support/jira.ts';
import { useLockstep } from '#test/support/lockstep.ts';

const suite = useLockstep({ LOCKSTEP_PUSH_BACKOFF_MS: '100' });
let jira: JiraSimulator;
let project: ConnectedJira;

const TICKET = `query($id: ID!) { ticket(id: $id) {
  title priority mappings { externalId }
  openConflicts { id field candidates { value origin } }
  history(last: 50) { field from to origin } } }`;
interface TicketView {
  title: string;
  priority: string;
  mappings: Array<{ externalId: string }>;
  openConflicts: Array<{ id: string; field: string; candidates: Array<{ value: unknown; origin: string }> }>;
  history: Array<{ field: string; from: unknown; to: unknown; origin: string }>;
}

const admin = () => suite.lockstep.admin;
const read = async (id: string) => (await admin().run<{ ticket: TicketView }>(TICKET, { id })).ticket;
const update = (id: string, fields: Record<string, unknown>) =>
  admin().run(`mutation($input: UpdateTicketInput!) { updateTicket(input: $input) { ticket { id } } }`, { input: { id, ...fields } });
const holdWebhooks = (hold: boolean) => jira.webhooks.configure({ url: project.webhookUrl, secret: project.webhookSecret, reorder: hold });

async function linkedIssue(title: string): Promise<{ id: string; key: string }> {
  const created = await admin().run<{ createTicket: { ticket: { id: string } } }>(
    `mutation($input: CreateTicketInput!) { createTicket(input: $input) { ticket { id } } }`,
    { input: { title, priority: 'P3' } },
  );
  const id = created.createTicket.ticket.id;
  await admin().run(`mutation($input: LinkTicketInput!) { linkTicket(input: $input) { pushJob { id } } }`, { input: { ticketId: id, projectId: project.id } });
  const ticket = await eventually(() => read(id), (t) => t.mappings.length === 1);
  await jira.webhooks.settled();
  return { id, key: ticket.mappings[0]?.externalId ?? '' };
}

beforeAll(async () => {
  jira = createJiraSimulator({ projectKey: 'OPS' });
  await jira.start();
  project = await connectJira(admin(), jira, { defaultStrategy: 'MANUAL', fieldStrategies: [{ field: 'priority', strategy: 'NEWEST_WINS' }] });
});

afterAll(async () => {
  await jira?.stop();
});

describe('a person edits in Jira while its webhooks are late, and the hub edits the same field', () => {
  it('under MANUAL queues a conflict holding both values and leaves Jira as the person left it', async () => {
    const { id, key } = await linkedIssue('Checkout is slow');
    holdWebhooks(true);
    try {
      jira.personEdit(key, { summary: 'Checkout is slow (Jira)' });
      await update(id, { title: 'Checkout is slow (hub)' });
      const held = await eventually(() => read(id), (t) => t.openConflicts.length === 1);
      expect(held.openConflicts[0]?.field).toBe('title');
      expect(held.openConflicts[0]?.candidates.map((c) => c.value).sort()).toEqual(['Checkout is slow (Jira)', 'Checkout is slow (hub)']);
      expect(jira.issue(key)?.summary).toBe('Checkout is slow (Jira)');
      await jira.webhooks.release();
      await jira.webhooks.settled();
    } finally {
      holdWebhooks(false);
    }
    // The late webhook changes nothing: the conflict still holds both values, Jira keeps its own.
    const after = await read(id);
    expect(after.openConflicts).toHaveLength(1);
    expect(jira.issue(key)?.summary).toBe('Checkout is slow (Jira)');
    // The reviewer's choice then goes to Jira.
    await admin().run(`mutation($input: ResolveConflictInput!) { resolveConflict(input: $input) { conflict { id } } }`, {
      input: { conflictId: after.openConflicts[0]?.id, value: 'Checkout is slow (hub)' },
    });
    await eventually(async () => jira.issue(key)?.summary, (summary) => summary === 'Checkout is slow (hub)');
  });

  it('under NEWEST_WINS lets the newer write win everywhere and keeps the other in history', async () => {
    const { id, key } = await linkedIssue('Search is flaky');
    holdWebhooks(true);
    try {
      jira.personEdit(key, { priority: 'Low' });
      await new Promise((resolve) => setTimeout(resolve, 20));
      await update(id, { priority: 'P1' });
      await eventually(async () => jira.issue(key)?.priority, (priority) => priority === 'Highest');
      await jira.webhooks.release();
      await jira.webhooks.settled();
    } finally {
      holdWebhooks(false);
    }
    const ticket = await eventually(() => read(id), (t) => t.history.some((h) => h.field === 'priority' && h.to === 'p4'));
    expect(ticket.priority).toBe('P1');
    expect(ticket.openConflicts).toHaveLength(0);
    expect(jira.issue(key)?.priority).toBe('Highest');
  });
});
