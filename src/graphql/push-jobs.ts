// Outbound push jobs in GraphQL: the `pushJobs` connection (newest first, filtered by project,
// ticket and status) and `retryPushJob`, which sends a dead one again.
import type { PushJob } from '#infra/persistence/sync-records.ts';
import { builder } from './builder.ts';
import { loadersOf } from './loaders.ts';
import { connectionComplexity, keysetConnection } from './keyset-connection.ts';
import { ExternalProjectRef } from './projects.ts';
import { TicketRef } from './tickets.ts';

const PushJobStatusEnum = builder.enumType('PushJobStatus', {
  values: { PENDING: { value: 'pending' }, DELIVERED: { value: 'delivered' }, DEAD: { value: 'dead' }, SUPERSEDED: { value: 'superseded' } } as const,
});

export const PushJobRef = builder.objectRef<PushJob>('PushJob').implement({
  description: 'One outbound change to one project; its id is the delivery id the project sees on every retry.',
  fields: (t) => ({
    id: t.exposeID('id'),
    project: t.field({ type: ExternalProjectRef, resolve: (job, _args, context) => loadersOf(context).project.load(job.projectId) }),
    ticket: t.field({ type: TicketRef, resolve: (job, _args, context) => loadersOf(context).ticket.load(job.ticketId) }),
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

const PushJobFilter = builder.inputType('PushJobFilter', {
  fields: (t) => ({
    projectId: t.id(),
    ticketId: t.id(),
    status: t.field({ type: PushJobStatusEnum }),
  }),
});

builder.queryField('pushJobs', (t) =>
  t.connection({
    type: PushJobRef,
    description: 'Outbound deliveries, newest first, 50 per page by default (DEAD ones can be retried with retryPushJob).',
    args: { filter: t.arg({ type: PushJobFilter }) },
    complexity: connectionComplexity(50),
    resolve: (_root, args, { services }) => {
      const filter = args.filter ?? {};
      return keysetConnection(args, 50, (job: PushJob) => ({ at: job.createdAt, id: job.id }), (page) =>
        services.pushJobs.list(
          {
            ...(filter.projectId != null ? { projectId: String(filter.projectId) } : {}),
            ...(filter.ticketId != null ? { ticketId: String(filter.ticketId) } : {}),
            ...(filter.status != null ? { status: filter.status } : {}),
          },
          page,
        ),
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
