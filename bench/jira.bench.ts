// `npm run bench -- jira`: Lockstep against the Jira simulator. First an INITIAL import of a
// project of ISSUES issues, in issues per second beside the Jira connector paging through the same
// issues and applying nothing (the ratio is what importing costs over just reading), with the API
// calls it took per issue and how long a hub edit made right after it takes to reach Jira (it
// must not queue behind the events the import raised). Then, on issues that import linked, the
// latency of a change in each direction at a fixed low offered rate (support/jira-changes.ts): a
// person's edit in Jira until the `ticketChanged` subscription shows it, and an `updateTicket`
// until the simulator holds it; each beside the one hop it cannot avoid (a signed webhook POST to
// a loopback server; one PUT).
import { availableParallelism, loadavg } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { createJiraSimulator, type JiraSimulator } from '#simulators/jira/simulator.ts';
import type { BenchFigure, BenchSuite } from './figure.ts';
import { createAdminClient, type AdminClient } from './support/admin-client.ts';
import { startBenchLockstep } from './support/bench-lockstep.ts';
import { describeCpuShare, startCpuShare, type CpuShare } from './support/cpu-share.ts';
import {
  changedTitle,
  LINKED,
  MEASURED,
  measureTowardsHub,
  measureTowardsJira,
  quiet,
  RATE,
  type DirectionRun,
  type LinkedIssue,
  type TowardsHub,
  type TowardsJira,
} from './support/jira-changes.ts';
import { importThroughLockstep, readThroughConnector, type LockstepImport, type RawRead } from './support/jira-import.ts';
import { measureSignedPosts, measureSimulatorEdits, type BaselineRun } from './support/jira-latency-baselines.ts';
import { watchSummaries } from './support/jira-summary-watch.ts';
import { describeLatency, ms, summarize } from './support/latency.ts';

/** Issues imported: the size of project that matters. */
const ISSUES = 10_000;
/** How long the import may run before the bench gives up on it. */
const IMPORT_LIMIT_MS = 90_000;
/** How long the first hub edit after the import may take to reach Jira. */
const FIRST_EDIT_LIMIT_MS = 120_000;

const config = { projectKey: 'OPS' };
const credentials = { email: 'bot@example.com', apiToken: 'api-token' };

/** Seeded summaries are unique under the ticket text filter: `#00017.` matches one issue only. */
const seededSummary = (index: number) => `Imported OPS issue #${String(index + 1).padStart(5, '0')}.`;

interface ConnectedProject {
  readonly id: string;
  readonly webhookUrl: string;
  readonly webhookSecret: string;
}

const CONNECT = `mutation($input: ConnectExternalProjectInput!) {
  connectExternalProject(input: $input) { project { id webhookUrl webhookSecret } }
}`;
const FIND = 'query($text: String!) { tickets(first: 2, filter: { text: $text }) { edges { node { id title mappings { externalId } } } } }';
const UPDATE = 'mutation($input: UpdateTicketInput!) { updateTicket(input: $input) { ticket { id } } }';

async function connectJira(admin: AdminClient, jira: JiraSimulator): Promise<ConnectedProject> {
  const input = { name: 'Jira OPS', kind: 'JIRA', direction: 'BIDIRECTIONAL', config: { baseUrl: jira.baseUrl, ...config }, credentials };
  const data = await admin.run<{ connectExternalProject: { project: ConnectedProject } }>(CONNECT, { input });
  return data.connectExternalProject.project;
}

/** The tickets the import made of seeded issues `indexes`; throws unless each is there, titled and linked. */
async function findImported(admin: AdminClient, keys: readonly string[], indexes: readonly number[]): Promise<LinkedIssue[]> {
  return Promise.all(
    indexes.map(async (index) => {
      const title = seededSummary(index);
      const key = keys[index] ?? '';
      const data = await admin.run<{ tickets: { edges: Array<{ node: { id: string; title: string; mappings: Array<{ externalId: string }> } }> } }>(FIND, {
        text: title.slice(title.indexOf('#')),
      });
      const nodes = data.tickets.edges.map((edge) => edge.node);
      const node = nodes[0];
      if (nodes.length !== 1 || !node || node.title !== title || node.mappings.length !== 1 || node.mappings[0]?.externalId !== key) {
        throw new Error(`jira bench: ${key} was not imported as one ticket titled ${JSON.stringify(title)} linked to it: ${JSON.stringify(nodes)}`);
      }
      return { key, ticketId: node.id };
    }),
  );
}

/** When the first hub edit after the import was sent (after completion), and how long it took to reach Jira. */
interface FirstEdit {
  readonly sentAfterMs: number;
  readonly arrivedAfterMs: number;
}

/**
 * A hub edit of `issue` (not one the latency phases use) timed until Jira holds it: how long the
 * hub's own edits wait behind the events an import raised (the planner skips `ticket.created`, so
 * little); the latency phases start after it.
 */
