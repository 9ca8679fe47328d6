// The conflict inbox in GraphQL: the Conflict type, `conflicts` with filters, `resolveConflict`
// for reviewers, and the `conflictDetected` subscription fed from JetStream.
import { resolveCursorConnection } from '@pothos/plugin-relay';
import type { Conflict, ConflictCandidate } from '#domain/conflict/conflict.ts';
import type { Ticket } from '#domain/ticket/ticket.ts';
import { builder } from './builder.ts';
import { loadersOf } from './loaders.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';
import { ConflictStatusEnum, ConflictStrategyEnum } from './enums.ts';
import { BadInputError, NotFoundError } from '#infra/services/errors.ts';
import { TicketRef } from './tickets.ts';

const CandidateRef = builder.objectRef<ConflictCandidate>('ConflictCandidate').implement({
  description: 'One competing value of a conflicted field.',
  fields: (t) => ({
    value: t.field({ type: 'JSON', resolve: (candidate) => candidate.value }),
    origin: t.string({
      description: 'The replica the value came through: the hub itself or an external project.',
      resolve: (candidate) => candidate.origin.replica,
    }),
    actor: t.string({ nullable: true, resolve: (candidate) => candidate.origin.actor ?? null }),
    version: t.exposeString('version'),
    at: t.field({ type: 'DateTime', resolve: (candidate) => new Date(candidate.at) }),
  }),
});

const ResolutionRef = builder.objectRef<NonNullable<Conflict['resolution']>>('ConflictResolution').implement({
  fields: (t) => ({
    value: t.field({ type: 'JSON', resolve: (resolution) => resolution.value }),
    resolvedBy: t.exposeString('by'),
    resolvedAt: t.field({ type: 'DateTime', resolve: (resolution) => new Date(resolution.at) }),
    version: t.exposeString('version'),
  }),
});

export const ConflictRef = builder.objectRef<Conflict>('Conflict');

ConflictRef.implement({
  description: 'Concurrent values of one ticket field waiting for a reviewer.',
  fields: (t) => ({
    id: t.exposeID('id'),
    field: t.exposeString('field', { description: 'A Ticket field name: title, description, status, priority, assignee, labels, ...' }),
    status: t.field({ type: ConflictStatusEnum, resolve: (conflict) => conflict.status }),
    strategy: t.field({ type: ConflictStrategyEnum, resolve: (conflict) => conflict.strategy }),
    projectId: t.id({ nullable: true, resolve: (conflict) => conflict.projectId }),
    ticket: t.field({
      type: TicketRef,
      resolve: (conflict, _args, context) => loadersOf(context).ticket.load(conflict.ticketId),
    }),
    candidates: t.field({ type: [CandidateRef], resolve: (conflict) => conflict.candidates }),
    detectedAt: t.expose('detectedAt', { type: 'DateTime' }),
    resolution: t.field({ type: ResolutionRef, nullable: true, resolve: (conflict) => conflict.resolution }),
  }),
});

const ConflictFilterInput = builder.inputType('ConflictFilter', {
  fields: (t) => ({
    status: t.field({ type: ConflictStatusEnum }),
    projectId: t.id({ description: 'Conflicts with this external project.' }),
    ticketId: t.id(),
  }),
});

builder.queryField('conflict', (t) =>
  t.field({
    type: ConflictRef,
    nullable: true,
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, { id }, { services }) => services.conflicts.get(String(id)),
  }),
);

builder.queryField('conflicts', (t) =>
  t.connection({
    type: ConflictRef,
    args: { filter: t.arg({ type: ConflictFilterInput }) },
    complexity: (args) => ({ field: 1, multiplier: Math.min(args.first ?? args.last ?? 20, 100) }),
    resolve: (_root, args, { services }) => {
      if ((args.first ?? 0) > 100 || (args.last ?? 0) > 100) throw new BadInputError('first/last: at most 100');
      const filter = args.filter ?? {};
      return resolveCursorConnection<Promise<Conflict[]>>(
        { args, toCursor: (conflict: Conflict) => encodeCursor(conflict.detectedAt, conflict.id), defaultSize: 20, maxSize: 100 },
        ({ before, after, limit, inverted }) =>
          services.conflicts.list(
            {
              ...(filter.status ? { status: filter.status } : {}),
              ...(filter.projectId != null ? { projectId: String(filter.projectId) } : {}),
              ...(filter.ticketId != null ? { ticketId: String(filter.ticketId) } : {}),
            },
            {
              ...(after ? { after: decodeCursor(after) } : {}),
              ...(before ? { before: decodeCursor(before) } : {}),
              limit,
              inverted,
            },
          ),
      );
    },
  }),
);

const ResolveConflictInput = builder.inputType('ResolveConflictInput', {
  fields: (t) => ({
    conflictId: t.id({ required: true }),
    value: t.field({ type: 'JSON', required: true, description: 'The value to keep, in the field’s JSON form (e.g. "IN_PROGRESS" or ["a","b"]).' }),
  }),
});

const ResolveConflictPayload = builder.objectRef<{ conflict: Conflict; ticket: Ticket }>('ResolveConflictPayload').implement({
  fields: (t) => ({
    conflict: t.field({ type: ConflictRef, resolve: (payload) => payload.conflict }),
    ticket: t.field({ type: TicketRef, resolve: (payload) => payload.ticket }),
  }),
});

/** Enum-valued fields accept the GraphQL spelling too ("IN_PROGRESS" for in_progress). */
function toDomainValue(field: string, value: unknown): unknown {
  const enumFields = ['status', 'priority', 'privacy', 'kind'];
  return enumFields.includes(field) && typeof value === 'string' ? value.toLowerCase() : value;
}

builder.mutationField('resolveConflict', (t) =>
  t.field({
    type: ResolveConflictPayload,
    authScopes: { reviewer: true },
    args: { input: t.arg({ type: ResolveConflictInput, required: true }) },
    resolve: async (_root, { input }, { services, caller }) => {
      const existing = await services.conflicts.get(String(input.conflictId));
      if (!existing) throw new NotFoundError(`No conflict with id "${input.conflictId}"`);
      return services.conflicts.resolve(existing.id, toDomainValue(existing.field, input.value), caller);
    },
  }),
);

builder.subscriptionField('conflictDetected', (t) =>
  t.field({
    type: ConflictRef,
    description: 'Conflicts as they are detected: those with one project, or every conflict (hub writers included) without projectId.',
    args: { projectId: t.arg.id() },
    subscribe: async function* (_root, { projectId }, context) {
      const { services, signal } = context;
      for await (const event of services.feed.conflictsDetected(projectId == null ? null : String(projectId), signal)) {
        const conflictId = String(event.payload['conflictId']);
        const conflict = await event.memo(`conflict:${conflictId}`, () => services.conflicts.get(conflictId));
        // Loads below the event are shared with its other subscribers (see GraphQLContext.event).
        context.event = event;
        if (conflict) yield conflict;
      }
    },
    resolve: (conflict: Conflict) => conflict,
  }),
);
