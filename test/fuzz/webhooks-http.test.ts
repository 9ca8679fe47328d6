// Webhook fuzzing over HTTP against one running Lockstep: each source's project gets mutated real
// payloads and arbitrary bodies, signed with its secret (or, now and then, with a wrong one). Every
// answer is 202 or a clear 4xx (401 for a wrong signature, 400 naming the problem), never a 5xx,
// and a refused delivery leaves the inbox as it was.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IntegrationKind } from '#domain/project/kinds.ts';
import { createJiraSimulator } from '#simulators/jira/simulator.ts';
import { query } from '#test/support/databases.ts';
import { connectJira } from '#test/support/jira.ts';
import { useLockstep } from '#test/support/lockstep.ts';
import { mutatedBodies } from './mutations.ts';
import { webhookSources } from './webhook-sources.ts';

const suite = useLockstep();
const jira = createJiraSimulator();
const runs = Number(process.env['FUZZ_HTTP_RUNS'] ?? 30);

interface Target {
  readonly id: string;
  readonly webhookUrl: string;
  readonly webhookSecret: string;
}
const PROJECT = `query($id: ID!) { externalProject(id: $id) { id webhookUrl webhookSecret } }`;

/** Connects one project per source kind, the way an admin would. */
const connectors: Record<string, () => Promise<Target>> = {
  jira: async () => connectJira(suite.lockstep.admin, jira),
  generic_webhook: async () => {
    const data = await suite.lockstep.admin.run<{ connectExternalProject: { project: Target } }>(
      `mutation($input: ConnectExternalProjectInput!) {
        connectExternalProject(input: $input) { project { id webhookUrl webhookSecret } }
      }`,
      {
        input: {
          name: 'Fuzzed source',
          kind: 'GENERIC_WEBHOOK',
          direction: 'PULL',
          config: { targetUrl: 'http://127.0.0.1:9/unused' },
          credentials: { secret: 'unused' },
        },
      },
    );
    return data.connectExternalProject.project;
  },
  // The hub accepts its own invitation: its PULL side is a peer project like any other.
  lockstep_peer: async () => {
    const invited = await suite.lockstep.admin.run<{ createConnectionInvitation: { invitation: string } }>(
      `mutation { createConnectionInvitation(input: { name: "Itself", direction: PUSH }) { invitation } }`,
    );
    const accepted = await suite.lockstep.admin.run<{ acceptConnectionInvitation: { project: { id: string } } }>(
      `mutation($i: String!) {
        acceptConnectionInvitation(input: { invitation: $i, name: "Itself" }) { project { id } }
      }`,
      { i: invited.createConnectionInvitation.invitation },
    );
    const id = accepted.acceptConnectionInvitation.project.id;
    return (await suite.lockstep.admin.run<{ externalProject: Target }>(PROJECT, { id })).externalProject;
  },
};

const targets = new Map<IntegrationKind, Target>();

beforeAll(async () => {
  await jira.start();
  for (const source of webhookSources) {
    const connect = connectors[source.kind];
    if (!connect) throw new Error(`the HTTP fuzzing does not know how to connect a ${source.kind} project`);
    targets.set(source.kind, await connect());
  }
});

afterAll(async () => {
  await jira.stop();
});

/** True once in `n` cases. */
const oneIn = (n: number) => fc.nat({ max: n - 1 }).map((value) => value === 0);

const inboxRows = async (projectId: string) =>
  Number(
    (
      await query<{ n: string }>(suite.env.databaseUrl, 'select count(*) as n from inbox where project_id = $1', [
        projectId,
      ])
    )[0]?.n,
  );

describe.each(webhookSources.map((source) => [source.kind, source] as const))(
  'POST to a %s webhook URL',
  (kind, source) => {
    it('answers 202 or a clear 4xx, never 5xx, and a refusal stores nothing', async () => {
      await fc.assert(
        fc.asyncProperty(mutatedBodies(source.samples), oneIn(8), oneIn(4), async (body, wrongSecret, byQuery) => {
          const target = targets.get(kind);
          if (!target) throw new Error(`no ${kind} project`);
          const before = await inboxRows(target.id);
          const secret = wrongSecret ? `${target.webhookSecret}-not` : target.webhookSecret;
          const url = new URL(target.webhookUrl);
          const signed = byQuery ? { headers: {}, query: { secret } } : source.sign(body, secret);
          for (const [name, value] of Object.entries(signed.query)) url.searchParams.set(name, value);
          const response = await fetch(url, {
            method: 'POST',
            headers: { 'content-type': 'application/json', ...signed.headers },
            body,
          });
          const answer = (await response.json()) as { error?: string };
          const expected = wrongSecret ? [401] : [202, 400];
          expect({ status: response.status, answer, body: body.slice(0, 300) }).toMatchObject({
            status: expect.toSatisfy((s: number) => expected.includes(s)),
          });
          const refused = response.status >= 400;
          expect(refused ? answer.error : 'accepted').toMatch(/\S/);
          // An accepted delivery adds its row, or none when its id was seen before; a refused one none.
          expect(await inboxRows(target.id)).toBeOneOf(refused ? [before] : [before, before + 1]);
        }),
        // Each case is an HTTP round trip: report the first failure as found rather than shrink it.
        { numRuns: runs, endOnFailure: true },
      );
    });
  },
);
