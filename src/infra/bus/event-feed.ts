// Live event streams for GraphQL subscriptions, read from JetStream (never from process memory),
// so a subscriber on any Lockstep process sees changes committed through any other.
import { DeliverPolicy, jetstream } from '@nats-io/jetstream';
import type { NatsLink } from './nats-link.ts';

/** Yields the JSON payload of every event on `subject` published from `since` on. */
export async function* followEvents(
  nats: NatsLink,
  stream: string,
  subject: string,
  since: Date,
  signal?: AbortSignal,
): AsyncGenerator<Record<string, unknown>> {
  const nc = await nats.ready;
  const js = jetstream(nc);
  const consumer = await js.consumers.get(stream, {
    filter_subjects: subject,
    deliver_policy: DeliverPolicy.StartTime,
    opt_start_time: since.toISOString(),
  });
  const messages = await consumer.consume();
  const stop = () => void messages.close();
  signal?.addEventListener('abort', stop, { once: true });
  try {
    for await (const message of messages) {
      yield message.json<Record<string, unknown>>();
    }
  } finally {
    signal?.removeEventListener('abort', stop);
    await messages.close();
  }
}
