// Sync errors in GraphQL: values that could not be synced with a project, listed newest first as
// a Relay connection for a project and/or a ticket.
import type { SyncErrorRecord } from '#infra/persistence/sync-records.ts';
import { builder } from './builder.ts';
import { connectionComplexity, keysetConnection } from './keyset-connection.ts';

export const SyncErrorRef = builder.objectRef<SyncErrorRecord>('SyncError').implement({
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
  t.connection({
    type: SyncErrorRef,
    description: 'Sync errors, newest first, for a project and/or a ticket (50 per page by default).',
    args: { projectId: t.arg.id(), ticketId: t.arg.id() },
    complexity: connectionComplexity(50),
    resolve: (_root, args, { services }) =>
      keysetConnection(args, 50, (error: SyncErrorRecord) => ({ at: error.at, id: error.id }), (page) =>
        services.syncErrors.list(
          {
            ...(args.projectId != null ? { projectId: String(args.projectId) } : {}),
            ...(args.ticketId != null ? { ticketId: String(args.ticketId) } : {}),
          },
          page,
        ),
      ),
  }),
);
