// Records an accepted delivery: its inbox row and the `delivery.received` message that sends it to
// the inbound worker, in one statement. Deliveries that arrive while earlier ones are being
// recorded go together in the next statement (group commit), so a burst costs one round trip and
// one commit per batch. A repeat of a delivery id the project already sent inserts neither: the
// inbox's unique key answers it, and a concurrent repeat waits for the first insert to commit. A
// delivery this process's inbound worker takes (local-handoff.ts) is stored without its message and
// handed over once its statement committed.
import { subjectFor } from '#infra/bus/subjects.ts';
import { createGroupCommit, type Settled } from '#infra/persistence/group-commit.ts';
import { prepared, preparedQuery } from '#infra/persistence/prepared-statement.ts';
import type { SqlPool } from '#infra/persistence/sql-pool.ts';
import { newHubId } from '#infra/services/ids.ts';
import { currentTraceHeaders } from '#infra/tracing/trace-context.ts';
import type { DeliveryReceived, EngineEvent } from './engine-events.ts';
import { createLocalHandoff, type LocalHandoff } from './local-handoff.ts';

/** What a connector parsed from a delivery, as the inbox keeps it. */
export interface ParsedDelivery {
  readonly deliveryId: string;
  readonly items: readonly unknown[];
  readonly comments: readonly unknown[];
  readonly alerts: readonly unknown[];
}

/** Stores a delivery of `projectId`; `duplicate` when the project already sent this delivery id. */
export type InboxDoor = (projectId: string, delivery: ParsedDelivery) => Promise<'accepted' | 'duplicate'>;

/** Statements in flight at once; what arrives meanwhile goes in the next. */
const IN_FLIGHT = 2;
/** JSON bytes in one statement, so a batch of large deliveries stays a modest message. */
const BATCH_BYTES = 4 * 1024 * 1024;

// Rows go in in (project, delivery id) order, so two batches that share keys wait for each other
// in the same order and never deadlock; a key twice in one batch is stored once, the first one sent.
const RECORD = prepared(`
  with input as (
    select (row->>'id')::uuid as id, (row->>'projectId')::uuid as project_id, row->>'deliveryId' as delivery_id,
           row->'items' as items, row->'comments' as comments, row->'alerts' as alerts,
           (row->>'messageId')::uuid as message_id, row->>'subject' as subject, row->'message' as message,
           row->'trace' as trace, ord
    from jsonb_array_elements($1::jsonb) with ordinality as rows (row, ord)
  ),
  stored as (
    insert into inbox (id, project_id, delivery_id, received_at, items, comments, alerts, status, attempts)
    select id, project_id, delivery_id, now(), items, comments, alerts, 'pending', 0
    from input order by project_id, delivery_id, ord
    on conflict (project_id, delivery_id) do nothing
    returning id
  ),
  sent as (
    insert into outbox (id, subject, type, payload, created_at, trace_context)
    select input.message_id, input.subject, 'delivery.received', input.message, now(), nullif(input.trace, 'null'::jsonb)
    from input join stored using (id) where jsonb_typeof(input.message) = 'object' order by input.ord
  )
  select id from stored`);

interface Arrival {
  readonly message: DeliveryReceived;
  /** The row as the statement reads it, already JSON. */
  readonly json: string;
}

/**
 * The door over `pool`; `afterCommit` hears each recorded delivery's message, as a unit of work's
 * would, and `handoff` takes deliveries for this process's inbound worker (none until one attaches).
 */
export function createInboxDoor(
  pool: SqlPool,
  prefix: string,
  afterCommit: (events: readonly EngineEvent[]) => void,
  handoff: LocalHandoff = createLocalHandoff(prefix),
): InboxDoor {
  const recordAll = async (arrivals: readonly Arrival[]): Promise<readonly boolean[]> => {
    const { rows } = await pool.query<{ id: string }>(preparedQuery(RECORD, [`[${arrivals.map((arrival) => arrival.json).join(',')}]`]));
    const stored = new Set(rows.map((row) => row.id));
    const accepted = arrivals.map((arrival) => stored.has(arrival.message.inboxId));
    const events = arrivals.filter((_, index) => accepted[index]).map((arrival) => arrival.message);
    if (events.length > 0) afterCommit(events);
    return accepted;
  };
  // A batch refused as a whole (a project deleted meanwhile fails its rows' foreign key at commit)
  // is tried again one delivery at a time, so only the deliveries at fault are refused.
  const recordBatch = async (arrivals: readonly Arrival[]): Promise<readonly Settled<boolean>[]> => {
    try {
      return (await recordAll(arrivals)).map((value) => ({ ok: true, value }));
    } catch (error) {
      if (arrivals.length === 1) throw error;
      return Promise.all(
        arrivals.map((arrival) =>
          recordAll([arrival]).then(
            ([value = false]) => ({ ok: true, value }) as const,
            (refusal: unknown) => ({ ok: false, error: refusal }) as const,
          ),
        ),
      );
    }
  };
  const record = createGroupCommit(recordBatch, { maxInFlight: IN_FLIGHT, maxWeight: BATCH_BYTES, weigh: (arrival) => arrival.json.length });

  return async (projectId, delivery) => {
    const inboxId = newHubId();
    const messageId = newHubId();
    const message: DeliveryReceived = { type: 'delivery.received', projectId, inboxId };
    const taken = handoff.take([message]).taken.length > 0;
    const trace = currentTraceHeaders();
    const json = JSON.stringify({
      id: inboxId,
      projectId,
      deliveryId: delivery.deliveryId,
      items: delivery.items,
      comments: delivery.comments,
      alerts: delivery.alerts,
      messageId,
      subject: subjectFor(prefix, message),
      message: taken ? null : { ...message, eventId: messageId },
      trace: Object.keys(trace).length > 0 ? trace : null,
    });
    let accepted = false;
    try {
      accepted = await record({ message, json });
    } finally {
      // Nothing happens for a message that was not taken.
      if (accepted) handoff.handOver([message]);
      else handoff.giveBack([message]);
    }
    return accepted ? 'accepted' : 'duplicate';
  };
}
