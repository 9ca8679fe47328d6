// `npm run bench -- alerts`: an alert storm through one source. 10,000 Alertmanager webhook v4
// notifications over 500 groups, half of them repeats (support/alert-storm.ts), posted to an
// ALERTMANAGER project of a real Lockstep (started as every bench starts it). Twice, each on a fresh
// Lockstep: first as fast as CONCURRENCY senders go (capacity), then at a fixed rate of half what
// the first run applied. Each run must end with exactly one ticket per group (read through GraphQL),
// each in the state its last notification says, every delivery answered 2xx and processed, or the
// bench throws. Beside them, the ingest baseline: the same bodies published to JetStream and acked,
// at the same concurrency and at the same rate (support/ingest-baseline.ts).
import { availableParallelism, loadavg } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { postAlertBody } from '#simulators/alertmanager/sender.ts';
import type { BenchFigure, BenchSuite } from './figure.ts';
import { createAdminClient, type AdminClient } from './support/admin-client.ts';
import { buildAlertStorm, type AlertStorm } from './support/alert-storm.ts';
import { checkStorm, readAlertTickets, type StormOutcome } from './support/alert-tickets.ts';
import { startBenchLockstep, type InboxRow } from './support/bench-lockstep.ts';
import { runClosedLoop } from './support/closed-loop.ts';
import { runAtFixedRate } from './support/fixed-rate.ts';
import { measureJetStreamIngest, type IngestLoad, type IngestRun } from './support/ingest-baseline.ts';
import { describeLatency, ms, summarize, type LatencySummary } from './support/latency.ts';

/** Alert groups of the storm; each gets 2 x STEPS notifications. */
const GROUPS = 500;
/** Requests in flight at once in the capacity run (keep-alive connections of one client). */
const CONCURRENCY = 32;
/** How long the inbox may take to drain after the last notification was answered. */
const DRAIN_LIMIT_MS = 300_000;
/** Bodies (the storm's first) the baseline publishes at the fixed rate. */
const PACED_BASELINE = 2_000;

const CONNECT = `mutation($input: ConnectExternalProjectInput!) {
  connectExternalProject(input: $input) { project { id webhookUrl webhookSecret } }
}`;

interface AlertSource {
  readonly id: string;
  readonly webhookUrl: string;
  readonly webhookSecret: string;
}

async function connectAlertmanager(admin: AdminClient): Promise<AlertSource> {
  const input = { name: 'Prometheus storm', kind: 'ALERTMANAGER', direction: 'PULL', config: {}, credentials: {} };
  const data = await admin.run<{ connectExternalProject: { project: AlertSource } }>(CONNECT, { input });
  return data.connectExternalProject.project;
}

/** One POST and its answer (ms since the epoch). */
interface Sent {
  readonly status: number;
  /** The answer's `error`, when it has one. */
  readonly error?: string;
  readonly sentAtMs: number;
  readonly answeredAtMs: number;
}

/** What one storm through Lockstep produced. */
interface StormRun {
  readonly sent: readonly Sent[];
  /** Late starts against the schedule (fixed rate only). */
  readonly lateness?: LatencySummary;
  readonly inbox: readonly InboxRow[];
  readonly outcome: StormOutcome;
  /** The process's 1-min load average before the storm. */
  readonly load: number;
}

async function waitForInbox(read: () => Promise<InboxRow[]>, expected: number): Promise<InboxRow[]> {
  const deadline = Date.now() + DRAIN_LIMIT_MS;
  for (;;) {
    const rows = await read();
    if (rows.length >= expected && rows.every((row) => row.status !== 'pending')) return rows;
    if (Date.now() > deadline) {
      const pending = rows.filter((row) => row.status === 'pending').length;
      throw new Error(`alerts bench: ${rows.length} of ${expected} deliveries stored, ${pending} still pending ${DRAIN_LIMIT_MS} ms after the storm`);
    }
    await sleep(250);
  }
}

