// The application services the API calls: each use case loads aggregates, asks the domain to
// decide, and commits state and events in one transaction. Built once in the composition root.
import type { TokenStore } from '#infra/auth/tokens.ts';
import type { ConflictService } from './conflicts.ts';
import type { EventFeed } from './event-feed.ts';
import type { TicketService } from './tickets.ts';

/** Everything resolvers may use. */
export interface Services {
  readonly tokens: TokenStore;
  readonly tickets: TicketService;
  readonly conflicts: ConflictService;
  readonly feed: EventFeed;
}
