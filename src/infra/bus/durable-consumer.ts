// A durable JetStream consumer driving one worker. The durable name is shared by every Lockstep
// process, so each message goes to one of them; a handler answers `done` (ack) or asks to be
// tried again later (nak with a delay), and a crash before the ack means redelivery. Handlers
// must therefore be idempotent — they check state in PostgreSQL before acting. Messages run
// concurrently within per-key limits (one project's hanging system never holds the others), and
// a message whose handler keeps throwing is parked after a few tries instead of going round forever.
import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager, type JsMsg } from '@nats-io/jetstream';
import { context, SpanKind, SpanStatusCode, trace, type Context, type Tracer } from '@opentelemetry/api';
import type { Logger } from '#infra/logger.ts';
import { contextFromHeaders } from '#infra/tracing/trace-context.ts';
import { createKeyedLimiter, type KeyedLimits } from './keyed-limiter.ts';
import type { NatsLink } from './nats-link.ts';

/** What a handler decided about one message. */
export type Outcome = 'done' | { readonly retryInMs: number };

/** One worker's consumer settings. */
export interface DurableConsumerOptions {
  readonly stream: string;
  readonly durable: string;
  /** One subject filter (wildcards allowed); NATS before 2.10 takes only one per consumer. */
  readonly subject: string;
  readonly handle: (payload: Record<string, unknown>, deliveryCount: number) => Promise<Outcome>;
  readonly logger: Logger;
  /** Run messages concurrently: at most `total` at once, `perKey` per key (default: one at a time). */
  readonly concurrency?: KeyedLimits & {
    readonly keyOf: (payload: Record<string, unknown>) => string;
    /** Messages of one lane (e.g. one ticket) run one at a time, in order. */
    readonly laneOf?: (payload: Record<string, unknown>) => string;
  };
  /** Consecutive throws after which a message is parked (default 5). */
  readonly maxFailures?: number;
  /** Records a message that kept failing (e.g. the job becomes dead with its error); it is then acknowledged. */
  readonly park?: (payload: Record<string, unknown>, error: unknown) => Promise<void>;
  /** Hears, as a message arrives with nothing behind it in the stream, when it was published (ms). */
  readonly caughtUp?: (publishedAtMs: number) => void;
  /** Each message is handled in a span of this name, continuing the trace in its headers. */
  readonly spanName?: string;
  readonly tracer?: Tracer;
}

/** A running consumer loop. */
export interface RunningConsumer {
  /** The durable name this loop consumes. */
  readonly durable: string;
  /** True while the loop is attached to its JetStream consumer and taking messages. */
  isRunning(): boolean;
  /**
   * Handles `payload` in this process, as if it had arrived on `subject`: the same limits, lanes,
   * retries (after their delay, here) and parking, without a trip through JetStream. Settles when
   * the handler is done with it, or at once when the consumer is stopping (what it was about stays
   * for the sweeper to send again).
   */
  runHere(payload: Record<string, unknown>, subject: string): Promise<void>;
  stop(): Promise<void>;
}

/** One message's handling: its payload, where it came from and how often it was tried. */
interface OneRun {
  readonly payload: Record<string, unknown>;
  readonly subject: string;
  /** Consecutive failures are counted per key: the stream sequence, or a local run's own key. */
  readonly key: number | string;
  readonly deliveryCount: number;
}

const ACK_WAIT_NS = 60 * 1_000_000_000;
/** JetStream's own bound on deliveries of a message; PostgreSQL stays the truth (the sweeper re-sends). */
const MAX_DELIVER = 100;

