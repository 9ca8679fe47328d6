// Connecting a LINEAR project to the Linear simulator through GraphQL, as an admin would, and
// pointing the simulator's webhooks at the project's webhook URL and secret.
import { createHmac } from 'node:crypto';
import type { GraphQLClient } from '#test/support/graphql-client.ts';
import type { LinearSimulator } from '#simulators/linear/simulator.ts';

/** The connected project as the tests use it. */
export interface ConnectedLinear {
  readonly id: string;
  readonly status: string;
  readonly webhookUrl: string;
  readonly webhookSecret: string;
}

export const CONNECT = `mutation($input: ConnectExternalProjectInput!) {
  connectExternalProject(input: $input) { project { id status webhookUrl webhookSecret } }
}`;

/** Connects team `teamKey` of `linear` (bidirectional); `input` adds or overrides fields. */
export async function connectLinear(
  admin: GraphQLClient,
  linear: LinearSimulator,
  input: Record<string, unknown> = {},
): Promise<ConnectedLinear> {
  const connected = await admin.run<{ connectExternalProject: { project: ConnectedLinear } }>(CONNECT, {
    input: {
      name: 'Linear',
      kind: 'LINEAR',
      direction: 'BIDIRECTIONAL',
      config: { teamKey: linear.store.team.key, apiUrl: linear.apiUrl, userMap: { ann: 'ann@example.com' } },
      credentials: { apiKey: linear.apiKey },
      ...input,
    },
  });
  const project = connected.connectExternalProject.project;
  linear.webhooks.configure({ url: project.webhookUrl, secret: project.webhookSecret });
  return project;
}

/** Posts `body` to the project's webhook URL signed as Linear signs (or with `signature`). */
export function postLinearWebhook(
  project: ConnectedLinear,
  body: string,
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(project.webhookUrl, {
    method: 'POST',
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'linear-signature': createHmac('sha256', project.webhookSecret).update(body).digest('hex'),
      'linear-delivery': crypto.randomUUID(),
      'linear-event': 'Issue',
      ...headers,
    },
    body,
  });
}
