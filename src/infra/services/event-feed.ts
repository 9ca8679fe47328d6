// Subscriptions' view of the event stream: follows JetStream subjects from the moment of
// subscribing and stops when the client leaves or the process shuts down.
import { followEvents } from '#infra/bus/event-feed.ts';
import type { NatsLink } from '#infra/bus/nats-link.ts';
import type { StreamNames } from '#infra/bus/streams.ts';
import { conflictDetectedSubjects, ticketSubjects } from '#infra/bus/subjects.ts';
import { BadInputError } from './errors.ts';
import { isHubId } from './ids.ts';

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

/** `id` when it is a hub id; anything else (`>`, `*`, dots) must never reach a NATS subject. */
function subjectToken(argument: string, id: string): string {
  if (!isHubId(id)) throw new BadInputError(`${argument}: "${id}" is not a Lockstep id`);
  return id;
}

/** Feed over the JetStream events stream; `shutdown` ends every subscription. */
export function createEventFeed(nats: NatsLink, names: StreamNames, shutdown: AbortSignal): EventFeed {
  const combined = (signal?: AbortSignal) => (signal ? AbortSignal.any([signal, shutdown]) : shutdown);
  const follow = (subject: string, signal?: AbortSignal) =>
    followEvents(nats, names.events, subject, new Date(), combined(signal));
  return {
    ticketEvents: (ticketId, signal) => follow(ticketSubjects(names.prefix, subjectToken('id', ticketId)), signal),
    commentEvents: (ticketId, signal) =>
      follow(`${names.prefix}.events.comment.${subjectToken('ticketId', ticketId)}.*`, signal),
    conflictsDetected: (projectId, signal) =>
      follow(conflictDetectedSubjects(names.prefix, projectId === null ? null : subjectToken('projectId', projectId)), signal),
    syncEvents: (projectId, signal) =>
      follow(`${names.prefix}.events.sync.${subjectToken('projectId', projectId)}.*`, signal),
  };
}
