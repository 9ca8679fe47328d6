// Maps the domain's Ticket and Conflict classes to tables, without touching the domain code:
// current values are plain columns (so the API can filter), the per-field version state is jsonb.
import { defineEntity, p } from '@mikro-orm/core';
import { Conflict, type ConflictCandidate, type ConflictResolution, type ConflictStatus, type ConflictStrategy } from '#domain/conflict/conflict.ts';
import type { JsonValue } from '#domain/json.ts';
import type { FieldKey, Priority, Privacy, TicketKind, TicketStatus } from '#domain/ticket/fields.ts';
import { Ticket, type TicketClock, type TicketRegisters } from '#domain/ticket/ticket.ts';

const timestamp = () => p.datetime().columnType('timestamptz');

export const TicketSchema = defineEntity({
  class: Ticket,
  tableName: 'tickets',
  properties: {
    id: p.uuid().primary(),
    kind: p.text().$type<TicketKind>(),
    privacy: p.text().$type<Privacy>(),
    title: p.text(),
    description: p.text(),
    status: p.text().$type<TicketStatus>(),
    priority: p.text().$type<Priority>(),
    assignee: p.text().$type<string | null>().nullable(),
    labels: p.array().$type<string[]>(),
    customFields: p.json<Record<string, JsonValue>>(),
    registers: p.json<TicketRegisters>(),
    clock: p.json<TicketClock>(),
    originReplica: p.text().$type<string | null>().nullable(),
    createdAt: timestamp(),
    updatedAt: timestamp(),
  },
});

export const ConflictSchema = defineEntity({
  class: Conflict,
  tableName: 'conflicts',
  properties: {
    id: p.uuid().primary(),
    ticketId: p.uuid(),
    projectId: p.uuid().$type<string | null>().nullable(),
    field: p.text().$type<FieldKey>(),
    candidates: p.json<ConflictCandidate[]>(),
    strategy: p.text().$type<ConflictStrategy>(),
    status: p.text().$type<ConflictStatus>(),
    detectedAt: timestamp(),
    resolution: p.json<ConflictResolution>().$type<ConflictResolution | null>().nullable(),
  },
});

