// Maps the alert-group engine's records to tables: one row per group of a source project (unique
// by project and group key), one per alert of an alert-group ticket (unique by ticket and fingerprint).
import { defineEntity, p } from '@mikro-orm/core';
import type { AlertMark } from '#domain/alert/alert-group.ts';
import { AlertGroupRecord } from '#domain/alert/alert-group-record.ts';
import { AlertInstance } from '#domain/alert/alert-instance.ts';

const timestamp = () => p.datetime().columnType('timestamptz');

export const AlertGroupSchema = defineEntity({
  class: AlertGroupRecord,
  tableName: 'alert_groups',
  properties: {
    id: p.uuid().primary(),
    projectId: p.uuid(),
    groupKey: p.text(),
    ticketId: p.uuid().$type<string | null>().nullable(),
    resolvedAt: timestamp().$type<Date | null>().nullable(),
    earlier: p.json<AlertMark[]>(),
    silenceId: p.text().$type<string | null>().nullable(),
    groupLabels: p.json<Record<string, string> | null>().nullable(),
    createdAt: timestamp(),
    updatedAt: timestamp(),
  },
});

export const AlertInstanceSchema = defineEntity({
  class: AlertInstance,
  tableName: 'alert_instances',
  properties: {
    id: p.uuid().primary(),
    projectId: p.uuid(),
    groupId: p.uuid(),
    ticketId: p.uuid(),
    fingerprint: p.text(),
    groupKey: p.text(),
    name: p.text(),
    status: p.text().$type<AlertInstance['status']>(),
    severity: p.text().$type<string | null>().nullable(),
    summary: p.text().$type<string | null>().nullable(),
    labels: p.json<Record<string, string>>(),
    startsAt: timestamp(),
    endsAt: timestamp().$type<Date | null>().nullable(),
    generatorUrl: p.text().$type<string | null>().nullable(),
    observedAt: timestamp(),
    createdAt: timestamp(),
    updatedAt: timestamp(),
  },
});
