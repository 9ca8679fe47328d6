// The JetStream streams Lockstep owns, created (or brought up to date) idempotently on every
// (re)connection. Names carry the configured prefix so deployments can share one NATS.
import type { NatsConnection } from '@nats-io/transport-node';
import { jetstreamManager, RetentionPolicy, StorageType, type StreamConfig } from '@nats-io/jetstream';

const DAY_NS = 24 * 60 * 60 * 1_000_000_000;

/**
 * Durable consumers earlier versions created and this one no longer reads: removed, so the stream
 * does not keep their state (`silences`: the push planner keeps silences now, see engine.ts).
 */
const RETIRED_DURABLES = ['silences'];
const DUPLICATE_WINDOW_NS = 5 * 60 * 1_000_000_000;

/** Stream and subject names for one deployment prefix. */
export interface StreamNames {
  readonly events: string;
  /** Every domain event lives under this subject root. */
  readonly eventSubjects: string;
  readonly prefix: string;
}

/** Derives the stream names for a prefix such as `lockstep`. */
export function streamNames(prefix: string): StreamNames {
  return { events: `${prefix.toUpperCase()}_EVENTS`, eventSubjects: `${prefix}.events.>`, prefix };
}

/** Creates the streams or updates their configuration; safe to call any number of times. */
export async function ensureStreams(nc: NatsConnection, names: StreamNames): Promise<void> {
  const jsm = await jetstreamManager(nc);
  const config: Partial<StreamConfig> & { name: string } = {
    name: names.events,
    subjects: [names.eventSubjects],
    retention: RetentionPolicy.Limits,
    storage: StorageType.File,
    max_age: 7 * DAY_NS,
    duplicate_window: DUPLICATE_WINDOW_NS,
  };
  try {
    await jsm.streams.info(names.events);
    await jsm.streams.update(names.events, config);
  } catch {
    await jsm.streams.add(config);
  }
  // A durable that is not there (a new deployment, or already removed) is what is wanted.
  for (const durable of RETIRED_DURABLES) await jsm.consumers.delete(names.events, durable).catch(() => false);
}
