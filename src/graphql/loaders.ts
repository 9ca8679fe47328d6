// Per-operation batch loaders: a page of tickets asks for its mappings, open conflicts, comments,
// alerts, history and their projects in one query each instead of one per ticket, which is what
// lets the cost limit count those fields as cheap. Every list field below a list resolves here.
import DataLoader from 'dataloader';
import type { AlertInstance } from '#domain/alert/alert-instance.ts';
import type { Comment } from '#domain/comment/comment.ts';
import type { Conflict } from '#domain/conflict/conflict.ts';
import type { ExternalProject } from '#domain/project/external-project.ts';
import type { CommentLink } from '#domain/sync/comment-link.ts';
import type { SyncMapping } from '#domain/sync/mapping.ts';
import type { Ticket } from '#domain/ticket/ticket.ts';
import type { AuditEntry, SyncErrorRecord } from '#infra/persistence/sync-records.ts';
import type { CommentPage } from '#infra/services/comments.ts';
import { NotFoundError } from '#infra/services/errors.ts';
import type { KeysetPage } from '#infra/services/keyset.ts';
import type { GraphQLContext } from './context.ts';

/** One parent's page: the same `page` for many parents is one query. */
export interface PageKey<P> {
  readonly id: string;
  readonly page: P;
}

/** Pages keyed by parent and page, cached (when caching) by both. */
export type PageLoader<P, T> = DataLoader<PageKey<P>, T[], string>;

/** The loaders of one operation. */
export interface Loaders {
  readonly mappingsOfTicket: DataLoader<string, SyncMapping[]>;
  readonly openConflictsOfTicket: DataLoader<string, Conflict[]>;
  readonly project: DataLoader<string, ExternalProject>;
  readonly ticket: DataLoader<string, Ticket>;
  readonly commentsOfTicket: PageLoader<CommentPage, Comment>;
  readonly mirrorsOfComment: DataLoader<string, CommentLink[]>;
  readonly alertsOfTicket: PageLoader<KeysetPage, AlertInstance>;
  readonly historyOfTicket: PageLoader<number, AuditEntry>;
  /** Keyed by ticket id, the page by project: a mapping's latest sync errors. */
  readonly errorsOfLink: PageLoader<{ projectId: string; limit: number }, SyncErrorRecord>;
}

const perContext = new WeakMap<GraphQLContext, Loaders>();
/** Batch within a tick, remember nothing: a subscription's context lives across many events. */
const noCache = { cache: false } as const;

/** A loader of lists keyed by parent id. */
function listLoader<T>(fetch: (ids: readonly string[]) => Promise<Map<string, T[]>>, options: { readonly cache: boolean } = noCache): DataLoader<string, T[]> {
  return new DataLoader(async (ids) => {
    const found = await fetch(ids);
    return ids.map((id) => found.get(id) ?? []);
  }, options);
}

/** A loader of one record per id; a missing one is a NotFoundError for that key alone. */
function recordLoader<T>(what: string, fetch: (ids: readonly string[]) => Promise<Map<string, T>>, options: { readonly cache: boolean } = noCache): DataLoader<string, T> {
  return new DataLoader<string, T>(async (ids) => {
    const found = await fetch(ids);
    return ids.map((id) => found.get(id) ?? new NotFoundError(`No ${what} with id "${id}"`));
  }, options);
}

/** A loader of pages keyed by parent id and page: one query per distinct page among the keys. */
function pageLoader<P, T>(fetch: (ids: readonly string[], page: P) => Promise<Map<string, T[]>>, options: { readonly cache: boolean } = noCache): PageLoader<P, T> {
  return new DataLoader<PageKey<P>, T[], string>(async (keys) => {
    const groups = Map.groupBy(keys.map((key, index) => ({ key, index })), ({ key }) => JSON.stringify(key.page));
    const pages: T[][] = keys.map(() => []);
    await Promise.all(
      [...groups.values()].map(async (group) => {
        const [first] = group;
        if (!first) return;
        const found = await fetch(group.map(({ key }) => key.id), first.key.page);
        for (const { key, index } of group) pages[index] = found.get(key.id) ?? [];
      }),
    );
    return pages;
  }, { ...options, cacheKeyFn: (key: PageKey<P>) => `${key.id}|${JSON.stringify(key.page)}` });
}

/**
 * The loaders of the operation `context` belongs to (made on first use, gone with it); while a
 * subscription answers an event, the loaders every subscriber of that event shares, caching what
 * they read for that event only.
 */
export function loadersOf(context: GraphQLContext): Loaders {
  if (context.event) return context.event.shared('graphql-loaders', () => createLoaders(context.services, cacheWithin));
  const known = perContext.get(context);
  if (known) return known;
  const loaders = createLoaders(context.services, noCache);
  perContext.set(context, loaders);
  return loaders;
}

/** An event's loaders remember what they read: they live as long as the event. */
const cacheWithin = { cache: true } as const;

function createLoaders(services: GraphQLContext['services'], options: { readonly cache: boolean }): Loaders {
  const loaders: Loaders = {
    mappingsOfTicket: listLoader((ids) => services.links.mappingsOfTickets(ids), options),
    openConflictsOfTicket: listLoader((ids) => services.conflicts.openForTickets(ids), options),
    project: recordLoader('external project', (ids) => services.projects.getMany(ids), options),
    ticket: recordLoader('ticket', (ids) => services.tickets.getMany(ids), options),
    commentsOfTicket: pageLoader((ids, page) => services.comments.listForTickets(ids, page), options),
    mirrorsOfComment: listLoader((ids) => services.comments.linksOfComments(ids), options),
    alertsOfTicket: pageLoader((ids, page) => services.alerts.listForTickets(ids, page), options),
    historyOfTicket: pageLoader((ids, limit) => services.pushJobs.historyOfTickets(ids, limit), options),
    errorsOfLink: pageLoader((ids, { projectId, limit }) => services.syncErrors.listForLinks(projectId, ids, limit), options),
  };
  return loaders;
}
