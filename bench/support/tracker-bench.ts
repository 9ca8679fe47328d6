// One tracker's bench, whatever the tracker (its driver says how to talk to it): first an INITIAL
// import of a project of ITEMS items, in items per second beside the tracker's connector paging
// through the same items and applying nothing (the ratio is what importing costs over just
// reading), with the API calls it took per item and how long a hub edit made right after it takes
// to reach the tracker (it must not queue behind the events the import raised). Then, on items that
// import linked, the latency of a change in each direction at a fixed low offered rate
// (tracker-changes.ts): a person's edit in the tracker until the `ticketChanged` subscription shows
// it, and an `updateTicket` until the simulator holds it; each beside the one hop it cannot avoid
// (the same delivery POSTed to a loopback server; the one update call). tracker-figures.ts prints them.
import { loadavg } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import type { BenchSuite } from '../figure.ts';
import { createAdminClient, type AdminClient } from './admin-client.ts';
import { startBenchLockstep } from './bench-lockstep.ts';
import { startCpuShare } from './cpu-share.ts';
import { changedTitle, LINKED, MEASURED, measureTowardsHub, measureTowardsTracker, quiet, RATE, type LinkedIssue, type Tracker } from './tracker-changes.ts';
import type { TrackerDriver } from './tracker-driver.ts';
import { figuresOf, type FirstEdit, type Measured } from './tracker-figures.ts';
import { importThroughLockstep, readThroughConnector } from './tracker-import.ts';
import { measureDirectEdits, measureProvenPosts } from './tracker-latency-baselines.ts';
import { watchTitles } from './tracker-title-watch.ts';

/** Items imported: the size of project that matters. */
export const ITEMS = 10_000;
/** How long the import may run before the bench gives up on it. */
const IMPORT_LIMIT_MS = 90_000;
/** How long the first hub edit after the import may take to reach the tracker. */
const FIRST_EDIT_LIMIT_MS = 120_000;

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

async function connect(admin: AdminClient, { simulator }: Tracker): Promise<ConnectedProject> {
  const input = { direction: 'BIDIRECTIONAL', ...simulator.connectInput };
  const data = await admin.run<{ connectExternalProject: { project: ConnectedProject } }>(CONNECT, { input });
  return data.connectExternalProject.project;
}

/** The tickets the import made of seeded items `indexes`; throws unless each is there, titled and linked. */
async function findImported(admin: AdminClient, driver: TrackerDriver, keys: readonly string[], indexes: readonly number[]): Promise<LinkedIssue[]> {
  return Promise.all(
    indexes.map(async (index) => {
      const title = driver.seededTitle(index);
      const key = keys[index] ?? '';
      const data = await admin.run<{ tickets: { edges: Array<{ node: { id: string; title: string; mappings: Array<{ externalId: string }> } }> } }>(FIND, {
        text: title.slice(title.indexOf('#')),
      });
      const nodes = data.tickets.edges.map((edge) => edge.node);
      const node = nodes[0];
      if (nodes.length !== 1 || !node || node.title !== title || node.mappings.length !== 1 || node.mappings[0]?.externalId !== key) {
        throw new Error(`${driver.tag} bench: ${key} was not imported as one ticket titled ${JSON.stringify(title)} linked to it: ${JSON.stringify(nodes)}`);
      }
      return { key, ticketId: node.id };
    }),
  );
}

/**
 * A hub edit of `issue` (not one the latency phases use) timed until the tracker holds it: how
 * long the hub's own edits wait behind the events an import raised (the planner skips
 * `ticket.created`, so little); the latency phases start after it.
 */
