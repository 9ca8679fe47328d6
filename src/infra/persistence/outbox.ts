// Writes events into the outbox inside the caller's transaction. This is the only way events
// leave a state change: never from an ORM hook, never straight from a resolver.
import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { subjectFor, type RoutableEvent } from '#infra/bus/subjects.ts';
import { currentTraceHeaders } from '#infra/tracing/trace-context.ts';
import { OutboxMessage } from './outbox-message.ts';

/** Persists each event as an outbox row; flushed with the rest of the unit of work. */
export function appendToOutbox(em: EntityManager, prefix: string, events: readonly RoutableEvent[]): void {
  const trace = currentTraceHeaders();
  const traceContext = Object.keys(trace).length > 0 ? trace : null;
  for (const event of events) {
    const message = new OutboxMessage();
    message.id = randomUUID();
    message.subject = subjectFor(prefix, event);
    message.type = event.type;
    message.payload = { ...event, eventId: message.id };
    message.createdAt = new Date();
    message.publishedAt = null;
    message.traceContext = traceContext;
    em.persist(message);
  }
}

/**
 * `events` as one `insert into outbox` statement (with `?` placeholders), for a use case that
 * writes its change in the same statement (see UnitOfWork.insertWithEvents).
 */
export function outboxInsertOf(prefix: string, events: readonly RoutableEvent[]): { readonly sql: string; readonly values: unknown[] } {
  const trace = currentTraceHeaders();
  const traceContext = Object.keys(trace).length > 0 ? JSON.stringify(trace) : null;
  const values: unknown[] = [];
  const rows = events.map((event) => {
    const id = randomUUID();
    values.push(id, subjectFor(prefix, event), event.type, JSON.stringify({ ...event, eventId: id }), new Date(), traceContext);
    return '(?, ?, ?, ?::jsonb, ?, ?::jsonb)';
  });
  return { sql: `insert into outbox (id, subject, type, payload, created_at, trace_context) values ${rows.join(', ')}`, values };
}
