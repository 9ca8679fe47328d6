// The latency half of a tracker bench: changes made at a fixed offered rate on one side of a
// linked item and timed until the other side holds them. Tracker -> hub: a person's edit in the
// simulator (which fires the webhook or business rule) until the public `ticketChanged`
// subscription shows the title; hub -> tracker: `updateTicket` until the simulator holds it, by the
// simulator's own stamp of the edit. One change per item at a time; every change must arrive, or
// the run throws.
import { setTimeout as sleep } from 'node:timers/promises';
import type { AdminClient } from './admin-client.ts';
import type { BenchLockstep } from './bench-lockstep.ts';
import { runAtFixedRate } from './fixed-rate.ts';
import { createItemPool } from './item-pool.ts';
import { summarize, type LatencySummary } from './latency.ts';
import { pushedUpdates } from './push-timeline.ts';
import { watchTickets } from './ticket-watch.ts';
import type { TrackerDelivery, TrackerDriver, TrackerSimulator } from './tracker-driver.ts';
import { watchTitles } from './tracker-title-watch.ts';

/** Changes offered per second in each direction, to Lockstep and to the baselines alike. */
export const RATE = 5;
/** Measured changes per direction: 8 s at RATE. */
export const MEASURED = 40;
/** Items per direction; each gets a change every LINKED / RATE = 4 s, never two at once. */
export const LINKED = 20;
/** How long one change may take to arrive before it counts as lost. */
const ARRIVAL_LIMIT_MS = 10_000;
/** How long Lockstep may take to go quiet (outbox published, webhooks answered) between phases. */
const QUIET_LIMIT_MS = 30_000;

/** Same length every time for a side, so every delivery (and its baseline replay) has the same size. */
export const changedTitle = (side: string, phase: 'warm' | 'load', index: number) => `${side} ${phase} edit ${String(index).padStart(4, '0')}`;

/** An item imported into the hub (by the connector's externalId), with the ticket it became. */
export interface LinkedIssue {
  readonly key: string;
  readonly ticketId: string;
}

/** A bench's tracker and its running simulator. */
export interface Tracker {
  readonly driver: TrackerDriver;
  readonly simulator: TrackerSimulator;
}

const totalOf = (calls: ReadonlyMap<string, number>) => [...calls.values()].reduce((sum, n) => sum + n, 0);

/** A change sent on one side and when (epoch ms) it was seen on the other. */
export interface TimedChange {
  readonly issue: LinkedIssue;
  /** Its slot in the schedule; latency counts from here, so waiting for a busy issue is not hidden. */
  readonly dueAtMs: number;
  readonly sentAtMs: number;
  /** Undefined when it never arrived (the bench then throws). */
  readonly arrivedAtMs: number | undefined;
  /** Where the time went: inbound `appliedAtMs` (ticket updatedAt); outbound the mutation's answer. */
  readonly midAtMs: number | undefined;
  readonly waited: boolean;
  readonly problem: string | undefined;
}

/** The measured changes of one direction. */
export interface DirectionRun {
  readonly changes: readonly TimedChange[];
  /** Tracker API calls during the measured changes until Lockstep went quiet, by endpoint. */
  readonly calls: ReadonlyMap<string, number>;
  readonly lateness: LatencySummary;
}

const UPDATE = 'mutation($input: UpdateTicketInput!) { updateTicket(input: $input) { ticket { id title } } }';

/** Waits until the outbox is published and the simulator's deliveries answered; how long it took. */
export async function quiet(lockstep: BenchLockstep, { driver, simulator }: Tracker): Promise<number> {
  const started = Date.now();
  for (;;) {
    await simulator.settled();
    if ((await lockstep.outboxPending()) === 0) {
      // Pushes planned from the last events are posted after the relay; give them a moment to show.
      const calls = totalOf(simulator.calls);
      await sleep(500);
      if (totalOf(simulator.calls) === calls && (await lockstep.outboxPending()) === 0) return Date.now() - started - 500;
    }
    if (Date.now() - started > QUIET_LIMIT_MS) throw new Error(`${driver.tag} bench: Lockstep did not go quiet within ${QUIET_LIMIT_MS} ms`);
    await sleep(100);
  }
}

