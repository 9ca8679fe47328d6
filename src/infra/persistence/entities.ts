// The list of mapped entities, handed to MikroORM explicitly (no folder scanning).
import { ApiTokenSchema } from './api-token.ts';
import { OutboxMessageSchema } from './outbox-message.ts';
import { ConflictSchema, TicketSchema } from './ticket.schema.ts';

export const entities = [ApiTokenSchema, OutboxMessageSchema, TicketSchema, ConflictSchema];
