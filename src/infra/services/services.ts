// The application services the API calls: each use case loads aggregates, asks the domain to
// decide, and commits state and events in one transaction. Built once in the composition root.
import type { TokenStore } from '#infra/auth/tokens.ts';
import type { AlertService } from './alerts.ts';
import type { CommentService } from './comments.ts';
import type { ConflictService } from './conflicts.ts';
import type { EventFeed } from './event-feed.ts';
import type { TicketService } from './tickets.ts';
import type { LinkService } from './links.ts';
import type { ProjectService } from './projects.ts';
import type { PushJobService } from './push-jobs.ts';
import type { SessionService } from './sessions.ts';
import type { SyncErrorService } from './sync-errors.ts';
import type { PeeringService } from '#infra/peering/peering-service.ts';
import type { ProjectActivityService } from './project-activity.ts';
import type { ConnectorRegistry } from '#adapters/registry.ts';

/** Everything resolvers may use. */
export interface Services {
  readonly tokens: TokenStore;
  readonly tickets: TicketService;
  readonly conflicts: ConflictService;
  readonly comments: CommentService;
  readonly feed: EventFeed;
  readonly projects: ProjectService;
  readonly links: LinkService;
  readonly pushJobs: PushJobService;
  readonly sessions: SessionService;
  readonly syncErrors: SyncErrorService;
  readonly peering: PeeringService;
  readonly alerts: AlertService;
  /** The connectors this build ships (the catalog of integrations). */
  readonly connectors: ConnectorRegistry;
  readonly activity: ProjectActivityService;
  /** The base of the webhook URLs handed out. */
  readonly publicUrl: () => string;
  /** Sends held engine work again now (after a project resumes). */
  readonly sweepNow: () => Promise<number>;
}