/** Runs `warm` then the measured changes of one direction, each change timed by `change`. */
async function paced(
  lockstep: BenchLockstep,
  tracker: Tracker,
  issues: readonly LinkedIssue[],
  change: (issue: LinkedIssue, phase: 'warm' | 'load', index: number) => Promise<Omit<TimedChange, 'issue' | 'dueAtMs' | 'waited'>>,
): Promise<DirectionRun> {
  const pool = createItemPool(issues);
  const operate = (phase: 'warm' | 'load') => async (index: number): Promise<TimedChange> => {
    const dueAtMs = Date.now();
    const { item: issue, waited } = await pool.take();
    try {
      return { issue, dueAtMs, waited, ...(await change(issue, phase, index)) };
    } finally {
      pool.give(issue);
    }
  };
  // One change per issue first: connection pools, JIT, the first push of each issue.
  const warm = await runAtFixedRate({ count: issues.length, perSecond: RATE }, operate('warm'));
  const failed = warm.results.filter((result) => result.problem !== undefined || result.arrivedAtMs === undefined);
  if (failed.length > 0) {
    throw new Error(`${tracker.driver.tag} bench: ${failed.length} warm-up changes failed (first: ${failed[0]?.problem ?? 'never arrived'})`);
  }
  await quiet(lockstep, tracker);
  tracker.simulator.resetCalls();
  const run = await runAtFixedRate({ count: MEASURED, perSecond: RATE }, operate('load'));
  await quiet(lockstep, tracker);
  return { changes: run.results, calls: new Map(tracker.simulator.calls), lateness: run.lateness };
}

/** Throws unless every measured change of `label` was accepted and arrived. */
function checkArrived(tag: string, label: string, run: DirectionRun): void {
  const problems = run.changes.filter((change) => change.problem !== undefined);
  const lost = run.changes.filter((change) => change.problem === undefined && change.arrivedAtMs === undefined);
  const messages = [
    ...(problems.length > 0 ? [`${problems.length} changes failed (first: ${problems[0]?.problem})`] : []),
    ...(lost.length > 0 ? [`${lost.length} changes did not arrive within ${ARRIVAL_LIMIT_MS} ms`] : []),
  ];
  if (messages.length > 0) throw new Error(`${tag} bench: ${label}: ${messages.join('; ')}; its latency would mean nothing`);
}

export interface TowardsHub {
  readonly run: DirectionRun;
  /** The measured changes' delivery bodies, replayed by the baseline. */
  readonly bodies: readonly string[];
}

/** Tracker -> hub: a person's edit (the simulator fires the delivery) until `ticketChanged` shows it. */
export async function measureTowardsHub(lockstep: BenchLockstep, tracker: Tracker, issues: readonly LinkedIssue[]): Promise<TowardsHub> {
  const { driver, simulator } = tracker;
  await using watch = watchTickets(lockstep.url, lockstep.adminToken, issues.map((issue) => issue.ticketId));
  // Each subscription starts its JetStream consumer after the subscribe message; let them settle.
  await sleep(500);
  const sent = new Map<string, TrackerDelivery>();
  const run = await paced(lockstep, tracker, issues, async (issue, phase, index) => {
    const title = changedTitle(driver.tag, phase, index);
    const arrival = watch.expect(issue.ticketId, title, ARRIVAL_LIMIT_MS);
    const sentAtMs = Date.now();
    const delivery = simulator.personRetitle(issue.key, title);
    if (typeof delivery === 'string') return { sentAtMs, arrivedAtMs: undefined, midAtMs: undefined, problem: delivery };
    sent.set(title, delivery);
    const arrived = await arrival;
    return { sentAtMs, arrivedAtMs: arrived?.arrivedAtMs, midAtMs: arrived?.updatedAtMs, problem: undefined };
  });
  if (watch.errors.length > 0) throw new Error(`${driver.tag} bench: ticketChanged subscription errors: ${watch.errors.slice(0, 3).join('; ')}`);
  const refused = [...sent.values()].filter((delivery) => !delivery.statuses.every((status) => status >= 200 && status < 300));
  if (refused.length > 0) {
    throw new Error(`${driver.tag} bench: ${refused.length} deliveries were not answered 2xx (first: ${refused[0]?.statuses.join(',')})`);
  }
  checkArrived(driver.tag, `${driver.name} -> hub`, run);
  const bodies = Array.from({ length: MEASURED }, (_, index) => sent.get(changedTitle(driver.tag, 'load', index))?.body ?? '');
  const missing = bodies.filter((body) => body === '').length;
  if (missing > 0) throw new Error(`${driver.tag} bench: ${missing} measured deliveries have no body to replay`);
  return { run, bodies };
}

