// Polling: a project in POLLING mode is asked for changes every pollIntervalSeconds by the
// scheduler (no webhooks at all), and what changed there reaches the hub.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJiraSimulator, type JiraSimulator } from '#simulators/jira/simulator.ts';
import { eventually } from '#test/support/eventually.ts';
import { useLockstep } from '#test/support/lockstep.ts';

const suite = useLockstep();
let jira: JiraSimulator;

beforeAll(async () => {
  jira = createJiraSimulator({ projectKey: 'POLL' });
  await jira.start();
});

afterAll(async () => {
  await jira?.stop();
});

describe('polling', () => {
  it('imports and follows a project that sends no webhooks', async () => {
    const [seeded] = jira.seed(1, () => ({ summary: 'Found by polling' }));
    await suite.lockstep.admin.run(
      `mutation($input: ConnectExternalProjectInput!) { connectExternalProject(input: $input) { project { id syncMode } } }`,
      {
        input: {
          name: 'Polled Jira',
          kind: 'JIRA',
          direction: 'PULL',
          config: { baseUrl: jira.baseUrl, projectKey: 'POLL' },
          credentials: { token: 'bearer-token' },
          syncMode: 'POLLING',
          pollIntervalSeconds: 5,
        },
      },
    );
    type Found = { tickets: { edges: Array<{ node: { id: string; title: string } }> } };
    const find = (text: string) => suite.lockstep.admin.run<Found>(`query($t: String) { tickets(first: 5, filter: { text: $t }) { edges { node { id title } } } }`, { t: text });
    const imported = await eventually(() => find('by polling'), (r) => r.tickets.edges.length === 1, 20_000, 250);
    const id = imported.tickets.edges[0]?.node.id;
    jira.personEdit(seeded?.key ?? '', { summary: 'Found by polling, then renamed' });
    const renamed = await eventually(() => find('then renamed'), (r) => r.tickets.edges.length === 1, 20_000, 250);
    expect(renamed.tickets.edges[0]?.node.id).toBe(id);
    const sessions = await suite.lockstep.admin.run<{ externalProjects: { edges: Array<{ node: { id: string } }> } }>(`{ externalProjects(first: 1) { edges { node { id } } } }`);
    const listed = await suite.lockstep.admin.run<{ syncSessions: { edges: Array<{ node: { kind: string; trigger: string; status: string } }> } }>(
      `query($p: ID!) { syncSessions(projectId: $p) { edges { node { kind trigger status } } } }`,
      { p: sessions.externalProjects.edges[0]?.node.id },
    );
    expect(listed.syncSessions.edges.length).toBeGreaterThanOrEqual(2);
    expect(listed.syncSessions.edges.every(({ node: s }) => s.kind === 'INCREMENTAL' && s.trigger === 'scheduler')).toBe(true);
  });
});
