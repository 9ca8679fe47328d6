// The propagation bench's baseline: the same payloads at the same offered rate through one raw
// JetStream hop on the same NATS server — published with a message id to a file-backed stream
// (as Lockstep's outbox relay publishes) and read by a durable explicit-ack consumer (as Lockstep's
// workers read) — timed from the start of the publish to the consumer seeing the message. The
// stream, and the consumer with it, is deleted afterwards, also on failure and on Ctrl-C.
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager, RetentionPolicy, StorageType } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { runAtFixedRate, type FixedRate } from './fixed-rate.ts';
import type { LatencySummary } from './latency.ts';

/** What the baseline measured over the payloads (warm-up excluded). */
export interface RoundTripRun {
  /** Publish start to consumer receipt, ms, one per payload that arrived. */
  readonly latencies: readonly number[];
  /** Payloads not consumed within the time limit. */
  readonly lost: number;
  /** Consumed messages per second, from the first publish to the last receipt. */
  readonly perSecond: number;
  readonly lateness: LatencySummary;
}

/** How long one message may take before it counts as lost. */
const ARRIVAL_LIMIT_MS = 10_000;
const MSG_ID_HEADER = 'Nats-Msg-Id';

/** Publishes `warmup` then `payloads` at `perSecond` and times each round trip. */
export async function measureJetStreamRoundTrip(
  natsUrl: string,
  payloads: readonly string[],
  warmup: readonly string[],
  perSecond: number,
): Promise<RoundTripRun> {
  const suffix = randomBytes(5).toString('hex');
  const stream = `BENCH_PROPAGATION_${suffix.toUpperCase()}`;
  const subject = `bench_${suffix}.propagation`;
  const nc = await connect({ servers: natsUrl, timeout: 2_000 });
  const jsm = await jetstreamManager(nc);
  const removeStream = () => jsm.streams.delete(stream).catch(() => false);
  // Ctrl-C skips `finally`; the stream is removed here instead.
  const onInterrupt = () => {
    void removeStream().finally(() => process.exit(130));
  };
  process.once('SIGINT', onInterrupt);
  try {
    await jsm.streams.add({ name: stream, subjects: [subject], storage: StorageType.File, retention: RetentionPolicy.Limits });
    await jsm.consumers.add(stream, { durable_name: 'bench', ack_policy: AckPolicy.Explicit, deliver_policy: DeliverPolicy.All });
    const js = jetstream(nc);
    const messages = await (await js.consumers.get(stream, 'bench')).consume({ max_messages: 16 });
    const waiting = new Map<string, (atMs: number) => void>();
    const reading = (async () => {
      for await (const message of messages) {
        const atMs = performance.now();
        waiting.get(message.headers?.get(MSG_ID_HEADER) ?? '')?.(atMs);
        message.ack();
      }
    })();

    let sent = 0;
    async function roundTrip(payload: string): Promise<{ startMs: number; arrivedMs: number | undefined }> {
      const id = `${suffix}-${(sent += 1)}`;
      let timer: NodeJS.Timeout | undefined;
      const arrived = new Promise<number | undefined>((resolve) => {
        waiting.set(id, resolve);
        timer = setTimeout(() => resolve(undefined), ARRIVAL_LIMIT_MS);
      });
      const startMs = performance.now();
      await js.publish(subject, payload, { msgID: id });
      const arrivedMs = await arrived;
      clearTimeout(timer);
      waiting.delete(id);
      return { startMs, arrivedMs };
    }

    try {
      const rate = (count: number): FixedRate => ({ count, perSecond });
      await runAtFixedRate(rate(warmup.length), (index) => roundTrip(warmup[index] ?? ''));
      await sleep(200);
      const run = await runAtFixedRate(rate(payloads.length), (index) => roundTrip(payloads[index] ?? ''));
      const arrived = run.results.filter((result): result is { startMs: number; arrivedMs: number } => result.arrivedMs !== undefined);
      const first = Math.min(...run.results.map((result) => result.startMs));
      const last = Math.max(...arrived.map((result) => result.arrivedMs));
      return {
        latencies: arrived.map((result) => result.arrivedMs - result.startMs),
        lost: payloads.length - arrived.length,
        perSecond: arrived.length / ((last - first) / 1000),
        lateness: run.lateness,
      };
    } finally {
      await messages.close();
      await reading;
    }
  } finally {
    process.off('SIGINT', onInterrupt);
    await removeStream();
    await nc.close();
  }
}
