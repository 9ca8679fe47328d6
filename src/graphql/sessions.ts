// Sync sessions in GraphQL: `startSync` (with a dry run that only reports its plan),
// `syncSession`, the sessions of a project, and `syncStatus`, which streams session progress
// from JetStream.
import type { PlanEntry, SyncSession } from '#domain/project/sync-session.ts';
import { builder } from './builder.ts';
import { loadersOf } from './loaders.ts';
import { SyncSessionKindEnum, SyncSessionStatusEnum } from './enums.ts';
import { connectionComplexity, keysetConnection } from './keyset-connection.ts';
import { ExternalProjectRef } from './projects.ts';


const PlanEntryRef = builder.objectRef<PlanEntry>('SyncPlanEntry').implement({
  description: 'One thing a session did (or, in a dry run, would do).',
  fields: (t) => ({
    action: t.exposeString('action', { description: 'create, update, push, conflict or unlink.' }),
    direction: t.exposeString('direction', { description: 'inbound (into the hub) or outbound (to the project).' }),
    externalId: t.exposeString('externalId', { nullable: true }),
    ticketId: t.exposeID('ticketId', { nullable: true }),
    field: t.exposeString('field', { nullable: true }),
  }),
});

export const SyncSessionRef = builder.objectRef<SyncSession>('SyncSession').implement({
  description: 'One bounded sync operation with a project, with its counts (both directions) and timings.',
  fields: (t) => ({
    id: t.exposeID('id'),
    project: t.field({ type: ExternalProjectRef, resolve: (session, _args, context) => loadersOf(context).project.load(session.projectId) }),
    kind: t.field({ type: SyncSessionKindEnum, resolve: (session) => session.kind }),
    status: t.field({ type: SyncSessionStatusEnum, resolve: (session) => session.status }),
    dryRun: t.exposeBoolean('dryRun'),
    trigger: t.exposeString('trigger'),
    created: t.exposeInt('created'),
    updated: t.exposeInt('updated'),
    unchanged: t.exposeInt('unchanged'),
    conflicts: t.exposeInt('conflicts'),
    errors: t.exposeInt('errors'),
    processed: t.exposeInt('processed'),
    errorMessages: t.exposeStringList('errorMessages'),
    notes: t.exposeStringList('notes'),
    plan: t.field({ type: [PlanEntryRef], description: 'What a dry run would do (empty for real runs).', resolve: (session) => session.plan }),
    startedAt: t.expose('startedAt', { type: 'DateTime' }),
    completedAt: t.field({ type: 'DateTime', nullable: true, resolve: (session) => session.completedAt }),
  }),
});

const StartSyncInput = builder.inputType('StartSyncInput', {
  fields: (t) => ({
    projectId: t.id({ required: true }),
    kind: t.field({ type: SyncSessionKindEnum, required: true }),
    dryRun: t.boolean({ defaultValue: false, description: 'Report the plan without changing anything.' }),
  }),
});

builder.mutationField('startSync', (t) =>
  t.field({
    type: builder.objectRef<{ session: SyncSession }>('StartSyncPayload').implement({
      fields: (f) => ({ session: f.field({ type: SyncSessionRef, resolve: (payload) => payload.session }) }),
    }),
    description: 'Starts a sync session (an import can bring in thousands of items and re-plan every link): admins only.',
    authScopes: { admin: true },
    args: { input: t.arg({ type: StartSyncInput, required: true }) },
    resolve: async (_root, { input }, { services }) => ({
      session: await services.sessions.start(String(input.projectId), input.kind, input.dryRun ?? false),
    }),
  }),
);

builder.queryField('syncSession', (t) =>
  t.field({
    type: SyncSessionRef,
    nullable: true,
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, { id }, { services }) => services.sessions.get(String(id)),
  }),
);

const SyncSessionFilter = builder.inputType('SyncSessionFilter', {
  fields: (t) => ({
    kind: t.field({ type: SyncSessionKindEnum }),
    status: t.field({ type: SyncSessionStatusEnum }),
  }),
});

builder.queryField('syncSessions', (t) =>
  t.connection({
    type: SyncSessionRef,
    description: 'The sessions of a project, newest first (20 per page by default).',
    args: { projectId: t.arg.id({ required: true }), filter: t.arg({ type: SyncSessionFilter }) },
    complexity: connectionComplexity(20),
    resolve: (_root, args, { services }) => {
      const filter = args.filter ?? {};
      return keysetConnection(args, 20, (session: SyncSession) => ({ at: session.startedAt, id: session.id }), (page) =>
        services.sessions.listFor(
          String(args.projectId),
          { ...(filter.kind != null ? { kind: filter.kind } : {}), ...(filter.status != null ? { status: filter.status } : {}) },
          page,
        ),
      );
    },
  }),
);

builder.subscriptionField('syncStatus', (t) =>
  t.field({
    type: SyncSessionRef,
    description: 'The project’s sync sessions as they start, progress and end.',
    args: { projectId: t.arg.id({ required: true }) },
    subscribe: async function* (_root, { projectId }, context) {
      const { services, signal } = context;
      const id = String(projectId);
      await services.projects.require(id);
      for await (const event of services.feed.syncEvents(id, signal)) {
        const sessionId = String(event.payload['sessionId']);
        const session = await event.memo(`session:${sessionId}`, () => services.sessions.get(sessionId));
        // Loads below the event are shared with its other subscribers (see GraphQLContext.event).
        context.event = event;
        if (session) yield session;
      }
    },
    resolve: (session: SyncSession) => session,
  }),
);
