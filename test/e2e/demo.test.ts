// `npm run demo` is the README's first way to see Lockstep work, so it is tested as a newcomer
// would use it: start the script, read what it prints (the alert acknowledged from Slack included),
// run its first query, change an issue on the simulated GitHub with the printed curl's request and
// see the ticket follow, then Ctrl-C and find the demo's database gone.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../support/eventually.ts';

const databaseUrl = process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';

interface Printed {
  readonly url: string;
  readonly token: string;
  readonly githubUrl: string;
  readonly githubToken: string;
}

let child: ChildProcessWithoutNullStreams;
let output = '';
let printed: Printed;

async function graphql<T>(query: string): Promise<T> {
  const response = await fetch(`${printed.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${printed.token}` },
    body: JSON.stringify({ query }),
  });
  const body = (await response.json()) as { data?: T; errors?: unknown };
  if (!body.data) throw new Error(`GraphQL answered ${JSON.stringify(body)}`);
  return body.data;
}

async function demoDatabases(): Promise<string[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const result = await client.query<{ datname: string }>("select datname from pg_database where datname like 'lockstep_demo_%'");
    return result.rows.map((row) => row.datname);
  } finally {
    await client.end();
  }
}

let databasesBefore: string[];

beforeAll(async () => {
  databasesBefore = await demoDatabases();
  child = spawn(process.execPath, ['scripts/demo.ts'], { env: { ...process.env, PORT: '0', LOG_LEVEL: 'warn' } });
  printed = await new Promise<Printed>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the demo printed no guide in time:\n${output}`)), 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (!output.includes('Ctrl-C stops the demo')) return;
      clearTimeout(timer);
      const graphiql = /GraphiQL:\s+(http:\/\/\S+)\/graphql\s+\(add the header\s+Authorization: Bearer (\S+)\)/.exec(output);
      const curl = /authorization: token (\S+)' -X PATCH (http:\/\/[\d.:]+)\/repos\/acme\/web\/issues\/1/.exec(output);
      if (!graphiql?.[1] || !graphiql[2] || !curl?.[1] || !curl[2]) return reject(new Error(`the demo's guide lacks its URLs:\n${output}`));
      resolve({ url: graphiql[1], token: graphiql[2], githubToken: curl[1], githubUrl: curl[2] });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`the demo exited with ${code}:\n${output}`)));
  });
}, 90_000);

afterAll(async () => {
  if (child.exitCode === null) child.kill('SIGKILL');
});

describe('npm run demo', () => {
  it('imports the simulated Jira and GitHub issues and prints a query that lists them', async () => {
    const data = await graphql<{ tickets: { edges: Array<{ node: { title: string; mappings: Array<{ externalId: string }> } }> } }>(
      '{ tickets(first: 10, filter: { kind: [TICKET] }) { edges { node { id title status labels mappings { externalId } } } } }',
    );
    const titles = data.tickets.edges.map((edge) => edge.node.title).sort();
    expect(titles).toEqual(
      ['Checkout returns 500', 'Dark mode loses contrast on charts', 'Flaky login test on Safari', 'Rotate the TLS certificates', 'Search is slow for EU users'].sort(),
    );
    expect(data.tickets.edges.every((edge) => edge.node.mappings.length === 1)).toBe(true);
  });

  it('shows an alert acknowledged from Slack reaching PagerDuty, Jira and Alertmanager', async () => {
    expect(output).toMatch(/PagerDuty incident \S+: acknowledged/);
    expect(output).toMatch(/Jira OPS-\d+: Acknowledged/);
    expect(output).toMatch(/Alertmanager silences: 1 /);
    const groups = await graphql<{ tickets: { edges: Array<{ node: { status: string; mappings: unknown[] } }> } }>(
      '{ tickets(first: 5, filter: { kind: [ALERT_GROUP] }) { edges { node { status mappings { externalId } } } } }',
    );
    expect(groups.tickets.edges.map((edge) => [edge.node.status, edge.node.mappings.length])).toEqual([['ACKNOWLEDGED', 3]]);
  });

  it('follows a change made on GitHub with the printed request', async () => {
    const response = await fetch(`${printed.githubUrl}/repos/acme/web/issues/1`, {
      method: 'PATCH',
      headers: { authorization: `token ${printed.githubToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'Changed on GitHub', state: 'closed', state_reason: 'completed' }),
    });
    expect(response.status).toBe(200);
    const ticket = await eventually(
      async () => (await graphql<{ tickets: { edges: Array<{ node: { title: string; status: string } }> } }>('{ tickets(first: 10, filter: { text: "Changed on GitHub" }) { edges { node { title status } } } }')).tickets.edges,
      (edges) => edges.length === 1 && edges[0]?.node.status === 'RESOLVED',
    );
    expect(ticket[0]?.node.title).toBe('Changed on GitHub');
  });

  it('stops on Ctrl-C and drops its database', async () => {
    const during = await demoDatabases();
    expect(during.filter((name) => !databasesBefore.includes(name))).toHaveLength(1);
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect((await demoDatabases()).filter((name) => !databasesBefore.includes(name))).toEqual([]);
  }, 40_000);
});
