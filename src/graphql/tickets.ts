// Tickets in GraphQL: the Ticket type, the `ticket` and `tickets` queries, `createTicket` and
// `updateTicket`, and the `ticketChanged` subscription fed from JetStream.
import { resolveCursorConnection } from '@pothos/plugin-relay';
import type { Conflict } from '#domain/conflict/conflict.ts';
import type { TicketPatch } from '#domain/ticket/fields.ts';
import { Ticket } from '#domain/ticket/ticket.ts';
import { builder } from './builder.ts';
import { ConflictRef } from './conflicts.ts';
import { loadersOf } from './loaders.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';
import { BadInputError } from '#infra/services/errors.ts';
import { PriorityEnum, PrivacyLevelEnum, TicketKindEnum, TicketStatusEnum } from './enums.ts';

export const TicketRef = builder.objectRef<Ticket>('Ticket').implement({
  description: 'A work item kept by the hub and mirrored field by field into connected tools.',
  fields: (t) => ({
    id: t.exposeID('id'),
    title: t.exposeString('title'),
    description: t.exposeString('description'),
    status: t.field({ type: TicketStatusEnum, resolve: (ticket) => ticket.status }),
    priority: t.field({ type: PriorityEnum, resolve: (ticket) => ticket.priority }),
    assignee: t.exposeString('assignee', { nullable: true }),
    labels: t.exposeStringList('labels'),
    privacy: t.field({ type: PrivacyLevelEnum, resolve: (ticket) => ticket.privacy }),
    kind: t.field({ type: TicketKindEnum, resolve: (ticket) => ticket.kind }),
    customFields: t.field({ type: 'JSON', resolve: (ticket) => ticket.customFields }),
    version: t.string({
      description: 'Opaque version token; pass it back as `expectedVersion` so a stale write cannot silently overwrite.',
      resolve: (ticket) => ticket.version,
    }),
    openConflicts: t.field({
      type: [ConflictRef],
      description: 'Conflicts on this ticket waiting for a reviewer.',
      // At most one open conflict per field, so the list is short; loaded with the page's other tickets.
      complexity: { field: 1, multiplier: 2 },
      resolve: (ticket, _args, context) => loadersOf(context).openConflictsOfTicket.load(ticket.id),
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
  }),
});

const CreateTicketInput = builder.inputType('CreateTicketInput', {
  fields: (t) => ({
    title: t.string({ required: true }),
    description: t.string(),
    status: t.field({ type: TicketStatusEnum }),
    priority: t.field({ type: PriorityEnum }),
    assignee: t.string(),
    labels: t.stringList(),
    privacy: t.field({ type: PrivacyLevelEnum }),
    kind: t.field({ type: TicketKindEnum }),
    customFields: t.field({ type: 'JSON', description: 'An object of custom field values.' }),
  }),
});

const UpdateTicketInput = builder.inputType('UpdateTicketInput', {
  fields: (t) => ({
    id: t.id({ required: true }),
    title: t.string(),
    description: t.string(),
    status: t.field({ type: TicketStatusEnum }),
    priority: t.field({ type: PriorityEnum }),
    assignee: t.string({ description: 'null unassigns.' }),
    labels: t.stringList(),
    privacy: t.field({ type: PrivacyLevelEnum }),
    kind: t.field({ type: TicketKindEnum }),
    customFields: t.field({ type: 'JSON', description: 'Custom field values to set (others are kept).' }),
    expectedVersion: t.string({ description: 'The `version` the caller read; a stale one never silently overwrites.' }),
  }),
});

const TicketFilterInput = builder.inputType('TicketFilter', {
  fields: (t) => ({
    status: t.field({ type: [TicketStatusEnum] }),
    kind: t.field({ type: [TicketKindEnum] }),
    priority: t.field({ type: [PriorityEnum] }),
    assignee: t.string(),
    label: t.string(),
    text: t.string({ description: 'Case-insensitive text in the title or description.' }),
  }),
});

/** Turns GraphQL input (where null means "not given", except assignee) into a domain patch. */
function toPatch(input: Record<string, unknown>): TicketPatch {
  const patch: Record<string, unknown> = {};
  for (const field of ['title', 'description', 'status', 'priority', 'labels', 'privacy', 'kind', 'customFields', 'assignee']) {
    const value = input[field];
    if (value === undefined) continue;
    if (value === null && field !== 'assignee') throw new BadInputError(`${field}: must not be null`);
    patch[field] = value;
  }
  return patch as TicketPatch;
}

const TicketPayload = builder.objectRef<{ ticket: Ticket; conflicts: Conflict[] }>('TicketPayload').implement({
  fields: (t) => ({
    ticket: t.field({ type: TicketRef, resolve: (payload) => payload.ticket }),
    conflicts: t.field({
      type: [ConflictRef],
      description: 'Conflicts this change opened (a stale expectedVersion against a different value).',
      resolve: (payload) => payload.conflicts,
    }),
  }),
});

builder.queryField('ticket', (t) =>
  t.field({
    type: TicketRef,
    nullable: true,
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, { id }, { services }) => services.tickets.get(String(id)),
  }),
);

builder.queryField('tickets', (t) =>
  t.connection({
    type: TicketRef,
    args: { filter: t.arg({ type: TicketFilterInput }) },
    complexity: (args) => ({ field: 1, multiplier: Math.min(args.first ?? args.last ?? 20, 100) }),
    resolve: (_root, args, { services }) => {
      if ((args.first ?? 0) > 100 || (args.last ?? 0) > 100) throw new BadInputError('first/last: at most 100');
      const filter = args.filter ?? {};
      return resolveCursorConnection<Promise<Ticket[]>>(
        { args, toCursor: (ticket: Ticket) => encodeCursor(ticket.createdAt, ticket.id), defaultSize: 20, maxSize: 100 },
        ({ before, after, limit, inverted }) => {
          return services.tickets.list(
            {
              ...(filter.status ? { status: filter.status } : {}),
              ...(filter.kind ? { kind: filter.kind } : {}),
              ...(filter.priority ? { priority: filter.priority } : {}),
              ...(filter.assignee != null ? { assignee: filter.assignee } : {}),
              ...(filter.label != null ? { label: filter.label } : {}),
              ...(filter.text != null ? { text: filter.text } : {}),
            },
            {
              ...(after ? { after: decodeCursor(after) } : {}),
              ...(before ? { before: decodeCursor(before) } : {}),
              limit,
              inverted,
            },
          );
        },
      );
    },
  }),
);

builder.mutationField('createTicket', (t) =>
  t.field({
    type: TicketPayload,
    args: { input: t.arg({ type: CreateTicketInput, required: true }) },
    resolve: async (_root, { input }, { services, caller }) => {
      const patch = toPatch(input);
      const ticket = await services.tickets.create({ ...patch, title: input.title }, caller);
      return { ticket, conflicts: [] };
    },
  }),
);

builder.mutationField('updateTicket', (t) =>
  t.field({
    type: TicketPayload,
    args: { input: t.arg({ type: UpdateTicketInput, required: true }) },
    resolve: async (_root, { input }, { services, caller }) => {
      const { id, expectedVersion, ...fields } = input;
      return services.tickets.update(String(id), toPatch(fields), expectedVersion ?? undefined, caller);
    },
  }),
);

builder.subscriptionField('ticketChanged', (t) =>
  t.field({
    type: TicketRef,
    description: 'The ticket, each time it changes (through any Lockstep process).',
    args: { id: t.arg.id({ required: true }) },
    subscribe: async function* (_root, { id }, context) {
      const { services, signal } = context;
      const ticketId = String(id);
      await services.tickets.require(ticketId);
      for await (const event of services.feed.ticketEvents(ticketId, signal)) {
        const ticket = await event.memo(`ticket:${ticketId}`, () => services.tickets.get(ticketId));
        // Loads below the event are shared with its other subscribers (see GraphQLContext.event).
        context.event = event;
        if (ticket) yield ticket;
      }
    },
    resolve: (ticket: Ticket) => ticket,
  }),
);
