// The list of mapped entities, handed to MikroORM explicitly (no folder scanning).
import { AlertGroupSchema, AlertInstanceSchema } from './alert.schema.ts';
import { ApiTokenSchema } from './api-token.ts';
import { CommentLinkSchema, CommentSchema } from './comment.schema.ts';
import { OutboxMessageSchema } from './outbox-message.ts';
import { ExternalProjectSchema, SyncMappingSchema, SyncSessionSchema } from './project.schema.ts';
import { AuditEntrySchema, InboxDeliverySchema, PushJobSchema, SyncErrorSchema } from './sync-records.ts';
import { ConflictSchema, TicketSchema } from './ticket.schema.ts';

export const entities = [
  ApiTokenSchema,
  OutboxMessageSchema,
  TicketSchema,
  ConflictSchema,
  ExternalProjectSchema,
  SyncMappingSchema,
  InboxDeliverySchema,
  PushJobSchema,
  AuditEntrySchema,
  SyncSessionSchema,
  SyncErrorSchema,
  CommentSchema,
  CommentLinkSchema,
  AlertGroupSchema,
  AlertInstanceSchema,
];
