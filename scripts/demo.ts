// `npm run demo`: the quickest way to see Lockstep work. Starts Lockstep on the local PostgreSQL
// (in a database of its own) and NATS, with two simulated systems connected two-way through the
// public GraphQL API: a Jira project (demo/jira.ts) and a GitHub repository (demo/github.ts), each a
// real HTTP server firing signed webhooks. Imports their issues, plays an alert acknowledged from
// Slack reaching PagerDuty, Jira and Alertmanager (demo/alert-loop.ts), and prints what to try.
// Ctrl-C stops everything and drops the demo database.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { startLockstep } from '#infra/app.ts';
import { loadConfig } from '#infra/config.ts';
import { createLogger } from '#infra/logger.ts';
import { demoGraphql, type DemoSystem } from './demo/client.ts';
import { startDemoGithub } from './demo/github.ts';
import { runAlertLoop } from './demo/alert-loop.ts';
import { startDemoJira } from './demo/jira.ts';

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

const config = loadConfig({
  ...process.env,
  DATABASE_URL: databaseUrl.toString(),
  LOCKSTEP_ADMIN_TOKEN: adminToken,
  LOCKSTEP_NATS_PREFIX: `demo_${randomBytes(3).toString('hex')}`,
  // The demo's simulators listen on loopback.
  LOCKSTEP_ALLOW_PRIVATE_TARGETS: 'true',
  LOG_LEVEL: process.env['LOG_LEVEL'] ?? 'warn',
  PORT: process.env['PORT'] ?? '4000',
});
const lockstep = await startLockstep(config, createLogger(config.logLevel));
const graphql = demoGraphql(lockstep.url, adminToken);
const systems: DemoSystem[] = [];

let stopping = false;
async function stop(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  await lockstep.stop();
  for (const system of systems) await system.stop();
  await dropDemoDatabase().catch((error: unknown) => console.error('could not drop the demo database:', error));
  process.exit(code);
}
process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));

try {
  const jira = await startDemoJira(graphql);
  systems.push(jira);
  systems.push(await startDemoGithub(graphql));
  systems.push(await runAlertLoop(graphql, jira.jira, jira.projectId));
} catch (error) {
  console.error('the demo could not connect its simulated systems:', error);
  await stop(1);
}

console.log(`
Lockstep is running with simulated Jira and GitHub projects connected both ways, and an alert
acknowledged from Slack.

  GraphiQL:     ${lockstep.url}/graphql   (add the header  Authorization: Bearer ${adminToken})

Try in GraphiQL:

  { tickets(first: 10) { edges { node { id title status labels mappings { externalId } } } } }

${systems.map((system) => system.guide).join('\n\n')}

Ctrl-C stops the demo and drops its database.
`);
