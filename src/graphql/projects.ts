// External projects in GraphQL: connect (the adapter validates and tests first), update, pause,
// resume, rotate the webhook secret, set sync rules; read them with their webhook URL. Admin-only changes; the
// webhook secret is shown to admins only, and credentials are never returned.
import { resolveCursorConnection } from '@pothos/plugin-relay';
import { conflictStrategies, type ConflictStrategy } from '#domain/conflict/conflict.ts';
import type { ExternalProject } from '#domain/project/external-project.ts';
import { customFieldName, mirroredFields, type FieldKey } from '#domain/ticket/fields.ts';
import { isRoleAtLeast } from '#infra/auth/roles.ts';
import { builder } from './builder.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';
import {
  ConflictStrategyEnum,
  HandshakeStatusEnum,
  IntegrationKindEnum,
  ProjectStatusEnum,
  SyncDirectionEnum,
  SyncModeEnum,
} from './enums.ts';
import { BadInputError } from '#infra/services/errors.ts';
import { LinkRuleInput, LinkRuleRef, toLinkRules } from './link-rules.ts';

const FieldStrategyRef = builder.objectRef<{ field: string; strategy: ConflictStrategy }>('FieldStrategy').implement({
  fields: (t) => ({
    field: t.exposeString('field'),
    strategy: t.field({ type: ConflictStrategyEnum, resolve: (entry) => entry.strategy }),
  }),
});

