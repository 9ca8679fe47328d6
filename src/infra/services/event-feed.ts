// Subscriptions' view of the event stream: follows JetStream subjects from the moment of
// subscribing and stops when the client leaves or the process shuts down.
import { followEvents } from '#infra/bus/event-feed.ts';
import type { NatsLink } from '#infra/bus/nats-link.ts';
import type { StreamNames } from '#infra/bus/streams.ts';
import { conflictDetectedSubjects, ticketSubjects } from '#infra/bus/subjects.ts';

/** Live domain events, as JSON payloads. */
export interface EventFeed {
  /** Every event about one ticket, from now on. */
  ticketEvents(ticketId: string, signal?: AbortSignal): AsyncGenerator<Record<string, unknown>>;
  /** Comments added, edited or deleted on one ticket, from now on. */
  commentEvents(ticketId: string, signal?: AbortSignal): AsyncGenerator<Record<string, unknown>>;
  /** Conflicts detected for a project (or for the hub's own writers when null), from now on. */
  conflictsDetected(projectId: string | null, signal?: AbortSignal): AsyncGenerator<Record<string, unknown>>;
  /** Sync session events of a project, from now on. */
  syncEvents(projectId: string, signal?: AbortSignal): AsyncGenerator<Record<string, unknown>>;
}

/** Feed over the JetStream events stream; `shutdown` ends every subscription. */
export function createEventFeed(nats: NatsLink, names: StreamNames, shutdown: AbortSignal): EventFeed {
  const combined = (signal?: AbortSignal) => (signal ? AbortSignal.any([signal, shutdown]) : shutdown);
  return {
    ticketEvents: (ticketId, signal) =>
      followEvents(nats, names.events, ticketSubjects(names.prefix, ticketId), new Date(), combined(signal)),
    commentEvents: (ticketId, signal) =>
      followEvents(nats, names.events, `${names.prefix}.events.comment.${ticketId}.*`, new Date(), combined(signal)),
    conflictsDetected: (projectId, signal) =>
      followEvents(nats, names.events, conflictDetectedSubjects(names.prefix, projectId), new Date(), combined(signal)),
    syncEvents: (projectId, signal) =>
      followEvents(nats, names.events, `${names.prefix}.events.sync.${projectId}.*`, new Date(), combined(signal)),
  };
}
