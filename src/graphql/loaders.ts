// Per-operation batch loaders: a page of tickets asks for its mappings, open conflicts and their
// projects in one query each instead of one per ticket, which is what lets the cost limit count
// those fields as cheap.
import DataLoader from 'dataloader';
import type { Conflict } from '#domain/conflict/conflict.ts';
import type { ExternalProject } from '#domain/project/external-project.ts';
import type { SyncMapping } from '#domain/sync/mapping.ts';
import { NotFoundError } from '#infra/services/errors.ts';
import type { GraphQLContext } from './context.ts';

/** The loaders of one operation. */
export interface Loaders {
  readonly mappingsOfTicket: DataLoader<string, SyncMapping[]>;
  readonly openConflictsOfTicket: DataLoader<string, Conflict[]>;
  readonly project: DataLoader<string, ExternalProject>;
}

const perContext = new WeakMap<GraphQLContext, Loaders>();
/** Batch within a tick, remember nothing: a subscription's context lives across many events. */
const noCache = { cache: false } as const;

/** The loaders of the operation `context` belongs to (made on first use, gone with it). */
export function loadersOf(context: GraphQLContext): Loaders {
  const known = perContext.get(context);
  if (known) return known;
  const { services } = context;
  const loaders: Loaders = {
    mappingsOfTicket: new DataLoader(async (ids) => {
      const found = await services.links.mappingsOfTickets(ids);
      return ids.map((id) => found.get(id) ?? []);
    }, noCache),
    openConflictsOfTicket: new DataLoader(async (ids) => {
      const found = await services.conflicts.openForTickets(ids);
      return ids.map((id) => found.get(id) ?? []);
    }, noCache),
    project: new DataLoader<string, ExternalProject>(async (ids) => {
      const found = await services.projects.getMany(ids);
      return ids.map((id) => found.get(id) ?? new NotFoundError(`No external project with id "${id}"`));
    }, noCache),
  };
  perContext.set(context, loaders);
  return loaders;
}
