// `npm run bench -- propagation`: how fast a change made in one connected tool reaches another
// through Lockstep. A signed delivery changes a ticket's title at project IN; the bench times it
// until the generic webhook receiver gets OUT's `ticket.updated` carrying that title, at a fixed
// offered load, in changes per second and p50/p99 latency. Beside it, the same payloads at the same
// rate through one raw JetStream publish-and-consume hop on the same NATS: the floor of the bus
// Lockstep is built on, so the ratio is the price of everything Lockstep adds around it (HTTP in,
// the inbox, three outbox commits each relayed through JetStream, the merge, the push out).
import { randomUUID } from 'node:crypto';
import { availableParallelism, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { createGenericWebhookSimulator } from '#simulators/generic-webhook/simulator.ts';
import type { BenchFigure, BenchSuite } from './figure.ts';
import { createAdminClient } from './support/admin-client.ts';
import { startBenchLockstep } from './support/bench-lockstep.ts';
import { watchDeliveries } from './support/delivery-watch.ts';
import { runAtFixedRate, type FixedRate } from './support/fixed-rate.ts';
import { measureJetStreamRoundTrip, type RoundTripRun } from './support/jetstream-round-trip.ts';
import { describeLatency, ms, summarize, type LatencySummary } from './support/latency.ts';
import { setUpPropagation, type LinkedTicket } from './support/propagation-fixture.ts';
import { pushedUpdates, type PushedUpdate } from './support/push-timeline.ts';

/** Changes offered per second, for Lockstep and for the baseline alike. */
const RATE = 20;
/** Measured changes: 10 s at RATE. */
const MEASURED = 200;
/** Tickets the changes rotate over: each gets one every TICKETS / RATE = 2 s, never two at once. */
const TICKETS = 40;
/** How long one change may take to arrive before it counts as lost. */
const ARRIVAL_LIMIT_MS = 10_000;
const SECRET = `bench-receiver-${randomUUID()}`;

/** One change sent at IN and what became of it at OUT (times in ms since the epoch). */
interface Change {
  readonly ticket: LinkedTicket;
  /** The exact delivery body, replayed by the baseline. */
  readonly body: string;
  readonly status: number;
  /** Its slot in the schedule; latency counts from here, so waiting for a ticket is not hidden. */
  readonly dueAtMs: number;
  readonly sentAtMs: number;
  readonly acceptedAtMs: number;
  readonly arrivedAtMs: number | undefined;
  /** It had to wait for its ticket's previous change to arrive (only when Lockstep falls behind). */
  readonly waited: boolean;
}

/** Where a measured change spent its time, from the push job Lockstep made for it. */
interface Split {
  /** Send start to the push job's creation: webhook, inbox, two relay hops, the merge, the plan. */
  readonly planned: LatencySummary;
  /** Push job creation to the receiver: one relay hop, the push worker, the HTTP POST. */
  readonly pushed: LatencySummary;
  /** Push jobs that needed more than one attempt. */
  readonly retried: number;
}

interface LockstepRun {
  readonly warmup: readonly Change[];
  readonly changes: readonly Change[];
  readonly lateness: LatencySummary;
  readonly split: Split;
  /** Deliveries at the receiver nobody waited for (a push to IN would show here). */
  readonly unexpected: readonly string[];
  /** 1-minute load average when the measured changes started. */
  readonly load: number;
  /** Share of the measured run the process's event loop was busy (Lockstep, sender and receiver). */
  readonly busy: number;
}

/** Tickets free to take a change; `take` waits (and says so) when every ticket has one in flight. */
function ticketPool(tickets: readonly LinkedTicket[]) {
  const free = [...tickets];
  const waiting: Array<(ticket: LinkedTicket) => void> = [];
  return {
    async take(): Promise<{ ticket: LinkedTicket; waited: boolean }> {
      const ticket = free.shift();
      if (ticket) return { ticket, waited: false };
      return { ticket: await new Promise<LinkedTicket>((resolve) => waiting.push(resolve)), waited: true };
    },
    give(ticket: LinkedTicket): void {
      const next = waiting.shift();
      if (next) next(ticket);
      else free.push(ticket);
    },
  };
}

/** Why `changes` cannot be timed: deliveries refused, or changes that never reached OUT. */
function problemsOf(phase: string, changes: readonly Change[]): string[] {
  const problems: string[] = [];
  const refused = changes.filter((change) => change.status !== 202);
  const lost = changes.filter((change) => change.status === 202 && change.arrivedAtMs === undefined);
  if (refused.length > 0) problems.push(`${phase}: ${refused.length} deliveries not answered 202 (first: ${refused[0]?.status})`);
  if (lost.length > 0) problems.push(`${phase}: ${lost.length} changes did not reach OUT within ${ARRIVAL_LIMIT_MS} ms`);
  return problems;
}

/** Matches each arrived change to the update job created for its ticket between its send and arrival. */
function splitByPushJob(changes: readonly Change[], jobs: readonly PushedUpdate[]): Split {
  const planned: number[] = [];
  const pushed: number[] = [];
  let retried = 0;
  for (const { ticket, sentAtMs, arrivedAtMs } of changes) {
    if (arrivedAtMs === undefined) continue;
    const job = jobs.find((candidate) => candidate.ticketId === ticket.id && candidate.createdAtMs >= sentAtMs && candidate.createdAtMs <= arrivedAtMs);
    if (!job) continue;
    planned.push(job.createdAtMs - sentAtMs);
    pushed.push(arrivedAtMs - job.createdAtMs);
    if (job.attempts > 0) retried += 1;
  }
  return { planned: summarize(planned), pushed: summarize(pushed), retried };
}

async function measureLockstep(): Promise<LockstepRun> {
  const receiver = createGenericWebhookSimulator({ secret: SECRET });
  await receiver.start();
  try {
    await using lockstep = await startBenchLockstep();
    const admin = createAdminClient(lockstep.url, lockstep.adminToken);
    const { inbound, outbound, tickets } = await setUpPropagation(admin, receiver, SECRET, TICKETS);
    const watch = watchDeliveries(receiver);
    try {
      const pool = ticketPool(tickets);
      const change = (phase: 'warm' | 'load') => async (index: number): Promise<Change> => {
        const dueAtMs = Date.now();
        const { ticket, waited } = await pool.take();
        // Same length every time, so every delivery (and the baseline's payload) has the same size.
        const title = `Propagation ${phase} ${String(index).padStart(4, '0')}`;
        const deliveryId = randomUUID();
        const arrival = watch.expect(ticket.outExternalId, title, ARRIVAL_LIMIT_MS);
        const sentAtMs = Date.now();
        const status = await receiver
          .sendChange({ webhookUrl: inbound.webhookUrl, secret: inbound.webhookSecret, externalId: ticket.inExternalId, fields: { title }, deliveryId })
          .catch(() => 0);
        const acceptedAtMs = Date.now();
        const delivery = status === 202 ? await arrival : undefined;
        pool.give(ticket);
        const body = receiver.sent.find((sent) => sent.deliveryId === deliveryId)?.body ?? '';
        return { ticket, body, status, dueAtMs, sentAtMs, acceptedAtMs, arrivedAtMs: delivery?.receivedAtMs, waited };
      };
      const rate = (count: number): FixedRate => ({ count, perSecond: RATE });
      // One change per ticket first: connection pools, JIT, and each IN item's first report.
      const warmup = (await runAtFixedRate(rate(TICKETS), change('warm'))).results;
      const problems = problemsOf('warm-up', warmup);
      if (problems.length > 0) throw new Error(`propagation bench: ${problems.join('; ')}`);
      await sleep(300);
      const load = loadavg()[0] ?? Number.NaN;
      const before = performance.eventLoopUtilization();
      const run = await runAtFixedRate(rate(MEASURED), change('load'));
      const { utilization: busy } = performance.eventLoopUtilization(before);
      const jobs = await pushedUpdates(admin, outbound.id, tickets.map((ticket) => ticket.id));
      const split = splitByPushJob(run.results, jobs);
      return { warmup, changes: run.results, lateness: run.lateness, split, unexpected: watch.unexpected, load, busy };
    } finally {
      watch.stop();
    }
  } finally {
    await receiver.stop();
  }
}

function figuresOf(lockstep: LockstepRun, baseline: RoundTripRun): BenchFigure[] {
  const arrived = lockstep.changes.flatMap(({ dueAtMs, sentAtMs, acceptedAtMs, arrivedAtMs }) =>
    arrivedAtMs === undefined ? [] : [{ dueAtMs, sentAtMs, acceptedAtMs, arrivedAtMs }]);
  const latency = summarize(arrived.map((change) => change.arrivedAtMs - change.dueAtMs));
  const accepted = summarize(arrived.map((change) => change.acceptedAtMs - change.sentAtMs));
  const windowMs = Math.max(...arrived.map((change) => change.arrivedAtMs)) - Math.min(...arrived.map((change) => change.dueAtMs));
  const perSecond = arrived.length / (windowMs / 1000);
  const jetstream = summarize(baseline.latencies);
  const bytes = Math.max(...lockstep.changes.map((change) => Buffer.byteLength(change.body)));
  const waited = lockstep.changes.filter((change) => change.waited).length;
  const { split } = lockstep;

  const offered =
    `offered ${RATE}/s: ${MEASURED} changes over ${TICKETS} tickets after ${TICKETS} warm-up changes, all answered 202 and all arrived; ` +
    `${bytes}-byte deliveries; sends late by p99 ${ms(lockstep.lateness.p99)}, ${waited} waited for their ticket (timed from their slot); ` +
    `JetStream ${baseline.perSecond.toFixed(2)} msgs/s at the same rate; ` +
    `event loop ${(lockstep.busy * 100).toFixed(0)}% busy, 1-min load average ${lockstep.load.toFixed(2)} on ${availableParallelism()} CPUs`;
  const unexpected = lockstep.unexpected.length > 0 ? `; ${lockstep.unexpected.length} unexpected deliveries (first: ${lockstep.unexpected[0]})` : '';
  const where =
    `202 after ${describeLatency(accepted)}; push job planned ${describeLatency(split.planned)} after the send, ` +
    `received ${describeLatency(split.pushed)} after planning (${split.planned.count} matched to push jobs, ${split.retried} retried)`;
  const compared = (label: string, lockstepMs: number, jetstreamMs: number) =>
    `${label}: Lockstep ${ms(lockstepMs)} vs JetStream ${ms(jetstreamMs)} — lower is better, the ratio is Lockstep / JetStream`;

  return [
    {
      name: 'propagation changes/s through Lockstep',
      value: perSecond,
      unit: 'changes/s',
      baseline: { name: 'JetStream publish->consume', value: baseline.perSecond },
      detail: `${offered}${unexpected}`,
    },
    {
      name: 'propagation p50 latency',
      value: latency.p50,
      unit: 'ms',
      baseline: { name: 'JetStream round trip p50', value: jetstream.p50 },
      detail: `${compared('p50', latency.p50, jetstream.p50)}; ${where}`,
    },
    {
      name: 'propagation p99 latency',
      value: latency.p99,
      unit: 'ms',
      baseline: { name: 'JetStream round trip p99', value: jetstream.p99 },
      detail: `${compared('p99', latency.p99, jetstream.p99)}; max ${ms(latency.max)} (JetStream ${ms(jetstream.max)})`,
    },
  ];
}

export const run: BenchSuite = async () => {
  const lockstep = await measureLockstep();
  const problems = problemsOf('measured', lockstep.changes);
  if (problems.length > 0) throw new Error(`propagation bench: the figures would mean nothing: ${problems.join('; ')}`);
  const baseline = await measureJetStreamRoundTrip(
    process.env['NATS_URL'] ?? 'nats://127.0.0.1:4222',
    lockstep.changes.map((change) => change.body),
    lockstep.warmup.map((change) => change.body),
    RATE,
  );
  if (baseline.lost > 0) throw new Error(`propagation bench: ${baseline.lost} JetStream baseline messages were not consumed in time`);
  return figuresOf(lockstep, baseline);
};
