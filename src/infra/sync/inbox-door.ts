// Records an accepted delivery: its inbox row and the `delivery.received` message that sends it to
// the inbound worker, in one statement (so one round trip and one commit per delivery). A repeat of
// a delivery id the project already sent inserts neither: the inbox's unique key answers it, and a
// concurrent repeat waits for the first insert to commit, then does nothing.
import { subjectFor } from '#infra/bus/subjects.ts';
import type { SqlPool } from '#infra/persistence/sql-pool.ts';
import { newHubId } from '#infra/services/ids.ts';
import { currentTraceHeaders } from '#infra/tracing/trace-context.ts';
import type { DeliveryReceived, EngineEvent } from './engine-events.ts';

/** What a connector parsed from a delivery, as the inbox keeps it. */
export interface ParsedDelivery {
  readonly deliveryId: string;
  readonly items: readonly unknown[];
  readonly comments: readonly unknown[];
  readonly alerts: readonly unknown[];
}

/** Stores a delivery of `projectId`; `duplicate` when the project already sent this delivery id. */
export type InboxDoor = (projectId: string, delivery: ParsedDelivery) => Promise<'accepted' | 'duplicate'>;

const RECORD = `
  with stored as (
    insert into inbox (id, project_id, delivery_id, received_at, items, comments, alerts, status, attempts)
    values ($1, $2, $3, now(), $4::jsonb, $5::jsonb, $6::jsonb, 'pending', 0)
    on conflict (project_id, delivery_id) do nothing
    returning id
  )
  insert into outbox (id, subject, type, payload, created_at, trace_context)
  select $7, $8, 'delivery.received', $9::jsonb, now(), $10::jsonb from stored`;

/** The door over `pool`; `afterCommit` hears each recorded delivery's message, as a unit of work's would. */
export function createInboxDoor(pool: SqlPool, prefix: string, afterCommit: (events: readonly EngineEvent[]) => void): InboxDoor {
  return async (projectId, delivery) => {
    const inboxId = newHubId();
    const messageId = newHubId();
    const message: DeliveryReceived = { type: 'delivery.received', projectId, inboxId };
    const trace = currentTraceHeaders();
    const { rowCount } = await pool.query(RECORD, [
      inboxId,
      projectId,
      delivery.deliveryId,
      JSON.stringify(delivery.items),
      JSON.stringify(delivery.comments),
      JSON.stringify(delivery.alerts),
      messageId,
      subjectFor(prefix, message),
      JSON.stringify({ ...message, eventId: messageId }),
      Object.keys(trace).length > 0 ? JSON.stringify(trace) : null,
    ]);
    if (rowCount !== 1) return 'duplicate';
    afterCommit([message]);
    return 'accepted';
  };
}
