// Maps the domain's ExternalProject and SyncMapping classes to tables, without touching them.
import { defineEntity, p } from '@mikro-orm/core';
import type { ConflictStrategy } from '#domain/conflict/conflict.ts';
import type { JsonValue } from '#domain/json.ts';
import { ExternalProject } from '#domain/project/external-project.ts';
import type { HandshakeStatus, IntegrationKind, ProjectStatus, SyncMode } from '#domain/project/kinds.ts';
import { SyncSession, type PlanEntry, type SyncSessionKind, type SyncSessionStatus } from '#domain/project/sync-session.ts';
import { SyncMapping, type FieldSide, type MappingStatus } from '#domain/sync/mapping.ts';
import type { LinkRule } from '#domain/rules/link-rule.ts';
import type { SyncDirection } from '#domain/sync/policy.ts';
import type { FieldKey } from '#domain/ticket/fields.ts';

const timestamp = () => p.datetime().columnType('timestamptz');
const optionalTimestamp = () => p.datetime().columnType('timestamptz').$type<Date | null>().nullable();
const optionalText = () => p.text().$type<string | null>().nullable();

export const ExternalProjectSchema = defineEntity({
  class: ExternalProject,
  tableName: 'external_projects',
  properties: {
    id: p.uuid().primary(),
    name: p.text(),
    kind: p.text().$type<IntegrationKind>(),
    status: p.text().$type<ProjectStatus>(),
    direction: p.text().$type<SyncDirection>(),
    config: p.json<Record<string, JsonValue>>(),
    sealedCredentials: p.text(),
    defaultStrategy: p.text().$type<ConflictStrategy>(),
    fieldStrategies: p.json<Partial<Record<FieldKey, ConflictStrategy>>>(),
    mappedFields: p.array().$type<FieldKey[]>(),
    allowsShareable: p.boolean(),
    linkRules: p.json<LinkRule[]>(),
    syncMode: p.text().$type<SyncMode>(),
    pollIntervalSeconds: p.integer(),
    webhookSecret: p.text(),
    previousWebhookSecret: optionalText(),
    previousSecretValidUntil: optionalTimestamp(),
    handshakeStatus: p.text().$type<HandshakeStatus>(),
    consecutiveFailures: p.integer(),
    lastError: optionalText(),
    lastErrorAt: optionalTimestamp(),
    rateLimitedUntil: optionalTimestamp(),
    cursor: optionalText(),
    lastSyncedAt: optionalTimestamp(),
    lastPolledAt: optionalTimestamp(),
    createdAt: timestamp(),
    updatedAt: timestamp(),
  },
});

export const SyncMappingSchema = defineEntity({
  class: SyncMapping,
  tableName: 'sync_mappings',
  properties: {
    id: p.uuid().primary(),
    ticketId: p.uuid(),
    projectId: p.uuid(),
    externalId: p.text(),
    externalUrl: optionalText(),
    status: p.text().$type<MappingStatus>(),
    fields: p.json<Record<string, FieldSide>>(),
    linkedAt: timestamp(),
    unlinkedAt: optionalTimestamp(),
    unlinkedBy: optionalText(),
    tombstone: p.boolean(),
  },
});

export const SyncSessionSchema = defineEntity({
  class: SyncSession,
  tableName: 'sync_sessions',
  properties: {
    id: p.uuid().primary(),
    projectId: p.uuid(),
    kind: p.text().$type<SyncSessionKind>(),
    status: p.text().$type<SyncSessionStatus>(),
    dryRun: p.boolean(),
    trigger: p.text(),
    created: p.integer(),
    updated: p.integer(),
    unchanged: p.integer(),
    conflicts: p.integer(),
    errors: p.integer(),
    errorMessages: p.json<string[]>(),
    plan: p.json<PlanEntry[]>(),
    cursor: optionalText(),
    processed: p.integer(),
    notes: p.json<string[]>(),
    startedAt: timestamp(),
    completedAt: optionalTimestamp(),
  },
});