/** Creates (or reuses) the durable consumer and feeds its messages to `handle` until stopped. */
export function runDurableConsumer(nats: NatsLink, options: DurableConsumerOptions): RunningConsumer {
  const stopped = new AbortController();
  let closeCurrent: (() => Promise<unknown>) | undefined;

  const limiter = createKeyedLimiter(options.concurrency ?? { total: 1, perKey: 1 });
  const keyOf = options.concurrency?.keyOf ?? (() => 'all');
  const maxFailures = options.maxFailures ?? 5;
  /** Consecutive throws per stream sequence, in this process. */
  const failures = new Map<number | string, number>();
  /** Retries of messages handled here, waiting for their delay; stopping settles them. */
  const retries = new Map<NodeJS.Timeout, () => void>();
  let localRuns = 0;
  /** Messages taken but not yet answered; the loop stops pulling above `backlog`. */
  const backlog = Math.max(16, (options.concurrency?.total ?? 1) * 8);
  let taken = 0;
  let attached = false;
  let onAnswered: (() => void) | undefined;

  const tracer = options.tracer ?? trace.getTracer('lockstep');
  const spanName = options.spanName ?? `consume ${options.durable}`;

  /** Runs `decide` in a consumer span, a child of `parent` (the span that wrote the event, if traced). */
  function traced(run: OneRun, parent: Context): Promise<Outcome> {
    const attributes = {
      'messaging.system': 'nats',
      'messaging.destination.name': run.subject,
      'messaging.consumer.group.name': options.durable,
    };
    return tracer.startActiveSpan(spanName, { kind: SpanKind.CONSUMER, attributes }, parent, async (span) => {
      try {
        const outcome = await decide(run);
        if (outcome !== 'done') span.setAttribute('lockstep.retry_in_ms', outcome.retryInMs);
        return outcome;
      } catch (error) {
        span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
        throw error;
      } finally {
        span.end();
      }
    });
  }

  async function decide(run: OneRun): Promise<Outcome> {
    try {
      const outcome = await options.handle(run.payload, run.deliveryCount);
      failures.delete(run.key);
      return outcome;
    } catch (error) {
      const failed = (failures.get(run.key) ?? 0) + 1;
      failures.set(run.key, failed);
      if (failed >= maxFailures && options.park) {
        options.logger.error({ err: error, subject: run.subject, failures: failed }, 'worker kept failing; message parked');
        failures.delete(run.key);
        await options.park(run.payload, error).catch((parkError: unknown) => options.logger.error({ err: parkError }, 'parking failed'));
        return 'done';
      }
      const delay = Math.min(500 * 2 ** Math.min(failed, 6), 30_000);
      options.logger.error({ err: error, subject: run.subject, attempt: run.deliveryCount }, 'worker failed; will retry');
      return { retryInMs: delay };
    }
  }

  /** `run` within the concurrency limits, in its lane. */
  function limited(run: OneRun, parent: Context): Promise<Outcome> {
    return limiter.run(keyOf(run.payload), () => traced(run, parent), options.concurrency?.laneOf?.(run.payload));
  }

  async function handleOne(message: JsMsg): Promise<void> {
    if (message.info.pending === 0) options.caughtUp?.(message.info.timestampNanos / 1_000_000);
    // Queued or running, the message tells JetStream it is alive, so it is not redelivered meanwhile.
    const alive = setInterval(() => message.working(), ACK_WAIT_NS / 3 / 1_000_000);
    let outcome: Outcome;
    try {
      const payload = message.json<Record<string, unknown>>();
      const parent = contextFromHeaders((name) => message.headers?.get(name) || undefined);
      outcome = await limited({ payload, subject: message.subject, key: message.seq, deliveryCount: message.info.deliveryCount }, parent);
    } catch (error) {
      options.logger.error({ err: error, subject: message.subject }, 'unreadable message dropped');
      outcome = 'done';
    } finally {
      clearInterval(alive);
    }
    if (outcome === 'done') message.ack();
    else message.nak(Math.max(10, Math.round(outcome.retryInMs)));
    taken -= 1;
    onAnswered?.();
  }

  function runHere(payload: Record<string, unknown>, subject: string): Promise<void> {
    const parent = context.active();
    const key = `local:${(localRuns += 1)}`;
    return new Promise<void>((settled) => {
      const attempt = (deliveryCount: number): void => {
        if (stopped.signal.aborted) return settled();
        limited({ payload, subject, key, deliveryCount }, parent).then(
          (outcome) => {
            if (outcome === 'done' || stopped.signal.aborted) return settled();
            const timer = setTimeout(() => {
              retries.delete(timer);
              attempt(deliveryCount + 1);
            }, Math.max(10, Math.round(outcome.retryInMs)));
            retries.set(timer, settled);
          },
          (error: unknown) => {
            options.logger.error({ err: error, subject }, 'local run failed; left for the sweeper');
            settled();
          },
        );
      };
      attempt(1);
    });
  }

  /** Waits until fewer than `backlog` messages are taken and unanswered. */
  async function roomForMore(): Promise<void> {
    if (taken < backlog) return;
    await new Promise<void>((resolve) => (onAnswered = resolve));
    return roomForMore();
  }

  const loop = (async () => {
    while (!stopped.signal.aborted) {
      try {
        const nc = await nats.ready;
        const jsm = await jetstreamManager(nc);
        try {
          const info = await jsm.consumers.info(options.stream, options.durable);
          if (info.config.max_deliver !== MAX_DELIVER) {
            await jsm.consumers
              .update(options.stream, options.durable, { max_deliver: MAX_DELIVER })
              .catch((error: unknown) => options.logger.warn({ err: error }, 'could not bound redeliveries of an existing consumer'));
          }
        } catch {
          await jsm.consumers.add(options.stream, {
            durable_name: options.durable,
            filter_subject: options.subject,
            ack_policy: AckPolicy.Explicit,
            deliver_policy: DeliverPolicy.All,
            ack_wait: ACK_WAIT_NS,
            max_deliver: MAX_DELIVER,
          });
        }
        const consumer = await jetstream(nc).consumers.get(options.stream, options.durable);
        const messages = await consumer.consume({ max_messages: 16 });
        closeCurrent = () => messages.close();
        // Stopped while attaching: closing ends the iteration below at once (awaiting the close
        // before iterating would wait for ever).
        if (stopped.signal.aborted) void messages.close();
        attached = true;
        for await (const message of messages) {
          taken += 1;
          void handleOne(message);
          await roomForMore();
          if (stopped.signal.aborted) break;
        }
        attached = false;
        await limiter.idle();
      } catch (error) {
        attached = false;
        if (stopped.signal.aborted) break;
        options.logger.warn({ err: error, durable: options.durable }, 'consumer interrupted; restarting');
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
  })();

  return {
    durable: options.durable,
    isRunning: () => attached && !stopped.signal.aborted,
    runHere,
    async stop() {
      stopped.abort();
      for (const [timer, settled] of retries) {
        clearTimeout(timer);
        settled();
      }
      retries.clear();
      await closeCurrent?.();
      await loop;
      await limiter.idle();
    },
  };
}
