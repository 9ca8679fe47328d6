// The transactional outbox: every state change writes its events here in the same transaction,
// and the relay publishes them to JetStream afterwards, so a crash never loses or invents one. The
// table's `seq` (commit order, the relay's publishing order) is left to the database and not mapped,
// so an insert never has to read it back (see deferred-writes.ts).
import { defineEntity, p } from '@mikro-orm/core';

/** One event waiting to be (or already) published to JetStream. */
export class OutboxMessage {
  /** Globally unique; doubles as the JetStream message id, so a re-publish is deduplicated. */
  id!: string;
  subject!: string;
  type!: string;
  payload!: Record<string, unknown>;
  createdAt!: Date;
  publishedAt!: Date | null;
  /** W3C trace context (`traceparent`, `tracestate`) of the work that wrote it; null when untraced. */
  traceContext!: Record<string, string> | null;
}

export const OutboxMessageSchema = defineEntity({
  class: OutboxMessage,
  tableName: 'outbox',
  properties: {
    id: p.uuid().primary(),
    subject: p.text(),
    type: p.text(),
    payload: p.json<Record<string, unknown>>(),
    createdAt: p.datetime().columnType('timestamptz'),
    publishedAt: p.datetime().columnType('timestamptz').nullable(),
    traceContext: p.json<Record<string, string>>().nullable(),
  },
});
