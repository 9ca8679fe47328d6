// Live events for GraphQL subscriptions, read from JetStream (never from process memory), so a
// subscriber on any Lockstep process sees changes committed through any other. One ordered,
// in-memory consumer per process follows the whole events stream while anyone listens and hands
// each event to the subscriptions whose subject pattern matches it: a thousand subscribers cost
// one consumer, not a thousand. Each event carries a memo, so subscribers of the same record load
// it once per event. The consumer lingers a while after the last subscriber leaves, then goes.
import { randomBytes } from 'node:crypto';
import { DeliverPolicy, jetstream, type Consumer, type ConsumerMessages } from '@nats-io/jetstream';
import type { Logger } from '#infra/logger.ts';
import type { NatsLink } from './nats-link.ts';
import { subjectMatches } from './subject-match.ts';

/** One event as subscriptions see it. */
export interface FeedEvent {
  readonly subject: string;
  readonly payload: Record<string, unknown>;
  /** `load()` once per event and key, whichever subscription asks first; the others share it. */
  memo<T>(key: string, load: () => Promise<T>): Promise<T>;
  /** `make()` once per event and key (e.g. batch loaders every subscriber of the event shares). */
  shared<T>(key: string, make: () => T): T;
}

export interface EventFanout {
  /** Events on subjects matching `pattern`, from now on, until `signal` aborts. */
  follow(pattern: string, signal?: AbortSignal): AsyncGenerator<FeedEvent>;
  /** Subscriptions listening in this process. */
  listeners(): number;
  /** True while the shared consumer runs. */
  consuming(): boolean;
  close(): Promise<void>;
}

export interface FanoutOptions {
  /** How long the consumer stays after the last subscriber leaves (resubscribing is then free). */
  readonly lingerMs?: number;
  /** Events a subscription may hold unread before it is ended as too slow. */
  readonly maxBacklog?: number;
}

/** A subscription too slow to keep up is ended rather than allowed to grow without bound. */
export class SubscriberFellBehind extends Error {
  override readonly name = 'SubscriberFellBehind';
}

interface Listener {
  readonly pattern: string;
  readonly queue: FeedEvent[];
  wake: (() => void) | undefined;
  failed: Error | undefined;
}

