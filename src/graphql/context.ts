// What every resolver receives: the authenticated caller and the application services.
import type { Caller } from '#infra/auth/tokens.ts';
import type { FeedEvent } from '#infra/services/event-feed.ts';
import type { Services } from '#infra/services/services.ts';

/** Per-operation context; built once per HTTP request or WebSocket subscription. */
export interface GraphQLContext {
  readonly caller: Caller;
  readonly services: Services;
  /** Aborted when the client goes away (ends subscriptions). */
  readonly signal?: AbortSignal;
  /**
   * A subscription's current event while its answer is resolved: every subscriber of that event
   * then shares one set of batch loaders, so a record below the event (a conflict's ticket) is
   * read once for all of them, and those with the same document, variables and role share one
   * answer (see shared-subscription-results.ts).
   */
  event?: FeedEvent;
}