async function firstEditAfterImport(admin: AdminClient, jira: JiraSimulator, issue: LinkedIssue, completedAtMs: number): Promise<FirstEdit> {
  const title = 'Edited on the hub after the import';
  const summaries = watchSummaries(jira);
  try {
    const arrival = summaries.expect(issue.key, title, FIRST_EDIT_LIMIT_MS);
    const sentAtMs = Date.now();
    await admin.run(UPDATE, { input: { id: issue.ticketId, title } });
    const arrived = await arrival;
    if (!arrived) throw new Error(`jira bench: a hub edit of ${issue.key} made after the import did not reach Jira within ${FIRST_EDIT_LIMIT_MS} ms`);
    return { sentAfterMs: sentAtMs - completedAtMs, arrivedAfterMs: arrived.updatedMs - sentAtMs };
  } finally {
    summaries.stop();
  }
}

const sumOf = (calls: ReadonlyMap<string, number>) => [...calls.values()].reduce((sum, n) => sum + n, 0);
const describeCalls = (calls: ReadonlyMap<string, number>, per: number) =>
  [...calls.entries()]
    .sort((a, b) => b[1] - a[1])
    .map(([endpoint, count]) => `${endpoint} ${(count / per).toFixed(count / per < 0.1 ? 4 : 2)}`)
    .join(', ');

interface Measured {
  readonly raw: RawRead;
  readonly imported: LockstepImport;
  readonly quietAfterImportMs: number;
  readonly callsAfterImport: ReadonlyMap<string, number>;
  readonly firstEdit: FirstEdit;
  readonly towardsHub: TowardsHub;
  readonly towardsJira: TowardsJira;
  readonly load: number;
  readonly importCpu: CpuShare;
}

async function measureLockstep(jira: JiraSimulator): Promise<Measured> {
  await using lockstep = await startBenchLockstep();
  const admin = createAdminClient(lockstep.url, lockstep.adminToken);
  const project = await connectJira(admin, jira);
  jira.webhooks.configure({ url: project.webhookUrl, secret: project.webhookSecret });
  const keys = jira.seed(ISSUES, (index) => ({ summary: seededSummary(index) })).map((issue) => issue.key);

  // The baseline first, so neither Lockstep's import nor its aftermath runs under it.
  const raw = await readThroughConnector(jira, { projectId: project.id, config: { baseUrl: jira.baseUrl, ...config }, credentials });
  if (raw.items !== ISSUES) throw new Error(`jira bench: the connector read ${raw.items} distinct issues, not ${ISSUES}`);
  await sleep(300);
  const load = loadavg()[0] ?? Number.NaN;
  const stopCpu = startCpuShare();
  const imported = await importThroughLockstep(admin, jira, project.id, ISSUES, IMPORT_LIMIT_MS);
  const importCpu = stopCpu();
  if (imported.created !== ISSUES || imported.errors !== 0 || imported.conflicts !== 0) {
    throw new Error(`jira bench: the import created ${imported.created} of ${ISSUES} tickets with ${imported.errors} errors and ${imported.conflicts} conflicts`);
  }
  jira.resetCalls();
  const quietAfterImportMs = await quiet(lockstep, jira);
  const callsAfterImport = new Map(jira.calls);

  const [edited] = await findImported(admin, keys, [2 * LINKED]);
  if (!edited) throw new Error('jira bench: no issue to edit after the import');
  const firstEdit = await firstEditAfterImport(admin, jira, edited, imported.completedAtMs);
  await quiet(lockstep, jira);

  const linked = await findImported(admin, keys, Array.from({ length: 2 * LINKED }, (_, index) => index));

  const towardsHub = await measureTowardsHub(lockstep, jira, linked.slice(0, LINKED));
  const towardsJira = await measureTowardsJira(lockstep, admin, jira, project.id, linked.slice(LINKED));
  return { raw, imported, quietAfterImportMs, callsAfterImport, firstEdit, towardsHub, towardsJira, load, importCpu };
}

function latencyFigures(direction: string, run: DirectionRun, baselineName: string, baseline: BaselineRun, where: string): BenchFigure[] {
  const latency = summarize(run.changes.map((change) => (change.arrivedAtMs ?? Number.NaN) - change.dueAtMs));
  const floor = summarize(baseline.latencies);
  const waited = run.changes.filter((change) => change.waited).length;
  const calls = `Jira API calls per change: ${(sumOf(run.calls) / MEASURED).toFixed(2)} (${describeCalls(run.calls, MEASURED) || 'none'})`;
  const offered =
    `offered ${RATE}/s: ${MEASURED} changes over ${LINKED} imported issues after ${LINKED} warm-up changes, all arrived; ` +
    `sends late by p99 ${ms(run.lateness.p99)}, ${waited} waited for their issue (timed from their slot)`;
  const compared = (label: string, lockstepMs: number, baselineMs: number) =>
    `${label}: Lockstep ${ms(lockstepMs)} vs ${baselineName} ${ms(baselineMs)} — lower is better, the ratio is Lockstep / baseline`;
  return [
    {
      name: `${direction} p50 latency`,
      value: latency.p50,
      unit: 'ms',
      baseline: { name: `${baselineName} p50`, value: floor.p50 },
      detail: `${compared('p50', latency.p50, floor.p50)}; ${offered}; ${where}`,
    },
    {
      name: `${direction} p99 latency`,
      value: latency.p99,
      unit: 'ms',
      baseline: { name: `${baselineName} p99`, value: floor.p99 },
      detail: `${compared('p99', latency.p99, floor.p99)}; max ${ms(latency.max)} (baseline ${ms(floor.max)}); ${calls}`,
    },
  ];
}

