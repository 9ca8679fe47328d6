// The two halves of a tracker's import bench: reading every item of the simulator with the
// tracker connector's own paging (`fetchChanges`) and nothing else (the baseline: what the import
// cannot go below), and Lockstep's INITIAL sync session over the same items, started and followed
// through the public GraphQL API, with the simulator's call counter read around it.
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ConnectionSettings } from '#domain/project/connector.ts';
import type { AdminClient } from './admin-client.ts';
import type { TrackerDriver, TrackerSimulator } from './tracker-driver.ts';

/** The connector paging through a project without Lockstep. */
export interface RawRead {
  readonly ms: number;
  readonly items: number;
  readonly pages: number;
  readonly calls: number;
}

/** A finished INITIAL sync session and what it cost. */
export interface LockstepImport {
  /** From the startSync request to the session's `completedAt`. */
  readonly ms: number;
  /** The session's `completedAt` (epoch ms). */
  readonly completedAtMs: number;
  readonly created: number;
  readonly processed: number;
  readonly errors: number;
  readonly conflicts: number;
  /** Tracker API calls from the request to completion, in all and by endpoint. */
  readonly calls: number;
  readonly callsByEndpoint: ReadonlyMap<string, number>;
}

const START_SYNC = 'mutation($p: ID!) { startSync(input: { projectId: $p, kind: INITIAL }) { session { id } } }';
const SESSION = 'query($id: ID!) { syncSession(id: $id) { status created processed errors conflicts errorMessages completedAt } }';

interface SessionView {
  readonly status: 'RUNNING' | 'COMPLETED' | 'FAILED';
  readonly created: number;
  readonly processed: number;
  readonly errors: number;
  readonly conflicts: number;
  readonly errorMessages: readonly string[];
  readonly completedAt: string | null;
}

/** How often the session is polled; the times reported come from the session itself. */
const POLL_EVERY_MS = 100;

const totalOf = (calls: ReadonlyMap<string, number>) => [...calls.values()].reduce((sum, n) => sum + n, 0);

/** Pages through every item of `settings`' project as the session runner does, applying nothing. */
export async function readThroughConnector(driver: TrackerDriver, simulator: TrackerSimulator, settings: ConnectionSettings): Promise<RawRead> {
  const session = driver.connector().open(settings);
  const callsBefore = totalOf(simulator.calls);
  const ids = new Set<string>();
  let pages = 0;
  let cursor: string | null = null;
  const started = performance.now();
  for (;;) {
    const page = await session.fetchChanges(cursor, AbortSignal.timeout(30_000));
    pages += 1;
    for (const item of page.items) ids.add(item.externalId);
    cursor = page.cursor;
    if (page.done || page.items.length === 0) break;
  }
  const ms = performance.now() - started;
  return { ms, items: ids.size, pages, calls: totalOf(simulator.calls) - callsBefore };
}

/** Runs an INITIAL session of `projectId` to its end; throws when it fails or outlasts `limitMs`. */
export async function importThroughLockstep(
  admin: AdminClient,
  driver: TrackerDriver,
  simulator: TrackerSimulator,
  projectId: string,
  expected: number,
  limitMs: number,
): Promise<LockstepImport> {
  simulator.resetCalls();
  const requestedAtMs = Date.now();
  const started = await admin.run<{ startSync: { session: { id: string } } }>(START_SYNC, { p: projectId });
  const id = started.startSync.session.id;
  for (;;) {
    const { syncSession: session } = await admin.run<{ syncSession: SessionView }>(SESSION, { id });
    const seenAtMs = Date.now();
    if (session.status === 'FAILED') throw new Error(`${driver.tag} bench: the import failed: ${session.errorMessages.join('; ').slice(0, 500)}`);
    if (session.status === 'COMPLETED') {
      const calls = new Map(simulator.calls);
      const completedAtMs = Date.parse(session.completedAt ?? '');
      if (!(completedAtMs >= requestedAtMs && completedAtMs <= seenAtMs)) {
        throw new Error(`${driver.tag} bench: the session's completedAt ${session.completedAt} is outside the run (${requestedAtMs}..${seenAtMs})`);
      }
      return {
        ms: completedAtMs - requestedAtMs,
        completedAtMs,
        created: session.created,
        processed: session.processed,
        errors: session.errors,
        conflicts: session.conflicts,
        calls: totalOf(calls),
        callsByEndpoint: calls,
      };
    }
    if (seenAtMs - requestedAtMs > limitMs) {
      throw new Error(`${driver.tag} bench: the import of ${expected} ${driver.noun}s was still running after ${limitMs} ms (processed ${session.processed}, created ${session.created})`);
    }
    await sleep(POLL_EVERY_MS);
  }
}
