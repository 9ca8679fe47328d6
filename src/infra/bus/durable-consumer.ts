// A durable JetStream consumer driving one worker. The durable name is shared by every Lockstep
// process, so each message goes to one of them; a handler answers `done` (ack) or asks to be
// tried again later (nak with a delay), and a crash before the ack means redelivery. Handlers
// must therefore be idempotent — they check state in PostgreSQL before acting.
import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager, type JsMsg } from '@nats-io/jetstream';
import type { Logger } from '#infra/logger.ts';
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
}

/** A running consumer loop. */
export interface RunningConsumer {
  stop(): Promise<void>;
}

const ACK_WAIT_NS = 60 * 1_000_000_000;

/** Creates (or reuses) the durable consumer and feeds its messages to `handle` until stopped. */
export function runDurableConsumer(nats: NatsLink, options: DurableConsumerOptions): RunningConsumer {
  const stopped = new AbortController();
  let closeCurrent: (() => Promise<unknown>) | undefined;

  async function handleOne(message: JsMsg): Promise<void> {
    let outcome: Outcome;
    // Long work (a sync session) keeps telling JetStream it is alive, so it is not redelivered meanwhile.
    const alive = setInterval(() => message.working(), ACK_WAIT_NS / 3 / 1_000_000);
    try {
      outcome = await options.handle(message.json<Record<string, unknown>>(), message.info.deliveryCount);
    } catch (error) {
      const delay = Math.min(500 * 2 ** Math.min(message.info.deliveryCount, 6), 30_000);
      options.logger.error({ err: error, subject: message.subject, attempt: message.info.deliveryCount }, 'worker failed; will retry');
      outcome = { retryInMs: delay };
    } finally {
      clearInterval(alive);
    }
    if (outcome === 'done') message.ack();
    else message.nak(Math.max(10, Math.round(outcome.retryInMs)));
  }

  const loop = (async () => {
    while (!stopped.signal.aborted) {
      try {
        const nc = await nats.ready;
        const jsm = await jetstreamManager(nc);
        try {
          await jsm.consumers.info(options.stream, options.durable);
        } catch {
          await jsm.consumers.add(options.stream, {
            durable_name: options.durable,
            filter_subject: options.subject,
            ack_policy: AckPolicy.Explicit,
            deliver_policy: DeliverPolicy.All,
            ack_wait: ACK_WAIT_NS,
            max_deliver: -1,
          });
        }
        const consumer = await jetstream(nc).consumers.get(options.stream, options.durable);
        const messages = await consumer.consume({ max_messages: 16 });
        closeCurrent = () => messages.close();
        if (stopped.signal.aborted) await messages.close();
        for await (const message of messages) {
          await handleOne(message);
          if (stopped.signal.aborted) break;
        }
      } catch (error) {
        if (stopped.signal.aborted) break;
        options.logger.warn({ err: error, durable: options.durable }, 'consumer interrupted; restarting');
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
  })();

  return {
    async stop() {
      stopped.abort();
      await closeCurrent?.();
      await loop;
    },
  };
}
