// `npm run bench -- propagation`: how many changes per second Lockstep carries from one connected
// tool to another. A signed delivery changes a ticket's title at project IN; the change counts once
// the generic webhook receiver gets OUT's `ticket.updated` carrying that title. The offered rate
// ramps until p99 passes 250 ms or a change is lost (support/ramp.ts): that is the capacity, and
// p50/p99 are measured again at half of it. Baseline in the same run: a bare script doing the same
// I/O per change (support/bare-pipeline.ts), ramped the same way. Also: ingest (202s per second
// against a raw JetStream publish-and-ack of the same bodies) and capacity with a second process.
import { randomUUID } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { createGenericWebhookSimulator, type GenericWebhookSimulator } from '#simulators/generic-webhook/simulator.ts';
import type { BenchFigure, BenchSuite } from './figure.ts';
import { createAdminClient } from './support/admin-client.ts';
import { startBarePipeline } from './support/bare-pipeline.ts';
import { startBenchLockstep } from './support/bench-lockstep.ts';
import { runClosedLoop } from './support/closed-loop.ts';
import { watchDeliveries, type DeliveryWatch } from './support/delivery-watch.ts';
import { runAtFixedRate } from './support/fixed-rate.ts';
import { measureJetStreamIngest, type IngestRun } from './support/ingest-baseline.ts';
import { describeLatency, ms, summarize, type LatencySummary } from './support/latency.ts';
import { startLockstepProcess } from './support/lockstep-process.ts';
import { setUpPropagation } from './support/propagation-fixture.ts';
import { describeRamp, rampLoad, type RampResult, type StepOutcome } from './support/ramp.ts';

/** Tickets the changes rotate over; a ticket never has two changes in flight. */
const TICKETS = 100;
/** How long one change may take to arrive before it counts as lost. */
const ARRIVAL_LIMIT_MS = 10_000;
/** Ingest capacity: deliveries sent, and how many are in flight at once. */
const INGEST_COUNT = 2_000;
const INGEST_CONCURRENCY = 16;
/** Ingest latency: seconds offered at half the ingest capacity. */
const INGEST_PACED_SECONDS = 3;
const SECRET = `bench-receiver-${randomUUID()}`;
const NATS_URL = process.env['NATS_URL'] ?? 'nats://127.0.0.1:4222';
const DATABASE_URL = process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/lockstep';

/** One item linked on both sides. */
interface Linked {
  readonly inExternalId: string;
  readonly outExternalId: string;
}

/** A pipeline under test: where to send a change for IN's item, and a watch on OUT's receiver. */
interface Stage {
  readonly tickets: readonly Linked[];
  readonly watch: DeliveryWatch;
  /** POSTs the signed change; `index` lets a stage spread deliveries over several processes. */
  send(item: Linked, title: string, index: number): Promise<number>;
}

/** Tickets free to take a change; `take` waits when every ticket has one in flight. */
function ticketPool(tickets: readonly Linked[]) {
  const free = [...tickets];
  const waiting: Array<(ticket: Linked) => void> = [];
  return {
    async take(): Promise<Linked> {
      return free.shift() ?? new Promise<Linked>((resolve) => waiting.push(resolve));
    },
    give(ticket: Linked): void {
      const next = waiting.shift();
      if (next) next(ticket);
      else free.push(ticket);
    },
  };
}

/** Offers `count` changes at `perSecond` to `stage`; latency runs from each change's slot to its arrival. */
function offerTo(stage: Stage, tag: string) {
  const pool = ticketPool(stage.tickets);
  return async (perSecond: number, count: number, step: number): Promise<StepOutcome> => {
    const change = async (index: number): Promise<number | undefined> => {
      const dueAtMs = Date.now();
      const ticket = await pool.take();
      // Same length every time, so every delivery has the same size.
      const title = `Propagation ${tag} ${String(step).padStart(2, '0')} ${String(index).padStart(5, '0')}`;
      const arrival = stage.watch.expect(ticket.outExternalId, title, ARRIVAL_LIMIT_MS);
      const status = await stage.send(ticket, title, index).catch(() => 0);
      const delivery = status === 202 ? await arrival : undefined;
      pool.give(ticket);
      return delivery === undefined ? undefined : delivery.receivedAtMs - dueAtMs;
    };
    const cpu = process.cpuUsage();
    const { results } = await runAtFixedRate({ count, perSecond }, change);
    const { user, system } = process.cpuUsage(cpu);
    const latencies = results.filter((latency): latency is number => latency !== undefined);
    return { latencies, lost: results.length - latencies.length, cpuMsPerChange: (user + system) / 1000 / count };
  };
}

