// Subscriptions' view of the event stream: the events about one ticket, project or conflict
// from the moment of subscribing, served by the process's one shared consumer (bus/event-fanout),
// until the client leaves or the process shuts down.
import type { EventFanout, FeedEvent } from '#infra/bus/event-fanout.ts';
import type { StreamNames } from '#infra/bus/streams.ts';
import { conflictDetectedSubjects, ticketSubjects } from '#infra/bus/subjects.ts';
import { BadInputError } from './errors.ts';
import { isHubId } from './ids.ts';

export type { FeedEvent } from '#infra/bus/event-fanout.ts';

/** Live domain events. */
export interface EventFeed {
  /** Every event about one ticket, from now on. */
  ticketEvents(ticketId: string, signal?: AbortSignal): AsyncGenerator<FeedEvent>;
  /** Comments added, edited or deleted on one ticket, from now on. */
  commentEvents(ticketId: string, signal?: AbortSignal): AsyncGenerator<FeedEvent>;
  /** Conflicts detected for a project (or for the hub's own writers when null), from now on. */
  conflictsDetected(projectId: string | null, signal?: AbortSignal): AsyncGenerator<FeedEvent>;
  /** Sync session events of a project, from now on. */
  syncEvents(projectId: string, signal?: AbortSignal): AsyncGenerator<FeedEvent>;
}

/** `id` when it is a hub id; anything else (`>`, `*`, dots) must never reach a subject pattern. */
function subjectToken(argument: string, id: string): string {
  if (!isHubId(id)) throw new BadInputError(`${argument}: "${id}" is not a Lockstep id`);
  return id;
}

/** Feed over the shared consumer; `shutdown` ends every subscription. */
export function createEventFeed(fanout: EventFanout, names: StreamNames, shutdown: AbortSignal): EventFeed {
  const combined = (signal?: AbortSignal) => (signal ? AbortSignal.any([signal, shutdown]) : shutdown);
  const follow = (pattern: string, signal?: AbortSignal) => fanout.follow(pattern, combined(signal));
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
