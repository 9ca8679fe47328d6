// The contract's enums. GraphQL spells values in upper case; the domain in lower case. Each enum
// maps one to the other so resolvers only ever see domain values.
import { priorities, privacyLevels, ticketKinds, ticketStatuses } from '#domain/ticket/fields.ts';
import { conflictStatuses, conflictStrategies } from '#domain/conflict/conflict.ts';
import { handshakeStatuses, integrationKinds, projectStatuses, syncModes } from '#domain/project/kinds.ts';
import { syncSessionKinds, syncSessionStatuses } from '#domain/project/sync-session.ts';
import { syncDirections } from '#domain/sync/policy.ts';
import { builder } from './builder.ts';

/** GraphQL enum values (upper case) for domain values (lower case). */
export function valuesOf<T extends string>(values: readonly T[]): Record<Uppercase<T>, { value: T }> {
  return Object.fromEntries(values.map((value) => [value.toUpperCase(), { value }])) as Record<Uppercase<T>, { value: T }>;
}

export const TicketKindEnum = builder.enumType('TicketKind', { values: valuesOf(ticketKinds) });
export const TicketStatusEnum = builder.enumType('TicketStatus', { values: valuesOf(ticketStatuses) });
export const PriorityEnum = builder.enumType('Priority', {
  description: 'P1 is the most urgent.',
  values: valuesOf(priorities),
});
export const PrivacyLevelEnum = builder.enumType('PrivacyLevel', {
  description: 'LOCAL_ONLY never leaves the hub; SHAREABLE goes to projects that allow it; PUBLIC goes everywhere.',
  values: valuesOf(privacyLevels),
});
export const ConflictStrategyEnum = builder.enumType('ConflictStrategy', { values: valuesOf(conflictStrategies) });
export const ConflictStatusEnum = builder.enumType('ConflictStatus', { values: valuesOf(conflictStatuses) });
export const IntegrationKindEnum = builder.enumType('IntegrationKind', { values: valuesOf(integrationKinds) });
export const SyncDirectionEnum = builder.enumType('SyncDirection', { values: valuesOf(syncDirections) });
export const ProjectStatusEnum = builder.enumType('ProjectStatus', { values: valuesOf(projectStatuses) });
export const HandshakeStatusEnum = builder.enumType('HandshakeStatus', { values: valuesOf(handshakeStatuses) });
export const SyncModeEnum = builder.enumType('SyncMode', {
  description: 'How changes are learnt from a project: its webhooks, polling, or both.',
  values: valuesOf(syncModes),
});
export const SyncSessionKindEnum = builder.enumType('SyncSessionKind', { values: valuesOf(syncSessionKinds) });
export const SyncSessionStatusEnum = builder.enumType('SyncSessionStatus', { values: valuesOf(syncSessionStatuses) });