function sendVia(receiver: GenericWebhookSimulator, webhookUrls: readonly string[], secret: string): Stage['send'] {
  return (item, title, index) =>
    receiver.sendChange({ webhookUrl: webhookUrls[index % webhookUrls.length] ?? '', secret, externalId: item.inExternalId, fields: { title } });
}

/** `url`'s path on another origin: the same project's webhook on the second process. */
function onOrigin(url: string, origin: string): string {
  const moved = new URL(url);
  const target = new URL(origin);
  moved.protocol = target.protocol;
  moved.host = target.host;
  return moved.toString();
}

interface IngestFigures {
  readonly capacity: number;
  readonly capacityBase: IngestRun;
  readonly paced: LatencySummary;
  readonly pacedBase: IngestRun;
  readonly rate: number;
  readonly refused: number;
}

/** 202s per second for deliveries as fast as INGEST_CONCURRENCY senders go, then p99 at half that. */
async function measureIngest(receiver: GenericWebhookSimulator, webhookUrl: string, secret: string, tickets: readonly Linked[]): Promise<IngestFigures> {
  const send = async (index: number, tag: string) => {
    const item = tickets[index % tickets.length] as Linked;
    const title = `Ingest ${tag} ${String(index).padStart(5, '0')}`;
    const startMs = performance.now();
    const status = await receiver.sendChange({ webhookUrl, secret, externalId: item.inExternalId, fields: { title } }).catch(() => 0);
    return { status, ms: performance.now() - startMs };
  };
  const sentBefore = receiver.sent.length;
  const burst = await runClosedLoop(INGEST_COUNT, INGEST_CONCURRENCY, (index) => send(index, 'burst'));
  const accepted = burst.results.filter((result) => result.status === 202).length;
  const capacity = accepted / (burst.ms / 1000);
  const bodies = receiver.sent.slice(sentBefore).map((sent) => sent.body);
  const capacityBase = await measureJetStreamIngest(NATS_URL, bodies, { concurrency: INGEST_CONCURRENCY });

  const rate = Math.max(1, Math.floor(capacity / 2));
  const count = Math.min(bodies.length, rate * INGEST_PACED_SECONDS);
  const paced = await runAtFixedRate({ count, perSecond: rate }, (index) => send(index, 'paced'));
  const pacedBase = await measureJetStreamIngest(NATS_URL, bodies.slice(0, count), { count, perSecond: rate });
  const refused = burst.results.filter((result) => result.status !== 202).length + paced.results.filter((result) => result.status !== 202).length;
  return { capacity, capacityBase, paced: summarize(paced.results.map((result) => result.ms)), pacedBase, rate, refused };
}

interface LockstepRun {
  readonly one: RampResult;
  readonly two: RampResult;
  readonly ingest: IngestFigures;
}

async function measureLockstep(): Promise<LockstepRun> {
  const receiver = createGenericWebhookSimulator({ secret: SECRET });
  await receiver.start();
  try {
    await using lockstep = await startBenchLockstep();
    const admin = createAdminClient(lockstep.url, lockstep.adminToken);
    const { inbound, tickets } = await setUpPropagation(admin, receiver, SECRET, TICKETS);
    const watch = watchDeliveries(receiver);
    try {
      const single: Stage = { tickets, watch, send: sendVia(receiver, [inbound.webhookUrl], inbound.webhookSecret) };
      // One change per ticket first: connection pools, JIT, and each IN item's first report.
      const warm = await offerTo(single, 'warm')(20, TICKETS, 0);
      if (warm.lost > 0) throw new Error(`propagation bench: ${warm.lost} warm-up changes were refused or never arrived`);
      const one = await rampLoad(offerTo(single, 'solo'));

      let two: RampResult;
      {
        await using second = await startLockstepProcess(lockstep.settings);
        const urls = [inbound.webhookUrl, onOrigin(inbound.webhookUrl, second.url)];
        const both: Stage = { tickets, watch, send: sendVia(receiver, urls, inbound.webhookSecret) };
        await offerTo(both, 'twow')(20, TICKETS, 0);
        two = await rampLoad(offerTo(both, 'twop'));
      }
      const ingest = await measureIngest(receiver, inbound.webhookUrl, inbound.webhookSecret, tickets);
      return { one, two, ingest };
    } finally {
      watch.stop();
    }
  } finally {
    await receiver.stop();
  }
}

