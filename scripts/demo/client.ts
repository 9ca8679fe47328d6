// The demo's GraphQL client: one admin-token POST per operation, and a wait for a sync session,
// so each demo system connects itself in a few lines through the public API.

/** Sends `query` with the admin token to `url`/graphql; throws on any GraphQL error. */
export type DemoGraphql = <T>(query: string, variables?: Record<string, unknown>) => Promise<T>;

export function demoGraphql(url: string, adminToken: string): DemoGraphql {
  return async <T>(query: string, variables: Record<string, unknown> = {}): Promise<T> => {
    const response = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${adminToken}` },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json()) as { data?: T; errors?: Array<{ message: string }> };
    if (body.errors?.length || !body.data) throw new Error(body.errors?.map((e) => e.message).join('; ') ?? 'no data');
    return body.data;
  };
}

/** A connected project as the demo prints it. */
export interface DemoProject {
  readonly id: string;
  readonly webhookUrl: string;
  readonly webhookSecret: string;
}

const CONNECT = `mutation($input: ConnectExternalProjectInput!) {
  connectExternalProject(input: $input) { project { id webhookUrl webhookSecret } }
}`;

export async function connectProject(graphql: DemoGraphql, input: Record<string, unknown>): Promise<DemoProject> {
  const data = await graphql<{ connectExternalProject: { project: DemoProject } }>(CONNECT, { input });
  return data.connectExternalProject.project;
}

/** Runs an INITIAL import of `projectId` and waits (up to 10 s) for it to finish. */
export async function importProject(graphql: DemoGraphql, projectId: string): Promise<void> {
  const { startSync } = await graphql<{ startSync: { session: { id: string } } }>(
    'mutation($p: ID!) { startSync(input: { projectId: $p, kind: INITIAL }) { session { id } } }',
    { p: projectId },
  );
  for (let i = 0; i < 50; i += 1) {
    const { syncSession } = await graphql<{ syncSession: { status: string } }>('query($id: ID!) { syncSession(id: $id) { status } }', {
      id: startSync.session.id,
    });
    if (syncSession.status !== 'RUNNING') return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** A simulated system the demo connected: what to print about it, and how to stop it. */
export interface DemoSystem {
  readonly guide: string;
  stop(): Promise<void>;
}
