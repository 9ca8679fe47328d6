// The ingest baseline (what accepting a delivery cannot cost less than): each body published to a
// file-backed JetStream stream with a message id, as Lockstep's outbox relay publishes, and counted
// once the stream's ack is back, on the same NATS server Lockstep uses. Offered either as fast as
// `concurrency` publishers go (capacity) or at a fixed rate (latency at a given load), like the
// webhooks it stands beside. The stream is deleted afterwards, also on failure and on Ctrl-C.
import { randomBytes } from 'node:crypto';
import { jetstream, jetstreamManager, RetentionPolicy, StorageType } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { runClosedLoop } from './closed-loop.ts';
import { runAtFixedRate, type FixedRate } from './fixed-rate.ts';

/** As fast as `concurrency` publishers waiting for their acks go, or `count` at `perSecond`. */
export type IngestLoad = { readonly concurrency: number } | FixedRate;

/** What the baseline measured. */
export interface IngestRun {
  /** Acked publishes per second, from the first publish to the last ack. */
  readonly perSecond: number;
  /** Publish start to ack, ms, one per body. */
  readonly latencies: readonly number[];
}

/** Publishes each of `bodies` once under `load` and times each until it is acked. */
export async function measureJetStreamIngest(natsUrl: string, bodies: readonly string[], load: IngestLoad): Promise<IngestRun> {
  const suffix = randomBytes(5).toString('hex');
  const stream = `BENCH_INGEST_${suffix.toUpperCase()}`;
  const subject = `bench_${suffix}.ingest`;
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
    const js = jetstream(nc);
    const publish = async (index: number): Promise<{ startMs: number; ackedMs: number }> => {
      const startMs = performance.now();
      await js.publish(subject, bodies[index] ?? '', { msgID: `${suffix}-${index}` });
      return { startMs, ackedMs: performance.now() };
    };
    const results =
      'concurrency' in load
        ? (await runClosedLoop(bodies.length, load.concurrency, publish)).results
        : (await runAtFixedRate({ count: Math.min(load.count, bodies.length), perSecond: load.perSecond }, publish)).results;
    const first = Math.min(...results.map((result) => result.startMs));
    const last = Math.max(...results.map((result) => result.ackedMs));
    return { perSecond: results.length / ((last - first) / 1000), latencies: results.map((result) => result.ackedMs - result.startMs) };
  } finally {
    process.off('SIGINT', onInterrupt);
    await removeStream();
    await nc.close();
  }
}
