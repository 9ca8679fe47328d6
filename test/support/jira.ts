// Connecting a JIRA project to the Jira simulator through GraphQL, as an admin would, and pointing
// the simulator's webhooks at the project's webhook URL and secret.
import type { JiraSimulator } from '#simulators/jira/simulator.ts';
import type { GraphQLClient } from './graphql-client.ts';

/** The connected project as the tests use it. */
export interface ConnectedJira {
  readonly id: string;
  readonly status: string;
  readonly webhookUrl: string;
  readonly webhookSecret: string;
}

/** Connects project OPS of `jira` (bidirectional, email + API token); `input` adds or overrides fields. */
export async function connectJira(admin: GraphQLClient, jira: JiraSimulator, input: Record<string, unknown> = {}): Promise<ConnectedJira> {
  const connected = await admin.run<{ connectExternalProject: { project: ConnectedJira } }>(
    `mutation($input: ConnectExternalProjectInput!) { connectExternalProject(input: $input) { project { id status webhookUrl webhookSecret } } }`,
    {
      input: {
        name: 'Jira OPS',
        kind: 'JIRA',
        direction: 'BIDIRECTIONAL',
        config: { baseUrl: jira.baseUrl, projectKey: 'OPS' },
        credentials: { email: 'bot@example.com', apiToken: 'api-token' },
        ...input,
      },
    },
  );
  const project = connected.connectExternalProject.project;
  jira.webhooks.configure({ url: project.webhookUrl, secret: project.webhookSecret });
  return project;
}
