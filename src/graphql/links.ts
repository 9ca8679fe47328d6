// Links between tickets and external items in GraphQL: `Ticket.mappings`, `linkTicket` (link an
// existing item, or create it there), and `Ticket.history`, the audit trail of changes applied
// from other sides.
import type { SyncMapping } from '#domain/sync/mapping.ts';
import type { Ticket } from '#domain/ticket/ticket.ts';
import type { AuditEntry, PushJob } from '#infra/persistence/sync-records.ts';
import { builder } from './builder.ts';
import { loadersOf } from './loaders.ts';
import { ExternalProjectRef } from './projects.ts';
import { PushJobRef } from './push-jobs.ts';
import { SyncErrorRef } from './sync-errors.ts';
import { TicketRef } from './tickets.ts';

const MappingRef = builder.objectRef<SyncMapping>('TicketMapping').implement({
  description: 'The link between a ticket and an item of one external project.',
  fields: (t) => ({
    id: t.exposeID('id'),
    externalId: t.exposeString('externalId'),
    externalUrl: t.exposeString('externalUrl', { nullable: true }),
    project: t.field({ type: ExternalProjectRef, resolve: (mapping, _args, context) => loadersOf(context).project.load(mapping.projectId) }),
    linkedAt: t.expose('linkedAt', { type: 'DateTime' }),
    errors: t.field({
      type: [SyncErrorRef],
      description: 'The latest values that could not be synced over this link.',
      complexity: { field: 1, multiplier: 5 },
      resolve: (mapping, _args, context) =>
        loadersOf(context).errorsOfLink.load({ id: mapping.ticketId, page: { projectId: mapping.projectId, limit: 20 } }),
    }),
  }),
});

const AuditEntryRef = builder.objectRef<AuditEntry>('TicketChange').implement({
  description: 'A field change applied to a ticket from another side: what, from where, through which delivery, when.',
  fields: (t) => ({
    field: t.exposeString('field'),
    from: t.field({ type: 'JSON', nullable: true, resolve: (entry) => entry.fromValue }),
    to: t.field({ type: 'JSON', nullable: true, resolve: (entry) => entry.toValue }),
    origin: t.exposeString('origin', { description: 'The replica the change came through (an external project id).' }),
    projectId: t.exposeID('projectId', { nullable: true }),
    actor: t.exposeString('actor', { nullable: true }),
    deliveryId: t.exposeString('deliveryId', { nullable: true }),
    at: t.expose('at', { type: 'DateTime' }),
  }),
});

builder.objectFields(TicketRef, (t) => ({
  mappings: t.field({
    type: [MappingRef],
    // Loaded with the other tickets of the page in one query; a ticket has a few links.
    complexity: { field: 1, multiplier: 3 },
    resolve: (ticket, _args, context) => loadersOf(context).mappingsOfTicket.load(ticket.id),
  }),
  history: t.field({
    type: [AuditEntryRef],
    args: { last: t.arg.int({ defaultValue: 50 }) },
    complexity: { field: 1, multiplier: 5 },
    resolve: (ticket, { last }, context) => loadersOf(context).historyOfTicket.load({ id: ticket.id, page: Math.min(Math.max(last ?? 50, 1), 200) }),
  }),
}));

const LinkTicketInput = builder.inputType('LinkTicketInput', {
  fields: (t) => ({
    ticketId: t.id({ required: true }),
    projectId: t.id({ required: true }),
    externalId: t.string({ description: 'An existing item to link; without it the item is created in the project.' }),
  }),
});

const LinkTicketPayload = builder
  .objectRef<{ ticket: Ticket; mapping: SyncMapping | null; pushJob: PushJob | null }>('LinkTicketPayload')
  .implement({
    fields: (t) => ({
      ticket: t.field({ type: TicketRef, resolve: (payload) => payload.ticket }),
      mapping: t.field({ type: MappingRef, nullable: true, description: 'Null while the item is being created.', resolve: (payload) => payload.mapping }),
      pushJob: t.field({ type: PushJobRef, nullable: true, resolve: (payload) => payload.pushJob }),
    }),
  });

builder.mutationField('linkTicket', (t) =>
  t.field({
    type: LinkTicketPayload,
    args: { input: t.arg({ type: LinkTicketInput, required: true }) },
    resolve: async (_root, { input }, { services, caller }) => {
      const outcome = await services.links.link(String(input.ticketId), String(input.projectId), input.externalId ?? undefined, caller.name);
      return { ticket: outcome.ticket, mapping: outcome.mapping, pushJob: outcome.job };
    },
  }),
);