/** Sends `storm` to a fresh Lockstep under `load` and waits until every delivery was processed. */
async function stormThroughLockstep(storm: AlertStorm, load: IngestLoad): Promise<StormRun> {
  await using lockstep = await startBenchLockstep();
  const admin = createAdminClient(lockstep.url, lockstep.adminToken);
  const source = await connectAlertmanager(admin);
  const send = async (index: number): Promise<Sent> => {
    const body = storm.notifications[index]?.body ?? '';
    const sentAtMs = Date.now();
    const { status, answer } = await postAlertBody(source.webhookUrl, source.webhookSecret, body).catch((error: unknown) => ({
      status: 0,
      answer: { error: String(error) },
    }));
    return { status, ...(answer?.error !== undefined ? { error: answer.error } : {}), sentAtMs, answeredAtMs: Date.now() };
  };
  await sleep(300);
  const loadAverage = loadavg()[0] ?? Number.NaN;
  const count = storm.notifications.length;
  let sent: readonly Sent[];
  let lateness: LatencySummary | undefined;
  if ('concurrency' in load) {
    sent = (await runClosedLoop(count, load.concurrency, send)).results;
  } else {
    const paced = await runAtFixedRate({ count, perSecond: load.perSecond }, send);
    sent = paced.results;
    lateness = paced.lateness;
  }
  const refused = sent.filter((one) => one.status < 200 || one.status >= 300);
  if (refused.length > 0) throw new Error(`alerts bench: ${refused.length} notifications not answered 2xx (first: ${refused[0]?.status} ${refused[0]?.error})`);
  const distinct = new Set(storm.notifications.map((notification) => notification.deliveryId)).size;
  const inbox = await waitForInbox(() => lockstep.inbox(), distinct);
  const outcome = checkStorm(await readAlertTickets(admin), storm.groups);
  return { sent, ...(lateness ? { lateness } : {}), inbox, outcome, load: loadAverage };
}

/** How a run fared, in the figures' terms. */
interface RunSummary {
  /** 2xx answers per second, first send to last answer. */
  readonly acceptedPerSecond: number;
  /** Distinct deliveries processed per second, first send to the last processed. */
  readonly appliedPerSecond: number;
  readonly answered: LatencySummary;
  /** A group's first send to its ticket's creation, and a notification's send to the status change it made. */
  readonly toTicket: LatencySummary;
  /** A delivery's first send to the inbox marking it processed, every distinct delivery. */
  readonly toProcessed: LatencySummary;
  readonly statusChanges: { readonly seen: number; readonly expected: number };
  /** Seconds from the last answer to the last delivery processed. */
  readonly drainSeconds: number;
}