function figuresOf(measured: Measured, signedPosts: BaselineRun, simulatorEdits: BaselineRun): BenchFigure[] {
  const { raw, imported } = measured;
  const rate = ISSUES / (imported.ms / 1000);
  const rawRate = raw.items / (raw.ms / 1000);
  const { firstEdit } = measured;
  const importDetail =
    `${ISSUES} issues, all created, 0 errors, 0 conflicts (${imported.processed} items processed, one transaction per fetched page); ` +
    `Lockstep / connector ${(rate / rawRate).toFixed(4)} (reading alone is ${(rawRate / rate).toFixed(0)}x faster); ` +
    `${(imported.ms / 1000).toFixed(1)} s from startSync to completion; ` +
    `the connector alone read them in ${(raw.ms / 1000).toFixed(2)} s over ${raw.pages} pages; ` +
    `during the import ${describeCpuShare(measured.importCpu)}; ` +
    `outbox published and quiet ${(measured.quietAfterImportMs / 1000).toFixed(1)} s after completion; ` +
    `a hub edit sent ${(firstEdit.sentAfterMs / 1000).toFixed(1)} s after completion reached Jira ${(firstEdit.arrivedAfterMs / 1000).toFixed(1)} s later ` +
    `(behind the import's events); ` +
    `1-min load average ${measured.load.toFixed(2)} on ${availableParallelism()} CPUs before it`;
  const callsAfter = sumOf(measured.callsAfterImport);
  const callsDetail =
    `${imported.calls} calls for ${ISSUES} issues (${describeCalls(imported.callsByEndpoint, ISSUES)}); ` +
    `the connector reading alone: ${(raw.calls / raw.items).toFixed(4)} (${raw.calls} calls); ` +
    `${callsAfter} more calls after completion until quiet${callsAfter > 0 ? ` (${describeCalls(measured.callsAfterImport, 1)})` : ''}`;
  const { towardsHub, towardsJira } = measured;
  const inbound = towardsHub.run;
  const outbound = towardsJira.run;
  const applied = summarize(inbound.changes.map((change) => (change.midAtMs ?? Number.NaN) - change.sentAtMs));
  const announced = summarize(inbound.changes.map((change) => (change.arrivedAtMs ?? Number.NaN) - (change.midAtMs ?? Number.NaN)));
  const answered = summarize(outbound.changes.map((change) => (change.midAtMs ?? Number.NaN) - change.sentAtMs));
  return [
    {
      name: 'Jira initial import through Lockstep',
      value: rate,
      unit: 'issues/s',
      baseline: { name: 'the connector paging alone', value: rawRate },
      detail: `higher is better; ${importDetail}`,
    },
    { name: 'Jira initial import API calls per issue', value: imported.calls / ISSUES, unit: 'calls/issue', detail: `lower is better; ${callsDetail}` },
    ...latencyFigures(
      'Jira -> hub',
      inbound,
      'signed webhook POST to a loopback server',
      signedPosts,
      `ticket updatedAt ${describeLatency(applied)} after the edit, subscription message ${describeLatency(announced)} after that`,
    ),
    ...latencyFigures(
      'hub -> Jira',
      outbound,
      'one PUT issue on the simulator',
      simulatorEdits,
      `updateTicket answered ${describeLatency(answered)} after the send; push job created ${describeLatency(towardsJira.planned)} after the send, ` +
        `edit in Jira ${describeLatency(towardsJira.pushed)} after that (${towardsJira.planned.count} matched to push jobs, ${towardsJira.retried} retried)`,
    ),
  ];
}

export const run: BenchSuite = async () => {
  const jira = createJiraSimulator({ projectKey: 'OPS' });
  await jira.start();
  let measured: Measured;
  try {
    measured = await measureLockstep(jira);
  } finally {
    await jira.stop();
  }
  const signedPosts = await measureSignedPosts(measured.towardsHub.bodies, RATE);
  const simulatorEdits = await measureSimulatorEdits(
    Array.from({ length: MEASURED }, (_, index) => changedTitle('hub', 'load', index)),
    LINKED,
    RATE,
  );
  const problems = [...signedPosts.problems, ...simulatorEdits.problems];
  if (problems.length > 0) throw new Error(`jira bench: ${problems.length} baseline sends failed (first: ${problems[0]})`);
  return figuresOf(measured, signedPosts, simulatorEdits);
};
