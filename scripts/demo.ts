// `npm run demo`: the quickest way to see Lockstep work. Starts a Jira simulator (a real HTTP
// server speaking the Jira REST v3 subset Lockstep uses, firing signed webhooks) and Lockstep on
// the local PostgreSQL and NATS, connects a Jira project, imports a few issues, and prints what to
// try. Ctrl-C stops everything and drops the demo database.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createJiraSimulator, sampleCustomFields } from '#simulators/jira/simulator.ts';
import type { SimWorkflow } from '#simulators/jira/store.ts';
import { runAlertLoop } from './demo-alert-loop.ts';
import { startLockstep } from '#infra/app.ts';
import { loadConfig } from '#infra/config.ts';
import { createLogger } from '#infra/logger.ts';

const base = new URL(process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/lockstep');
const databaseUrl = new URL(base);
databaseUrl.pathname = `/lockstep_demo_${randomBytes(3).toString('hex')}`;
const adminToken = `demo-admin-${randomBytes(12).toString('hex')}`;

async function dropDemoDatabase(): Promise<void> {
  const admin = new URL(databaseUrl);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  await client.query(`drop database if exists "${databaseUrl.pathname.slice(1)}" with (force)`);
  await client.end();
}

async function graphql<T>(url: string, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${adminToken}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: T; errors?: Array<{ message: string }> };
  if (body.errors?.length || !body.data) throw new Error(body.errors?.map((e) => e.message).join('; ') ?? 'no data');
  return body.data;
}

/** Any status from any other, with an Acknowledged step for on-call work. */
const workflow: SimWorkflow = {
  statuses: { 'To Do': 'new', Acknowledged: 'indeterminate', 'In Progress': 'indeterminate', Blocked: 'indeterminate', Done: 'done', Closed: 'done' },
  initial: 'To Do',
  transitions: ['To Do', 'Acknowledged', 'In Progress', 'Blocked', 'Done', 'Closed'].map((to, index) => ({ id: String(11 + index * 10), name: to, from: null, to })),
};
const jira = createJiraSimulator({
  projectKey: 'OPS',
  workflow,
  customFields: [sampleCustomFields.team],
});
const jiraUrl = await jira.start();
const config = loadConfig({
  ...process.env,
  DATABASE_URL: databaseUrl.toString(),
  LOCKSTEP_ADMIN_TOKEN: adminToken,
  LOCKSTEP_NATS_PREFIX: `demo_${randomBytes(3).toString('hex')}`,
  // The demo's Jira simulator listens on loopback.
  LOCKSTEP_ALLOW_PRIVATE_TARGETS: 'true',
  LOG_LEVEL: process.env['LOG_LEVEL'] ?? 'warn',
  PORT: process.env['PORT'] ?? '4000',
});
const lockstep = await startLockstep(config, createLogger(config.logLevel));

const { connectExternalProject } = await graphql<{ connectExternalProject: { project: { id: string; webhookUrl: string; webhookSecret: string } } }>(
  lockstep.url,
  `mutation($input: ConnectExternalProjectInput!) { connectExternalProject(input: $input) { project { id webhookUrl webhookSecret } } }`,
  {
    input: {
      name: 'Jira OPS (simulated)',
      kind: 'JIRA',
      direction: 'BIDIRECTIONAL',
      config: { baseUrl: jiraUrl, projectKey: 'OPS', customFields: { team: { fieldId: 'customfield_10050', options: { payments: '10100', platform: '10101' } } } },
      credentials: { email: 'bot@example.com', apiToken: 'api-token' },
      defaultStrategy: 'MANUAL',
      syncMode: 'HYBRID',
      pollIntervalSeconds: 30,
    },
  },
);
const project = connectExternalProject.project;
jira.webhooks.configure({ url: project.webhookUrl, secret: project.webhookSecret });
jira.seed(3, (index) => ({ summary: ['Checkout returns 500', 'Search is slow for EU users', 'Rotate the TLS certificates'][index] ?? `Issue ${index + 1}`, labels: ['demo'] }));
const { startSync } = await graphql<{ startSync: { session: { id: string } } }>(
  lockstep.url,
  `mutation($p: ID!) { startSync(input: { projectId: $p, kind: INITIAL }) { session { id } } }`,
  { p: project.id },
);
for (let i = 0; i < 50; i += 1) {
  const { syncSession } = await graphql<{ syncSession: { status: string; created: number } }>(lockstep.url, `query($id: ID!) { syncSession(id: $id) { status created } }`, {
    id: startSync.session.id,
  });
  if (syncSession.status !== 'RUNNING') break;
  await new Promise((resolve) => setTimeout(resolve, 200));
}

const alertLoop = await runAlertLoop((query, variables) => graphql(lockstep.url, query, variables), jira, project.id);

const auth = Buffer.from('bot@example.com:api-token').toString('base64');
console.log(`
Lockstep is running with a simulated Jira project (OPS) and three imported issues.
${alertLoop.report}
  GraphiQL:     ${lockstep.url}/graphql   (add the header  Authorization: Bearer ${adminToken})
  Jira (sim):   ${jiraUrl}/rest/api/3

Try in GraphiQL:

  { tickets(first: 10) { edges { node { id title status labels mappings { externalId } } } } }

  mutation { updateTicket(input: { id: "<ticket id>", status: IN_PROGRESS, title: "Checkout returns 500 on EU cards" }) { ticket { version } } }
      -> the issue in Jira moves to "In Progress" and is renamed (see the curl below)

  subscription { ticketChanged(id: "<ticket id>") { title status } }
      -> then change the issue on the Jira side:

  curl -s -u bot@example.com:api-token -X PUT ${jiraUrl}/rest/api/3/issue/OPS-1 \\
       -H 'content-type: application/json' -d '{"fields":{"summary":"Changed in Jira"}}'
  curl -s -H 'authorization: Basic ${auth}' ${jiraUrl}/rest/api/3/issue/OPS-1 | head -c 400; echo

  mutation { updateTicket(input: { id: "<ticket id>", customFields: { team: "platform" } }) { ticket { customFields } } }
      -> the issue's Team select becomes Platform (a Jira custom field, set by option id)

  mutation { addComment(input: { ticketId: "<ticket id>", body: "Rolled back **v2.3**" }) { comment { id } } }
      -> the comment appears on the issue in Jira; comment there and it comes back:

  curl -s -u bot@example.com:api-token -X POST ${jiraUrl}/rest/api/3/issue/OPS-1/comment \\
       -H 'content-type: application/json' \\
       -d '{"body":{"type":"doc","version":1,"content":[{"type":"paragraph","content":[{"type":"text","text":"Seen again at 10:42"}]}]}}'
  { ticket(id: "<ticket id>") { comments(first: 20) { edges { node { author body origin } } } } }

  mutation { createTicket(input: { title: "Made in Lockstep" }) { ticket { id } } }
  mutation { linkTicket(input: { ticketId: "<that id>", projectId: "${project.id}" }) { pushJob { id } } }
      -> creates a new issue in Jira (OPS-5: OPS-4 is the alert's)

Ctrl-C stops the demo and drops its database.
`);

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  await lockstep.stop();
  await jira.stop();
  await alertLoop.stop();
  await dropDemoDatabase().catch((error: unknown) => console.error('could not drop the demo database:', error));
  process.exit(0);
}
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