function summarizeRun(storm: AlertStorm, run: StormRun): RunSummary {
  const problems = [...run.outcome.problems];
  const failed = run.inbox.filter((row) => row.status === 'failed');
  if (failed.length > 0) problems.push(`${failed.length} deliveries failed`);
  const stored = new Set(run.inbox.map((row) => row.deliveryId));
  const missing = storm.notifications.filter((notification) => !stored.has(notification.deliveryId));
  if (missing.length > 0) problems.push(`${missing.length} accepted notifications not in the inbox`);
  // A delivery's time: the first send of a body with its id (a resend carries the same id).
  const firstSent = new Map<string, number>();
  const groupFirstSent = new Map<number, number>();
  storm.notifications.forEach((notification, index) => {
    const at = run.sent[index]?.sentAtMs ?? Number.NaN;
    firstSent.set(notification.deliveryId, Math.min(firstSent.get(notification.deliveryId) ?? Infinity, at));
    groupFirstSent.set(notification.group, Math.min(groupFirstSent.get(notification.group) ?? Infinity, at));
  });
  const toTicket: number[] = [];
  let seen = 0;
  for (const [group, ticket] of run.outcome.byGroup) {
    toTicket.push(ticket.createdAtMs - (groupFirstSent.get(group) ?? Number.NaN));
    for (const change of ticket.statusChanges) {
      seen += 1;
      const sentAtMs = firstSent.get(change.deliveryId ?? '');
      if (sentAtMs === undefined) problems.push(`ticket ${ticket.title}: status change by unknown delivery ${change.deliveryId}`);
      else toTicket.push(change.atMs - sentAtMs);
    }
  }
  const expected = storm.groups.reduce((sum, group) => sum + group.statusChanges, 0);
  // Notifications handled out of order may fold a resolve and its reopen into nothing; more than sent is noise.
  if (seen > expected) problems.push(`${seen} ticket status changes, more than the ${expected} the notifications call for`);
  if (problems.length > 0) throw new Error(`alerts bench: the storm was not applied as sent: ${problems.slice(0, 10).join('; ')}`);

  const firstSend = Math.min(...run.sent.map((one) => one.sentAtMs));
  const lastAnswer = Math.max(...run.sent.map((one) => one.answeredAtMs));
  const lastProcessed = Math.max(...run.inbox.map((row) => row.processedAtMs ?? Number.NaN));
  return {
    acceptedPerSecond: run.sent.length / ((lastAnswer - firstSend) / 1000),
    appliedPerSecond: run.inbox.length / ((lastProcessed - firstSend) / 1000),
    answered: summarize(run.sent.map((one) => one.answeredAtMs - one.sentAtMs)),
    toTicket: summarize(toTicket),
    toProcessed: summarize(run.inbox.map((row) => (row.processedAtMs ?? Number.NaN) - (firstSent.get(row.deliveryId) ?? Number.NaN))),
    statusChanges: { seen, expected },
    drainSeconds: Math.max(0, lastProcessed - lastAnswer) / 1000,
  };
}

function stormDetail(storm: AlertStorm, run: StormRun, summary: RunSummary): string {
  const copies = (copy: string) => storm.notifications.filter((notification) => notification.copy === copy).length;
  return (
    `${storm.notifications.length} notifications (${copies('original')} distinct, ${copies('resend')} identical resends, ` +
    `${copies('peer')} HA-peer copies) over ${storm.groups.length} groups, all answered 2xx in ${describeLatency(summary.answered)}; ` +
    `${run.inbox.length} distinct deliveries stored, all processed: ${summary.appliedPerSecond.toFixed(0)}/s from the first send to the last processed ` +
    `(inbox drained ${summary.drainSeconds.toFixed(1)} s after the last answer); ` +
    `${run.outcome.byGroup.size} tickets, each group's final state as sent; ` +
    `${summary.statusChanges.seen} of ${summary.statusChanges.expected} status changes seen (fewer: out-of-order notifications folded); ` +
    `1-min load average ${run.load.toFixed(2)} on ${availableParallelism()} CPUs`
  );
}

const HOW_TIMED =
  'timed from the POST start (bench clock) to the ticket createdAt (the group\'s first notification) or to the status change ' +
  'in Ticket.history whose deliveryId is that notification\'s (server clock, same process), all read through GraphQL after the storm; ' +
  'the server stamps a change inside its transaction, a few ms before it commits';

