// Records the sync engine keeps besides the aggregates: received deliveries (the inbox), outbound
// push jobs, and the audit trail of every applied change. They belong to the machinery, not to
// the domain, so they are plain infra classes.
import { defineEntity, p } from '@mikro-orm/core';
import type { ExternalComment, ExternalItem } from '#domain/project/connector.ts';
import type { PlannedPush } from '#domain/sync/push-plan.ts';

/** A verified delivery waiting to be (or already) applied. */
export class InboxDelivery {
  id!: string;
  projectId!: string;
  /** The source's delivery id; a repeat of it is acknowledged and dropped. */
  deliveryId!: string;
  receivedAt!: Date;
  items!: ExternalItem[];
  comments!: ExternalComment[];
  status!: 'pending' | 'processed' | 'failed';
  attempts!: number;
  processedAt!: Date | null;
  error!: string | null;
}

/** One outbound change to one project; its id is the delivery id the side sees on every retry. */
export class PushJob {
  id!: string;
  projectId!: string;
  ticketId!: string;
  mappingId!: string | null;
  /** create or update the item; `comment`: bring comment `commentId` up to date on the side. */
  operation!: 'create' | 'update' | 'comment';
  fields!: PlannedPush[];
  commentId!: string | null;
  /** `superseded`: gave way to a change the side made since our base (a new job carries what is left). */
  status!: 'pending' | 'delivered' | 'dead' | 'superseded';
  /** The process running the job, and until when; another may take it once the lease expires. */
  leaseOwner!: string | null;
  leaseUntil!: Date | null;
  attempts!: number;
  lastError!: string | null;
  nextAttemptAt!: Date;
  createdAt!: Date;
  updatedAt!: Date;
  deliveredAt!: Date | null;
}

/** One applied field change: what, from which side, through which delivery, when. */
export class AuditEntry {
  id!: string;
  ticketId!: string;
  projectId!: string | null;
  field!: string;
  fromValue!: unknown;
  toValue!: unknown;
  origin!: string;
  actor!: string | null;
  deliveryId!: string | null;
  at!: Date;
}

/** A value that could not be synced with a project: visible on the link and the project. */
export class SyncErrorRecord {
  id!: string;
  projectId!: string;
  ticketId!: string | null;
  externalId!: string | null;
  field!: string | null;
  value!: unknown;
  direction!: 'inbound' | 'outbound';
  message!: string;
  deliveryId!: string | null;
  at!: Date;
}

const timestamp = () => p.datetime().columnType('timestamptz');

export const SyncErrorSchema = defineEntity({
  class: SyncErrorRecord,
  tableName: 'sync_errors',
  properties: {
    id: p.uuid().primary(),
    projectId: p.uuid(),
    ticketId: p.uuid().$type<string | null>().nullable(),
    externalId: p.text().$type<string | null>().nullable(),
    field: p.text().$type<string | null>().nullable(),
    value: p.json<unknown>().nullable(),
    direction: p.text().$type<SyncErrorRecord['direction']>(),
    message: p.text(),
    deliveryId: p.text().$type<string | null>().nullable(),
    at: timestamp(),
  },
});

export const InboxDeliverySchema = defineEntity({
  class: InboxDelivery,
  tableName: 'inbox',
  properties: {
    id: p.uuid().primary(),
    projectId: p.uuid(),
    deliveryId: p.text(),
    receivedAt: timestamp(),
    items: p.json<ExternalItem[]>(),
    comments: p.json<ExternalComment[]>(),
    status: p.text().$type<InboxDelivery['status']>(),
    attempts: p.integer(),
    processedAt: timestamp().$type<Date | null>().nullable(),
    error: p.text().$type<string | null>().nullable(),
  },
});

export const PushJobSchema = defineEntity({
  class: PushJob,
  tableName: 'push_jobs',
  properties: {
    id: p.uuid().primary(),
    projectId: p.uuid(),
    ticketId: p.uuid(),
    mappingId: p.uuid().$type<string | null>().nullable(),
    operation: p.text().$type<PushJob['operation']>(),
    fields: p.json<PlannedPush[]>(),
    commentId: p.uuid().$type<string | null>().nullable(),
    status: p.text().$type<PushJob['status']>(),
    leaseOwner: p.text().$type<string | null>().nullable(),
    leaseUntil: timestamp().$type<Date | null>().nullable(),
    attempts: p.integer(),
    lastError: p.text().$type<string | null>().nullable(),
    nextAttemptAt: timestamp(),
    createdAt: timestamp(),
    updatedAt: timestamp(),
    deliveredAt: timestamp().$type<Date | null>().nullable(),
  },
});

export const AuditEntrySchema = defineEntity({
  class: AuditEntry,
  tableName: 'audit_entries',
  properties: {
    id: p.bigint().autoincrement().primary(),
    ticketId: p.uuid(),
    projectId: p.uuid().$type<string | null>().nullable(),
    field: p.text(),
    fromValue: p.json<unknown>().nullable(),
    toValue: p.json<unknown>().nullable(),
    origin: p.text(),
    actor: p.text().$type<string | null>().nullable(),
    deliveryId: p.text().$type<string | null>().nullable(),
    at: timestamp(),
  },
});