export const ExternalProjectRef = builder.objectRef<ExternalProject>('ExternalProject').implement({
  description: 'A connection to one external project (a Jira project, a webhook receiver, a peer hub...).',
  fields: (t) => ({
    id: t.exposeID('id'),
    name: t.exposeString('name'),
    kind: t.field({ type: IntegrationKindEnum, resolve: (project) => project.kind }),
    status: t.field({ type: ProjectStatusEnum, resolve: (project) => project.status }),
    direction: t.field({ type: SyncDirectionEnum, resolve: (project) => project.direction }),
    webhookUrl: t.string({
      description: 'Where this project’s system posts its deliveries.',
      resolve: (project, _args, { services }) => `${services.publicUrl()}/api/webhooks/${project.kind}/${project.id}`,
    }),
    webhookSecret: t.exposeString('webhookSecret', {
      description: 'Signs deliveries to webhookUrl (admins only).',
      authScopes: { admin: true },
    }),
    handshakeStatus: t.field({ type: HandshakeStatusEnum, resolve: (project) => project.handshakeStatus }),
    syncMode: t.field({ type: SyncModeEnum, resolve: (project) => project.syncMode }),
    pollIntervalSeconds: t.exposeInt('pollIntervalSeconds'),
    defaultStrategy: t.field({ type: ConflictStrategyEnum, resolve: (project) => project.defaultStrategy }),
    fieldStrategies: t.field({
      type: [FieldStrategyRef],
      resolve: (project) =>
        Object.entries(project.fieldStrategies).map(([field, strategy]) => ({ field, strategy: strategy as ConflictStrategy })),
    }),
    mappedFields: t.stringList({ resolve: (project) => project.mappedFields }),
    allowsShareable: t.exposeBoolean('allowsShareable', { description: 'Whether SHAREABLE tickets may go to this project.' }),
    linkRules: t.field({
      type: [LinkRuleRef],
      description: 'Tickets matching any rule are linked here once, when created or when a change makes them match.',
      resolve: (project) => project.linkRules,
    }),
    config: t.field({
      type: 'JSON',
      nullable: true,
      description: 'The connector settings (internal URLs, user maps, peer keys): null unless the caller is an admin.',
      resolve: (project, _args, { caller }) => (isRoleAtLeast(caller.role, 'admin') ? project.config : null),
    }),
    consecutiveFailures: t.exposeInt('consecutiveFailures'),
    lastError: t.string({
      nullable: true,
      description: 'The last failure talking to the project (it may name internal addresses): null unless the caller is an admin.',
      resolve: (project, _args, { caller }) => (isRoleAtLeast(caller.role, 'admin') ? project.lastError : null),
    }),
    lastErrorAt: t.field({ type: 'DateTime', nullable: true, resolve: (project) => project.lastErrorAt }),
    rateLimitedUntil: t.field({ type: 'DateTime', nullable: true, resolve: (project) => project.rateLimitedUntil }),
    lastSyncedAt: t.field({ type: 'DateTime', nullable: true, resolve: (project) => project.lastSyncedAt }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
  }),
});

const FieldStrategyInput = builder.inputType('FieldStrategyInput', {
  fields: (t) => ({
    field: t.string({
      required: true,
      description: 'A Ticket field name: title, description, status, priority, assignee, labels, or customFields.<name> for a custom field.',
    }),
    strategy: t.field({ type: ConflictStrategyEnum, required: true }),
  }),
});

/** A mirrorable field name (`title`... or `customFields.<name>`), or a BadInputError naming it under `argument`. */
function mirrorable(argument: string, field: string): FieldKey {
  if ((mirroredFields as readonly string[]).includes(field)) return field as FieldKey;
  const name = customFieldName(field as FieldKey);
  if (name !== undefined && name.trim() !== '' && name.length <= 100) return field as FieldKey;
  throw new BadInputError(`${argument}: unknown field "${field}" (use ${mirroredFields.join(', ')} or customFields.<name>)`);
}

/** `[{field, strategy}]` as a map, refusing unknown field names. */
function toFieldStrategies(entries: ReadonlyArray<{ field: string; strategy: ConflictStrategy }> | null | undefined) {
  const map: Partial<Record<FieldKey, ConflictStrategy>> = {};
  for (const { field, strategy } of entries ?? []) {
    const key = mirrorable('fieldStrategies', field);
    if (!(conflictStrategies as readonly string[]).includes(strategy)) throw new BadInputError(`fieldStrategies: unknown strategy`);
    map[key] = strategy;
  }
  return map;
}

function toMappedFields(fields: readonly string[] | null | undefined): FieldKey[] | undefined {
  if (fields == null) return undefined;
  return [...new Set(fields.map((field) => mirrorable('mappedFields', field)))];
}

const ConnectExternalProjectInput = builder.inputType('ConnectExternalProjectInput', {
  fields: (t) => ({
    name: t.string({ required: true }),
    kind: t.field({ type: IntegrationKindEnum, required: true }),
    direction: t.field({ type: SyncDirectionEnum, required: true }),
    config: t.field({ type: 'JSON', required: true }),
    credentials: t.field({ type: 'JSON', required: true, description: 'Stored encrypted; never returned.' }),
    defaultStrategy: t.field({ type: ConflictStrategyEnum, defaultValue: 'manual' }),
    fieldStrategies: t.field({ type: [FieldStrategyInput] }),
    mappedFields: t.stringList({
      description: 'Ticket fields mirrored to this project, customFields.<name> included (default: all six, plus the custom fields the config maps).',
    }),
    allowsShareable: t.boolean({ description: 'Whether SHAREABLE tickets may go to this project (default true).' }),
    linkRules: t.field({ type: [LinkRuleInput], description: 'Which tickets are linked here automatically (default: none).' }),
    syncMode: t.field({ type: SyncModeEnum }),
    pollIntervalSeconds: t.int(),
  }),
});

const UpdateExternalProjectInput = builder.inputType('UpdateExternalProjectInput', {
  fields: (t) => ({
    id: t.id({ required: true }),
    name: t.string(),
    direction: t.field({ type: SyncDirectionEnum }),
    config: t.field({ type: 'JSON' }),
    credentials: t.field({ type: 'JSON' }),
    defaultStrategy: t.field({ type: ConflictStrategyEnum }),
    fieldStrategies: t.field({ type: [FieldStrategyInput] }),
    mappedFields: t.stringList(),
    allowsShareable: t.boolean(),
    linkRules: t.field({ type: [LinkRuleInput], description: 'Replaces the rules; [] removes them.' }),
    syncMode: t.field({ type: SyncModeEnum }),
    pollIntervalSeconds: t.int(),
  }),
});

const ProjectPayload = builder.objectRef<{ project: ExternalProject }>('ExternalProjectPayload').implement({
  fields: (t) => ({ project: t.field({ type: ExternalProjectRef, resolve: (payload) => payload.project }) }),
});

builder.queryField('externalProject', (t) =>
  t.field({
    type: ExternalProjectRef,
    nullable: true,
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, { id }, { services }) => services.projects.get(String(id)),
  }),
);