function figuresOf(storm: AlertStorm, capacity: RunSummary, capacityRun: StormRun, capacityBase: IngestRun, paced: RunSummary, pacedRun: StormRun, pacedBase: IngestRun, rate: number): BenchFigure[] {
  const ack = summarize(capacityBase.latencies);
  const pacedAck = summarize(pacedBase.latencies);
  const lateness = pacedRun.lateness ? `; sends late by p99 ${ms(pacedRun.lateness.p99)}` : '';
  const compared = (label: string, lockstepMs: number, baselineMs: number) =>
    `${label}: Lockstep ${ms(lockstepMs)} vs JetStream publish-and-ack ${ms(baselineMs)} at the same rate — lower is better, the ratio is Lockstep / JetStream`;
  return [
    {
      name: 'alert storm accepted notifications/s (capacity)',
      value: capacity.acceptedPerSecond,
      unit: 'notifications/s',
      baseline: { name: 'JetStream publish-and-ack of the same bodies', value: capacityBase.perSecond },
      detail:
        `higher is better; as fast as ${CONCURRENCY} concurrent senders go (one client, keep-alive, Alertmanager webhook v4 with ?secret=), ` +
        `the baseline with ${CONCURRENCY} publishers awaiting their acks (ack ${describeLatency(ack)}); ${stormDetail(storm, capacityRun, capacity)}; ` +
        `delivery -> ticket ${describeLatency(capacity.toTicket)} (includes the inbox backlog), delivery -> processed ${describeLatency(capacity.toProcessed)}`,
    },
    {
      name: 'alert storm tickets created',
      value: pacedRun.outcome.byGroup.size,
      unit: 'tickets',
      detail:
        `exactly ${storm.groups.length} expected, one per group, in both runs (capacity: ${capacityRun.outcome.byGroup.size}); ` +
        `read through GraphQL: no group without or with two tickets, every group RESOLVED or OPEN and each alert FIRING or RESOLVED ` +
        `as its last notification says, every accepted delivery processed, none failed: 0 notifications lost`,
    },
    {
      name: 'alert storm delivery -> ticket p50',
      value: paced.toTicket.p50,
      unit: 'ms',
      baseline: { name: 'JetStream publish-and-ack p50', value: pacedAck.p50 },
      detail:
        `${compared('p50', paced.toTicket.p50, pacedAck.p50)}; offered ${rate}/s (the baseline: the first ${PACED_BASELINE} bodies at the same rate; half of the ${capacity.appliedPerSecond.toFixed(0)}/s the capacity run applied)${lateness}; ` +
        `${paced.toTicket.count} samples (${capacity.toTicket.count} in the capacity run): each ticket's creation and each status change (resolve, reopen); ${HOW_TIMED}; ` +
        `${stormDetail(storm, pacedRun, paced)}`,
    },
    {
      name: 'alert storm delivery -> ticket p99',
      value: paced.toTicket.p99,
      unit: 'ms',
      baseline: { name: 'JetStream publish-and-ack p99', value: pacedAck.p99 },
      detail: `${compared('p99', paced.toTicket.p99, pacedAck.p99)}; max ${ms(paced.toTicket.max)}; delivery -> processed (every distinct delivery) ${describeLatency(paced.toProcessed)}`,
    },
    {
      name: 'alert storm 2xx answer p99 at half load',
      value: paced.answered.p99,
      unit: 'ms',
      baseline: { name: 'JetStream publish-and-ack p99', value: pacedAck.p99 },
      detail: `${compared('p99', paced.answered.p99, pacedAck.p99)}; p50 ${ms(paced.answered.p50)}; ${paced.acceptedPerSecond.toFixed(0)}/s accepted at ${rate}/s offered`,
    },
  ];
}

export const run: BenchSuite = async () => {
  const natsUrl = process.env['NATS_URL'] ?? 'nats://127.0.0.1:4222';
  // Source times in the past (future-dated reports are refused), within the reopen window.
  const storm = buildAlertStorm(GROUPS, Date.now() - 30 * 60_000);
  const bodies = storm.notifications.map((notification) => notification.body);

  const capacityRun = await stormThroughLockstep(storm, { concurrency: CONCURRENCY });
  const capacity = summarizeRun(storm, capacityRun);
  const capacityBase = await measureJetStreamIngest(natsUrl, bodies, { concurrency: CONCURRENCY });

  const rate = Math.max(1, Math.floor(Math.min(capacity.acceptedPerSecond, capacity.appliedPerSecond) / 2));
  const pacedRun = await stormThroughLockstep(storm, { count: bodies.length, perSecond: rate });
  const paced = summarizeRun(storm, pacedRun);
  // Enough publishes for a p99 at that rate, without doubling the bench's length.
  const pacedBase = await measureJetStreamIngest(natsUrl, bodies.slice(0, PACED_BASELINE), { count: PACED_BASELINE, perSecond: rate });
  return figuresOf(storm, capacity, capacityRun, capacityBase, paced, pacedRun, pacedBase, rate);
};
