// Connecting a GITHUB project to the GitHub simulator through GraphQL, as an admin would, and
// pointing the simulator's webhook at the project's webhook URL and secret (as an admin adds the
// webhook in the repository's settings).
import type { GraphQLClient } from '#test/support/graphql-client.ts';
import type { GithubSimulator } from '#simulators/github/simulator.ts';

/** The connected project as the tests use it. */
export interface ConnectedGithub {
  readonly id: string;
  readonly status: string;
  readonly webhookUrl: string;
  readonly webhookSecret: string;
}

export const CONNECT = `mutation($input: ConnectExternalProjectInput!) { connectExternalProject(input: $input) { project { id status webhookUrl webhookSecret } } }`;

/** Connects acme/web of `sim` (bidirectional, token); `input` adds or overrides fields. */
export async function connectGithub(
  admin: GraphQLClient,
  sim: GithubSimulator,
  input: Record<string, unknown> = {},
): Promise<ConnectedGithub> {
  const connected = await admin.run<{ connectExternalProject: { project: ConnectedGithub } }>(CONNECT, {
    input: {
      name: 'GitHub acme/web',
      kind: 'GITHUB',
      direction: 'BIDIRECTIONAL',
      config: { owner: sim.owner, repo: sim.repo, baseUrl: sim.baseUrl },
      credentials: { token: 'ghp_simulated' },
      ...input,
    },
  });
  const project = connected.connectExternalProject.project;
  sim.webhooks.configure({ url: project.webhookUrl, secret: project.webhookSecret });
  return project;
}