async function firstEditAfterImport(admin: AdminClient, tracker: Tracker, issue: LinkedIssue, completedAtMs: number): Promise<FirstEdit> {
  const title = 'Edited on the hub after the import';
  const titles = watchTitles(tracker.simulator);
  try {
    const arrival = titles.expect(issue.key, title, FIRST_EDIT_LIMIT_MS);
    const sentAtMs = Date.now();
    await admin.run(UPDATE, { input: { id: issue.ticketId, title } });
    const arrived = await arrival;
    if (!arrived) {
      throw new Error(`${tracker.driver.tag} bench: a hub edit of ${issue.key} made after the import did not reach ${tracker.driver.name} within ${FIRST_EDIT_LIMIT_MS} ms`);
    }
    return { sentAfterMs: sentAtMs - completedAtMs, arrivedAfterMs: arrived.updatedMs - sentAtMs };
  } finally {
    titles.stop();
  }
}

async function measureLockstep(tracker: Tracker): Promise<Measured> {
  const { driver, simulator } = tracker;
  await using lockstep = await startBenchLockstep();
  const admin = createAdminClient(lockstep.url, lockstep.adminToken);
  const project = await connect(admin, tracker);
  simulator.configureDeliveries(project.webhookUrl, project.webhookSecret);
  const keys = await simulator.seed(ITEMS, driver.seededTitle);

  // The baseline first, so neither Lockstep's import nor its aftermath runs under it.
  const { config, credentials } = simulator.connectInput;
  const raw = await readThroughConnector(driver, simulator, { projectId: project.id, config, credentials });
  if (raw.items !== ITEMS) throw new Error(`${driver.tag} bench: the connector read ${raw.items} distinct ${driver.noun}s, not ${ITEMS}`);
  await sleep(300);
  const load = loadavg()[0] ?? Number.NaN;
  const stopCpu = startCpuShare();
  const imported = await importThroughLockstep(admin, driver, simulator, project.id, ITEMS, IMPORT_LIMIT_MS);
  const importCpu = stopCpu();
  if (imported.created !== ITEMS || imported.errors !== 0 || imported.conflicts !== 0) {
    throw new Error(
      `${driver.tag} bench: the import created ${imported.created} of ${ITEMS} tickets with ${imported.errors} errors and ${imported.conflicts} conflicts`,
    );
  }
  simulator.resetCalls();
  const quietAfterImportMs = await quiet(lockstep, tracker);
  const callsAfterImport = new Map(simulator.calls);

  const [edited] = await findImported(admin, driver, keys, [2 * LINKED]);
  if (!edited) throw new Error(`${driver.tag} bench: no ${driver.noun} to edit after the import`);
  const firstEdit = await firstEditAfterImport(admin, tracker, edited, imported.completedAtMs);
  await quiet(lockstep, tracker);

  const linked = await findImported(admin, driver, keys, Array.from({ length: 2 * LINKED }, (_, index) => index));

  const towardsHub = await measureTowardsHub(lockstep, tracker, linked.slice(0, LINKED));
  const towardsTracker = await measureTowardsTracker(lockstep, admin, tracker, project.id, linked.slice(LINKED));
  return { raw, imported, quietAfterImportMs, callsAfterImport, firstEdit, towardsHub, towardsTracker, load, importCpu };
}

/** The bench of `driver`'s tracker, for bench/index.ts. */
export function trackerBench(driver: TrackerDriver): BenchSuite {
  return async () => {
    const simulator = await driver.start();
    let measured: Measured;
    try {
      measured = await measureLockstep({ driver, simulator });
    } finally {
      await simulator.stop();
    }
    const provenPosts = await measureProvenPosts(driver, measured.towardsHub.bodies, RATE);
    const directEdits = await measureDirectEdits(
      driver,
      Array.from({ length: MEASURED }, (_, index) => changedTitle('hub', 'load', index)),
      LINKED,
      RATE,
    );
    const problems = [...provenPosts.problems, ...directEdits.problems];
    if (problems.length > 0) throw new Error(`${driver.tag} bench: ${problems.length} baseline sends failed (first: ${problems[0]})`);
    return figuresOf(driver, ITEMS, measured, provenPosts, directEdits);
  };
}