async function measureBare(): Promise<RampResult> {
  const receiver = createGenericWebhookSimulator({ secret: SECRET });
  await receiver.start();
  try {
    await using bare = await startBarePipeline({ databaseUrl: DATABASE_URL, natsUrl: NATS_URL, secret: SECRET, receiverUrl: receiver.url });
    const tickets: Linked[] = [];
    for (let n = 0; n < TICKETS; n += 1) {
      const inExternalId = `in-${n}`;
      tickets.push({ inExternalId, outExternalId: await bare.link(inExternalId) });
    }
    const watch = watchDeliveries(receiver);
    try {
      const stage: Stage = { tickets, watch, send: sendVia(receiver, [bare.webhookUrl], SECRET) };
      const warm = await offerTo(stage, 'warm')(20, TICKETS, 0);
      if (warm.lost > 0) throw new Error(`propagation bench: ${warm.lost} bare-script warm-up changes were lost`);
      return await rampLoad(offerTo(stage, 'bare'));
    } finally {
      watch.stop();
    }
  } finally {
    await receiver.stop();
  }
}

function figuresOf(lockstep: LockstepRun, bare: RampResult): BenchFigure[] {
  const { one, two, ingest } = lockstep;
  const atHalf = (result: RampResult) =>
    `at ${result.half.perSecond}/s: ${describeLatency(result.half.latency)}${result.half.lost > 0 ? `, ${result.half.lost} lost` : ''}`;
  const compared = (label: string, lockstepMs: number, bareMs: number) =>
    `${label}: Lockstep ${ms(lockstepMs)} vs bare script ${ms(bareMs)} — lower is better, the ratio is Lockstep / bare`;
  const machine = `${availableParallelism()} CPUs; sender, receiver and the first process share the bench's event loop`;
  return [
    {
      name: 'propagation capacity, one process',
      value: one.capacity,
      unit: 'changes/s',
      baseline: { name: 'bare pg + JetStream script', value: bare.capacity },
      detail: `highest offered rate with p99 <= 250 ms and nothing lost; Lockstep ramp: ${describeRamp(one)}; bare ramp: ${describeRamp(bare)}; ${machine}`,
    },
    {
      name: 'propagation p50 at half capacity',
      value: one.half.latency.p50,
      unit: 'ms',
      baseline: { name: 'bare script p50 at its half capacity', value: bare.half.latency.p50 },
      detail: `${compared('p50', one.half.latency.p50, bare.half.latency.p50)}; Lockstep ${atHalf(one)}; bare ${atHalf(bare)}`,
    },
    {
      name: 'propagation p99 at half capacity',
      value: one.half.latency.p99,
      unit: 'ms',
      baseline: { name: 'bare script p99 at its half capacity', value: bare.half.latency.p99 },
      detail: `${compared('p99', one.half.latency.p99, bare.half.latency.p99)}; max ${ms(one.half.latency.max)} (bare ${ms(bare.half.latency.max)})`,
    },
    {
      name: 'propagation CPU per change at half capacity',
      value: one.half.cpuMsPerChange,
      unit: 'ms',
      baseline: { name: 'bare script CPU per change at its half capacity', value: bare.half.cpuMsPerChange },
      detail:
        `CPU (user + system) of the bench process per change: Lockstep, sender and receiver vs bare script, sender and receiver — lower is better; ` +
        `steadier than capacity on a shared machine; Lockstep ${one.half.cpuMsPerChange.toFixed(2)} ms at ${one.half.perSecond}/s, bare ${bare.half.cpuMsPerChange.toFixed(2)} ms at ${bare.half.perSecond}/s`,
    },
    {
      name: 'propagation capacity, two processes',
      value: two.capacity,
      unit: 'changes/s',
      baseline: { name: 'one process', value: one.capacity },
      detail: `a second Lockstep (child process) on the same database and NATS prefix, deliveries alternating between them; ramp: ${describeRamp(two)}; ${atHalf(two)}`,
    },
    {
      name: 'ingest: signed webhooks accepted (202) per second',
      value: ingest.capacity,
      unit: 'deliveries/s',
      baseline: { name: 'JetStream publish-and-ack of the same bodies', value: ingest.capacityBase.perSecond },
      detail: `${INGEST_COUNT} deliveries, ${INGEST_CONCURRENCY} in flight, both sides; ${ingest.refused} not answered 202`,
    },
    {
      name: 'ingest 202 p99 at half load',
      value: ingest.paced.p99,
      unit: 'ms',
      baseline: { name: 'JetStream publish-and-ack p99 at the same rate', value: summarize(ingest.pacedBase.latencies).p99 },
      detail: `${ingest.rate}/s offered for ${INGEST_PACED_SECONDS} s; Lockstep ${describeLatency(ingest.paced)}, JetStream ${describeLatency(summarize(ingest.pacedBase.latencies))}`,
    },
  ];
}

export const run: BenchSuite = async () => {
  const lockstep = await measureLockstep();
  const bare = await measureBare();
  return figuresOf(lockstep, bare);
};
