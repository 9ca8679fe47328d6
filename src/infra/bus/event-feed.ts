// Live event streams for GraphQL subscriptions, read from JetStream (never from process memory),
// so a subscriber on any Lockstep process sees changes committed through any other. Each follow
// owns one ephemeral, in-memory consumer that it deletes when it ends; one left behind by a crash
// is removed by the server after `inactiveThresholdMs` and none survives a NATS restart.
import { randomBytes } from 'node:crypto';
import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { NatsLink } from './nats-link.ts';

/** How long the server keeps a subscription's consumer that nobody pulls from. */
export const inactiveThresholdMs = 30_000;

/** Yields the JSON payload of every event on `subject` published from `since` on. */
export async function* followEvents(
  nats: NatsLink,
  stream: string,
  subject: string,
  since: Date,
  signal?: AbortSignal,
): AsyncGenerator<Record<string, unknown>> {
  if (signal?.aborted) return;
  const nc = await nats.ready;
  const jsm = await jetstreamManager(nc);
  const name = `sub_${randomBytes(8).toString('hex')}`;
  await jsm.consumers.add(stream, {
    name,
    filter_subject: subject,
    deliver_policy: DeliverPolicy.StartTime,
    opt_start_time: since.toISOString(),
    ack_policy: AckPolicy.None,
    mem_storage: true,
    num_replicas: 1,
    inactive_threshold: inactiveThresholdMs * 1_000_000, // nanoseconds
  });
  try {
    const consumer = await jetstream(nc).consumers.get(stream, name);
    const messages = await consumer.consume({ max_messages: 100 });
    const stop = () => void messages.close();
    signal?.addEventListener('abort', stop, { once: true });
    try {
      if (signal?.aborted) return;
      for await (const message of messages) {
        yield message.json<Record<string, unknown>>();
      }
    } finally {
      signal?.removeEventListener('abort', stop);
      await messages.close();
    }
  } finally {
    await jsm.consumers.delete(stream, name).catch(() => undefined);
  }
}