builder.queryField('externalProjects', (t) =>
  t.connection({
    type: ExternalProjectRef,
    complexity: (args) => ({ field: 1, multiplier: Math.min(args.first ?? args.last ?? 20, 100) }),
    resolve: (_root, args, { services }) =>
      resolveCursorConnection<Promise<ExternalProject[]>>(
        { args, toCursor: (project: ExternalProject) => encodeCursor(project.createdAt, project.id), defaultSize: 20, maxSize: 100 },
        ({ before, after, limit, inverted }) =>
          services.projects.list({
            ...(after ? { after: decodeCursor(after) } : {}),
            ...(before ? { before: decodeCursor(before) } : {}),
            limit,
            inverted,
          }),
      ),
  }),
);

builder.mutationField('connectExternalProject', (t) =>
  t.field({
    type: ProjectPayload,
    authScopes: { admin: true },
    args: { input: t.arg({ type: ConnectExternalProjectInput, required: true }) },
    resolve: async (_root, { input }, { services }) => {
      const mappedFields = toMappedFields(input.mappedFields);
      const linkRules = toLinkRules(input.linkRules);
      const project = await services.projects.connect({
        name: input.name,
        kind: input.kind,
        direction: input.direction,
        config: input.config,
        credentials: input.credentials,
        defaultStrategy: input.defaultStrategy ?? 'manual',
        fieldStrategies: toFieldStrategies(input.fieldStrategies),
        ...(mappedFields ? { mappedFields } : {}),
        ...(input.allowsShareable != null ? { allowsShareable: input.allowsShareable } : {}),
        ...(linkRules ? { linkRules } : {}),
        ...(input.syncMode != null ? { syncMode: input.syncMode } : {}),
        ...(input.pollIntervalSeconds != null ? { pollIntervalSeconds: input.pollIntervalSeconds } : {}),
      });
      return { project };
    },
  }),
);

builder.mutationField('updateExternalProject', (t) =>
  t.field({
    type: ProjectPayload,
    authScopes: { admin: true },
    args: { input: t.arg({ type: UpdateExternalProjectInput, required: true }) },
    resolve: async (_root, { input }, { services }) => {
      const mappedFields = toMappedFields(input.mappedFields);
      const linkRules = toLinkRules(input.linkRules);
      const project = await services.projects.update(String(input.id), {
        ...(input.name != null ? { name: input.name } : {}),
        ...(input.direction != null ? { direction: input.direction } : {}),
        ...(input.config != null ? { config: input.config } : {}),
        ...(input.credentials != null ? { credentials: input.credentials } : {}),
        ...(input.defaultStrategy != null ? { defaultStrategy: input.defaultStrategy } : {}),
        ...(input.fieldStrategies != null ? { fieldStrategies: toFieldStrategies(input.fieldStrategies) } : {}),
        ...(mappedFields ? { mappedFields } : {}),
        ...(input.allowsShareable != null ? { allowsShareable: input.allowsShareable } : {}),
        ...(linkRules ? { linkRules } : {}),
        ...(input.syncMode != null ? { syncMode: input.syncMode } : {}),
        ...(input.pollIntervalSeconds != null ? { pollIntervalSeconds: input.pollIntervalSeconds } : {}),
      });
      return { project };
    },
  }),
);

for (const [name, description] of [
  ['pauseExternalProject', 'Stops syncing with the project until resumed.'],
  ['resumeExternalProject', 'Resumes a paused project; what was held is sent and applied.'],
] as const) {
  builder.mutationField(name, (t) =>
    t.field({
      type: ProjectPayload,
      description,
      authScopes: { admin: true },
      args: { id: t.arg.id({ required: true }) },
      resolve: async (_root, { id }, { services }) => {
        if (name === 'pauseExternalProject') return { project: await services.projects.pause(String(id)) };
        const project = await services.projects.resume(String(id));
        await services.sweepNow();
        return { project };
      },
    }),
  );
}

builder.mutationField('rotateWebhookSecret', (t) =>
  t.field({
    type: ProjectPayload,
    description: 'Issues a new webhook secret; the old one keeps working for 24 hours.',
    authScopes: { admin: true },
    args: { projectId: t.arg.id({ required: true }) },
    resolve: async (_root, { projectId }, { services }) => ({ project: await services.projects.rotateWebhookSecret(String(projectId)) }),
  }),
);
