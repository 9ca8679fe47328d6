// Links between tickets and external items in GraphQL: `Ticket.mappings`, `linkTicket` (link an
// existing item, or create it there), outbound push jobs with their dead-letter retry, and
// `Ticket.history`, the audit trail of changes applied from other sides.
import type { SyncMapping } from '#domain/sync/mapping.ts';
import type { Ticket } from '#domain/ticket/ticket.ts';
import type { AuditEntry, PushJob, SyncErrorRecord } from '#infra/persistence/sync-records.ts';
import { builder } from './builder.ts';
import { decodeCursor } from './cursor.ts';
import { BadInputError } from '#infra/services/errors.ts';
import { ExternalProjectRef } from './projects.ts';
import { TicketRef } from './tickets.ts';

const SyncErrorRef = builder.objectRef<SyncErrorRecord>('SyncError').implement({
  description: 'A value that could not be synced with a project (unmappable on the way in, refused on the way out).',
  fields: (t) => ({
    id: t.exposeID('id'),
    projectId: t.exposeID('projectId'),
    ticketId: t.exposeID('ticketId', { nullable: true }),
    externalId: t.exposeString('externalId', { nullable: true }),
    field: t.exposeString('field', { nullable: true }),
    value: t.field({ type: 'JSON', nullable: true, resolve: (error) => error.value }),
    direction: t.exposeString('direction', { description: 'inbound (into the hub) or outbound (to the project).' }),
    message: t.exposeString('message'),
    deliveryId: t.exposeString('deliveryId', { nullable: true }),
    at: t.expose('at', { type: 'DateTime' }),
  }),
});

builder.queryField('syncErrors', (t) =>
  t.field({
    type: [SyncErrorRef],
    description: 'Recent sync errors, newest first, for a project and/or a ticket.',
    args: { projectId: t.arg.id(), ticketId: t.arg.id(), first: t.arg.int({ defaultValue: 50 }) },
    complexity: (args) => ({ field: 1, multiplier: Math.min(args.first ?? 50, 100) }),
    resolve: (_root, { projectId, ticketId, first }, { services }) =>
      services.syncErrors.list(
        { ...(projectId != null ? { projectId: String(projectId) } : {}), ...(ticketId != null ? { ticketId: String(ticketId) } : {}) },
        first ?? 50,
      ),
  }),
);

const MappingRef = builder.objectRef<SyncMapping>('TicketMapping').implement({
  description: 'The link between a ticket and an item of one external project.',
  fields: (t) => ({
    id: t.exposeID('id'),
    externalId: t.exposeString('externalId'),
    externalUrl: t.exposeString('externalUrl', { nullable: true }),
    project: t.field({ type: ExternalProjectRef, resolve: (mapping, _args, { services }) => services.projects.require(mapping.projectId) }),
    linkedAt: t.expose('linkedAt', { type: 'DateTime' }),
    errors: t.field({
      type: [SyncErrorRef],
      description: 'The latest values that could not be synced over this link.',
      complexity: { field: 1, multiplier: 5 },
      resolve: (mapping, _args, { services }) => services.syncErrors.list({ projectId: mapping.projectId, ticketId: mapping.ticketId }, 20),
    }),
  }),
});

const PushJobStatusEnum = builder.enumType('PushJobStatus', {
  values: { PENDING: { value: 'pending' }, DELIVERED: { value: 'delivered' }, DEAD: { value: 'dead' }, SUPERSEDED: { value: 'superseded' } } as const,
});

const PushJobRef = builder.objectRef<PushJob>('PushJob').implement({
  description: 'One outbound change to one project; its id is the delivery id the project sees on every retry.',
  fields: (t) => ({
    id: t.exposeID('id'),
    project: t.field({ type: ExternalProjectRef, resolve: (job, _args, { services }) => services.projects.require(job.projectId) }),
    ticket: t.field({ type: TicketRef, resolve: (job, _args, { services }) => services.tickets.require(job.ticketId) }),
    operation: t.exposeString('operation', { description: '`create` or `update` (the item), or `comment` (one comment).' }),
    fields: t.stringList({ resolve: (job) => job.fields.map((push) => push.field) }),
    commentId: t.id({ nullable: true, description: 'For `comment` jobs: the comment they bring up to date.', resolve: (job) => job.commentId }),
    status: t.field({ type: PushJobStatusEnum, resolve: (job) => job.status }),
    attempts: t.exposeInt('attempts'),
    lastError: t.exposeString('lastError', { nullable: true }),
    nextAttemptAt: t.expose('nextAttemptAt', { type: 'DateTime' }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    deliveredAt: t.field({ type: 'DateTime', nullable: true, resolve: (job) => job.deliveredAt }),
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
    complexity: { field: 1, multiplier: 3 },
    resolve: (ticket, _args, { services }) => services.links.mappingsOf(ticket.id),
  }),
  history: t.field({
    type: [AuditEntryRef],
    args: { last: t.arg.int({ defaultValue: 50 }) },
    complexity: { field: 1, multiplier: 5 },
    resolve: (ticket, { last }, { services }) => services.pushJobs.historyOf(ticket.id, Math.min(Math.max(last ?? 50, 1), 200)),
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

const PushJobFilter = builder.inputType('PushJobFilter', {
  fields: (t) => ({
    projectId: t.id(),
    ticketId: t.id(),
    status: t.field({ type: PushJobStatusEnum }),
  }),
});

builder.queryField('pushJobs', (t) =>
  t.field({
    type: [PushJobRef],
    description: 'Outbound deliveries, newest first (DEAD ones can be retried with retryPushJob).',
    args: { filter: t.arg({ type: PushJobFilter }), first: t.arg.int({ defaultValue: 50 }), after: t.arg.string() },
    complexity: (args) => ({ field: 1, multiplier: Math.min(args.first ?? 50, 100) }),
    resolve: (_root, { filter, first, after }, { services }) => {
      if ((first ?? 50) > 100 || (first ?? 50) < 1) throw new BadInputError('first: between 1 and 100');
      return services.pushJobs.list(
        {
          ...(filter?.projectId != null ? { projectId: String(filter.projectId) } : {}),
          ...(filter?.ticketId != null ? { ticketId: String(filter.ticketId) } : {}),
          ...(filter?.status != null ? { status: filter.status } : {}),
        },
        { ...(after ? { after: decodeCursor(after) } : {}), limit: first ?? 50 },
      );
    },
  }),
);

builder.mutationField('retryPushJob', (t) =>
  t.field({
    type: builder.objectRef<{ pushJob: PushJob | null }>('RetryPushJobPayload').implement({
      fields: (f) => ({
        pushJob: f.field({ type: PushJobRef, nullable: true, description: 'The job now pending (null when nothing is left to send).', resolve: (p) => p.pushJob }),
      }),
    }),
    authScopes: { admin: true },
    args: { id: t.arg.id({ required: true }) },
    resolve: async (_root, { id }, { services }) => ({ pushJob: await services.pushJobs.retry(String(id)) }),
  }),
);