export function createEventFanout(nats: NatsLink, stream: string, prefix: string, logger: Logger, options: FanoutOptions = {}): EventFanout {
  // Subjects and patterns read `<prefix>.events.<category>.<id>...`; listeners are indexed by
  // category and id (`ticket|<id>`), or by category and wildcard (`conflict|*`).
  const skip = prefix.split('.').length + 1;
  const bucketOf = (tokens: readonly string[]): string => `${tokens[skip] ?? ''}|${tokens[skip + 1] ?? ''}`;
  const lingerMs = options.lingerMs ?? 30_000;
  const maxBacklog = options.maxBacklog ?? 10_000;
  const buckets = new Map<string, Set<Listener>>();
  let count = 0;
  let running: { consumer: Consumer; messages: ConsumerMessages; done: Promise<void> } | undefined;
  let starting: Promise<void> | undefined;
  let lingering: NodeJS.Timeout | undefined;
  let closed = false;

  const bucketsFor = (subject: string): Array<Set<Listener> | undefined> => {
    const tokens = subject.split('.');
    const category = tokens[skip] ?? '';
    return [buckets.get(bucketOf(tokens)), buckets.get(`${category}|*`), buckets.get(`${category}|>`)];
  };

  const dispatch = (subject: string, payload: Record<string, unknown>) => {
    const memos = new Map<string, unknown>();
    const shared = <T>(key: string, make: () => T): T => {
      if (!memos.has(key)) memos.set(key, make());
      return memos.get(key) as T;
    };
    const event: FeedEvent = { subject, payload, shared, memo: (key, load) => shared(key, load) };
    // Many subscriptions follow the same pattern (everyone watching one ticket): match it once.
    const verdicts = new Map<string, boolean>();
    const matches = (pattern: string) => {
      let verdict = verdicts.get(pattern);
      if (verdict === undefined) verdicts.set(pattern, (verdict = subjectMatches(pattern, subject)));
      return verdict;
    };
    for (const set of bucketsFor(subject)) {
      for (const listener of set ?? []) {
        if (!matches(listener.pattern)) continue;
        if (listener.queue.length >= maxBacklog) {
          listener.failed ??= new SubscriberFellBehind(`the subscription fell more than ${maxBacklog} events behind and was ended`);
        } else listener.queue.push(event);
        listener.wake?.();
      }
    }
  };

  const start = (): Promise<void> =>
    (starting ??= (async () => {
      const nc = await nats.ready;
      // An ordered consumer: ephemeral, in memory, recreated by the client after a gap or a NATS
      // restart; its name is this process's own. One a crash leaves behind expires by itself.
      const consumer = await jetstream(nc).consumers.get(stream, {
        deliver_policy: DeliverPolicy.New,
        name_prefix: `feed_${randomBytes(6).toString('hex')}`,
      });
      const messages = await consumer.consume({ max_messages: 500 });
      const done = (async () => {
        for await (const message of messages) {
          try {
            dispatch(message.subject, message.json<Record<string, unknown>>());
          } catch (error) {
            logger.warn({ err: error, subject: message.subject }, 'an event on the stream is not JSON; subscriptions skip it');
          }
        }
      })()
        .catch((error: unknown) => logger.warn({ err: error }, 'the shared event consumer stopped'))
        .finally(() => {
          // Ended without stop(): start again while anyone listens.
          if (running?.messages !== messages) return;
          running = undefined;
          starting = undefined;
          if (count > 0 && !closed) setTimeout(() => void start().catch(() => undefined), 1_000).unref();
        });
      running = { consumer, messages, done };
    })().catch((error: unknown) => {
      starting = undefined;
      throw error;
    }));

  const stop = async () => {
    const current = running;
    running = undefined;
    starting = undefined;
    if (!current) return;
    await current.messages.close().catch(() => undefined);
    await current.done.catch(() => undefined);
    await current.consumer.delete().catch(() => undefined);
  };

  const add = (listener: Listener) => {
    const key = bucketOf(listener.pattern.split('.'));
    let set = buckets.get(key);
    if (!set) buckets.set(key, (set = new Set()));
    set.add(listener);
    count += 1;
    clearTimeout(lingering);
    lingering = undefined;
  };

  const remove = (listener: Listener) => {
    const key = bucketOf(listener.pattern.split('.'));
    const set = buckets.get(key);
    if (!set?.delete(listener)) return;
    if (set.size === 0) buckets.delete(key);
    count -= 1;
    if (count === 0 && !closed) {
      lingering = setTimeout(() => {
        if (count === 0) void stop();
      }, lingerMs);
      lingering.unref();
    }
  };

  return {
    async *follow(pattern, signal) {
      if (closed || signal?.aborted) return;
      const listener: Listener = { pattern, queue: [], wake: undefined, failed: undefined };
      add(listener);
      // Read once and then followed by its event: `aborted` of a combined signal is recomputed on
      // every read, and this loop runs for every event of every subscriber.
      let aborted = signal?.aborted ?? false;
      const onAbort = () => {
        aborted = true;
        listener.wake?.();
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      try {
        await start();
        for (;;) {
          if (aborted || closed) return;
          if (listener.failed) throw listener.failed;
          const next = listener.queue.shift();
          if (next) {
            yield next;
            continue;
          }
          await new Promise<void>((resolve) => (listener.wake = resolve));
          listener.wake = undefined;
        }
      } finally {
        signal?.removeEventListener('abort', onAbort);
        remove(listener);
      }
    },
    listeners: () => count,
    consuming: () => running !== undefined,
    async close() {
      closed = true;
      clearTimeout(lingering);
      for (const set of buckets.values()) for (const listener of set) listener.wake?.();
      await stop();
    },
  };
}
