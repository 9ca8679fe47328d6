// Sync sessions apply each fetched page in one transaction. An item the domain refuses does not
// cost the rest of its page: they are imported (or, in a dry run, planned), and the refusal is the
// session's error. Driven through GraphQL `startSync` against the Jira simulator, whose search
// answers pages of 100 issues.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJiraSimulator, type JiraSimulator } from '#simulators/jira/simulator.ts';
import { eventually } from '#test/support/eventually.ts';
import { useLockstep } from '#test/support/lockstep.ts';

/** Two search pages; the refused issue shares its page with dozens of good ones either way. */
const ISSUES = 150;
/** The issue whose summary is longer than a hub title may be (500 characters). */
const REFUSED = 120;

const START = `mutation($p: ID!, $dry: Boolean) { startSync(input: { projectId: $p, kind: INITIAL, dryRun: $dry }) { session { id } } }`;
const SESSION = `query($id: ID!) { syncSession(id: $id) { status created updated unchanged processed errors errorMessages } }`;
const TICKETS = `query($text: String!, $after: String) {
  tickets(first: 100, after: $after, filter: { text: $text }) { edges { node { title mappings { externalId } } } pageInfo { hasNextPage endCursor } }
}`;

interface SessionView {
  status: string;
  created: number;
  updated: number;
  unchanged: number;
  processed: number;
  errors: number;
  errorMessages: string[];
}
interface TicketPage {
  tickets: { edges: Array<{ node: { title: string; mappings: Array<{ externalId: string }> } }>; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
}

const suite = useLockstep();
let jira: JiraSimulator;
let projectId: string;

beforeAll(async () => {
  jira = createJiraSimulator({ projectKey: 'PAGE' });
  await jira.start();
  const connected = await suite.lockstep.admin.run<{ connectExternalProject: { project: { id: string } } }>(
    `mutation($input: ConnectExternalProjectInput!) { connectExternalProject(input: $input) { project { id } } }`,
    { input: { name: 'Paged Jira', kind: 'JIRA', direction: 'PULL', config: { baseUrl: jira.baseUrl, projectKey: 'PAGE' }, credentials: { token: 'bearer-token' } } },
  );
  projectId = connected.connectExternalProject.project.id;
});

afterAll(async () => {
  await jira?.stop();
});

const admin = () => suite.lockstep.admin;
const sync = async (dryRun = false): Promise<SessionView> => {
  const started = await admin().run<{ startSync: { session: { id: string } } }>(START, { p: projectId, dry: dryRun });
  const done = await eventually(
    () => admin().run<{ syncSession: SessionView }>(SESSION, { id: started.startSync.session.id }),
    (r) => r.syncSession.status !== 'RUNNING',
    30_000,
  );
  return done.syncSession;
};

/** Every ticket whose text holds `text`, with the external id it is linked to. */
async function ticketsWith(text: string): Promise<Array<{ title: string; externalId: string | undefined }>> {
  const found: Array<{ title: string; externalId: string | undefined }> = [];
  for (let after: string | null = null; ; ) {
    const page: TicketPage = await admin().run<TicketPage>(TICKETS, { text, after });
    found.push(...page.tickets.edges.map(({ node }) => ({ title: node.title, externalId: node.mappings[0]?.externalId })));
    if (!page.tickets.pageInfo.hasNextPage) return found;
    after = page.tickets.pageInfo.endCursor;
  }
}

describe('sync session pages', () => {
  it('imports the rest of a page holding an item the domain refuses, and records the refusal', async () => {
    const seeded = jira.seed(ISSUES, (index) => ({ summary: index === REFUSED ? `Paged but far too long ${'x'.repeat(600)}` : `Paged issue ${index + 1}` }));
    const refusedKey = seeded[REFUSED]?.key ?? '';
    const refusal = `${refusedKey}: title: must be at most 500 characters`;

    // A dry run plans the same and imports nothing.
    const planned = await sync(true);
    expect(planned).toMatchObject({ status: 'COMPLETED', created: ISSUES - 1, processed: ISSUES - 1, errors: 1, errorMessages: [refusal] });
    expect(await ticketsWith('Paged')).toHaveLength(0);

    const first = await sync();
    expect(first).toMatchObject({ status: 'COMPLETED', created: ISSUES - 1, processed: ISSUES - 1, errors: 1 });
    expect(first.errorMessages).toEqual([refusal]);
    const imported = await ticketsWith('Paged');
    expect(imported).toHaveLength(ISSUES - 1);
    expect(new Set(imported.map((ticket) => ticket.externalId))).toEqual(new Set(seeded.filter((_, index) => index !== REFUSED).map((issue) => issue.key)));

    // A second import finds every good item linked and unchanged, and refuses the same one again.
    const second = await sync();
    expect(second).toMatchObject({ status: 'COMPLETED', created: 0, updated: 0, unchanged: ISSUES - 1, errors: 1 });
    expect(second.errorMessages).toEqual([refusal]);
    expect(await ticketsWith('Paged')).toHaveLength(ISSUES - 1);
  });
});