export interface TowardsTracker {
  readonly run: DirectionRun;
  /** Send to push job creation, and push job creation to the edit in the tracker, from `pushJobs`. */
  readonly planned: LatencySummary;
  readonly pushed: LatencySummary;
  /** Push jobs that needed more than one attempt. */
  readonly retried: number;
}

/** hub -> tracker: `updateTicket` until the simulator holds the title (its own stamp of the edit). */
export async function measureTowardsTracker(
  lockstep: BenchLockstep,
  admin: AdminClient,
  tracker: Tracker,
  projectId: string,
  issues: readonly LinkedIssue[],
): Promise<TowardsTracker> {
  const titles = watchTitles(tracker.simulator);
  let run: DirectionRun;
  try {
    run = await paced(lockstep, tracker, issues, async (issue, phase, index) => {
      const title = changedTitle('hub', phase, index);
      const arrival = titles.expect(issue.key, title, ARRIVAL_LIMIT_MS);
      const sentAtMs = Date.now();
      const answer = await admin.run<{ updateTicket: { ticket: { title: string } } }>(UPDATE, { input: { id: issue.ticketId, title } }).then(
        (data) => (data.updateTicket.ticket.title === title ? undefined : `updateTicket answered title ${data.updateTicket.ticket.title}`),
        (error: unknown) => String(error),
      );
      const answeredAtMs = Date.now();
      const arrived = answer === undefined ? await arrival : undefined;
      if (arrived && !(arrived.updatedMs >= sentAtMs && arrived.updatedMs <= arrived.seenAtMs)) {
        return { sentAtMs, arrivedAtMs: undefined, midAtMs: answeredAtMs, problem: `${issue.key} was stamped ${arrived.updatedMs}, outside ${sentAtMs}..${arrived.seenAtMs}` };
      }
      return { sentAtMs, arrivedAtMs: arrived?.updatedMs, midAtMs: answeredAtMs, problem: answer };
    });
  } finally {
    titles.stop();
  }
  checkArrived(tracker.driver.tag, `hub -> ${tracker.driver.name}`, run);
  const jobs = await pushedUpdates(admin, projectId, issues.map((issue) => issue.ticketId));
  const planned: number[] = [];
  const pushed: number[] = [];
  let retried = 0;
  for (const { issue, sentAtMs, arrivedAtMs } of run.changes) {
    if (arrivedAtMs === undefined) continue;
    const job = jobs.find((candidate) => candidate.ticketId === issue.ticketId && candidate.createdAtMs >= sentAtMs && candidate.createdAtMs <= arrivedAtMs);
    if (!job) continue;
    planned.push(job.createdAtMs - sentAtMs);
    pushed.push(arrivedAtMs - job.createdAtMs);
    if (job.attempts > 0) retried += 1;
  }
  return { run, planned: summarize(planned), pushed: summarize(pushed), retried };
}

