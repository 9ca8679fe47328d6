// Publishes committed outbox rows to JetStream, oldest first, with the row id as the message id:
// a crash between publish and mark re-publishes, and JetStream's duplicate window drops the copy.
// While NATS is down the relay waits and retries; rows stay in the outbox, so nothing is lost.
// Any number of processes run a relay; they take turns (an advisory lock per batch), so the stream
// receives the rows in order. Commits wake every relay through the outbox signal (LISTEN/NOTIFY);
// the table is polled only as a safety net, or often while the signal's connection is down.
// A batch costs two round trips to PostgreSQL (begin, the relay's turn and the read in one message,
// the mark and the commit in another), and one under load: the mark and commit travel with the next
// batch's read whenever more commits are known to be waiting.
import { jetstream } from '@nats-io/jetstream';
import { headers } from '@nats-io/transport-node';
import type pg from 'pg';
import type { Logger } from '#infra/logger.ts';
import type { OutboxSignal } from '#infra/persistence/outbox-signal.ts';
import { uuidArrayLiteral, withConnection, type SqlPool } from '#infra/persistence/sql-pool.ts';
import type { NatsLink } from './nats-link.ts';

const BATCH = 200;
const OUTBOX_TABLE = 'outbox';

/** An unpublished outbox row, as the relay reads it (the payload already JSON text). */
interface PendingRow {
  readonly id: string;
  readonly subject: string;
  readonly payload: string;
  readonly trace_context: Record<string, string> | null;
}
const RELAY_LOCK = 'lockstep:outbox-relay';
/** Idle polling without the signal, and the safety poll beside it. */
const IDLE_POLL_MS = 250;
const SIGNALLED_IDLE_POLL_MS = 5_000;
const MAX_BACKOFF_MS = 2_000;

/** A running relay. */
export interface OutboxRelay {
  /** Wakes the relay at once (after this process committed events). */
  kick(): void;
  /** Publishes what is pending right now; resolves when the outbox is empty or NATS is down. */
  drain(timeoutMs?: number): Promise<void>;
  /** Stops after the batch in flight. */
  stop(): Promise<void>;
  /** Number of rows published by this relay since start (metrics). */
  published(): number;
}

/**
 * Begins a transaction, waits for the relay's turn and reads the oldest unpublished rows, in one
 * simple-protocol message. One relay publishes at a time, whatever the number of processes: batches
 * taken side by side would reach the stream interleaved, out of commit order.
 */
const TAKE_BATCH = `begin;
  select pg_advisory_xact_lock(hashtext('${RELAY_LOCK}'));
  select id, subject, payload::text as payload, trace_context from ${OUTBOX_TABLE}
   where published_at is null order by seq limit ${BATCH} for update skip locked`;

/** Starts relaying outbox rows to JetStream, woken by `signal` when given. */
export function startOutboxRelay(pool: SqlPool, nats: NatsLink, logger: Logger, signal?: OutboxSignal): OutboxRelay {
  const stopped = new AbortController();
  let publishedCount = 0;
  let wake: (() => void) | undefined;
  // Set by a kick that arrives while a batch is being published, so that commit is not left to the idle poll.
  let kicked = false;
  let idleWaiters: Array<() => void> = [];

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        wake = undefined;
        kicked = false;
        resolve();
      }
      wake = done;
    });

  /** The row's trace context as NATS message headers, so its consumer continues the trace. */
  function traceHeaders(row: PendingRow) {
    if (!row.trace_context) return {};
    const carried = headers();
    for (const [name, value] of Object.entries(row.trace_context)) carried.set(name, value);
    return { headers: carried };
  }

  /** What one turn of the relay did: rows published, and whether it saw the outbox empty. */
  interface Turn {
    readonly published: number;
    readonly emptied: boolean;
  }

  /**
   * Publishes batches while there is more to publish: the rows of the last read, or newer commits
   * (a kick arrived meanwhile); -1 while NATS is down. Each batch's mark and commit go in one message
   * with the next batch's begin and read, so under load a batch costs one round trip. Plain SQL:
   * this runs after every commit.
   */
  async function publishBatches(): Promise<Turn | -1> {
    const nc = nats.current();
    if (!nc || !nats.isConnected()) return -1;
    const js = jetstream(nc, { timeout: 5_000 });
    return withConnection(pool, async (client) => {
      try {
        kicked = false;
        let rows = ((await client.query(TAKE_BATCH)) as unknown as pg.QueryResult[])[2]?.rows as PendingRow[];
        let published = 0;
        while (rows.length > 0) {
          // Sent in commit order on one connection, so the stream keeps that order; awaited together.
          await Promise.all(rows.map((row) => js.publish(row.subject, row.payload, { msgID: row.id, ...traceHeaders(row) })));
          published += rows.length;
          publishedCount += rows.length;
          const mark = `update ${OUTBOX_TABLE} set published_at = now() where id = any(${uuidArrayLiteral(rows.map((row) => row.id))}); commit`;
          const more = (kicked || rows.length === BATCH) && !stopped.signal.aborted;
          if (!more) {
            await client.query(mark);
            return { published, emptied: false };
          }
          kicked = false;
          const results = (await client.query(`${mark};\n${TAKE_BATCH}`)) as unknown as pg.QueryResult[];
          rows = results[4]?.rows as PendingRow[];
        }
        await client.query('commit');
        return { published, emptied: true };
      } catch (error) {
        await client.query('rollback').catch(() => undefined);
        throw error;
      }
    });
  }

  const loop = (async () => {
    let failures = 0;
    while (!stopped.signal.aborted) {
      let turn: Turn | -1;
      try {
        turn = await publishBatches();
        if (turn !== -1 && turn.published > 0) failures = 0;
      } catch (error) {
        failures += 1;
        if (failures === 1 || failures % 20 === 0) logger.warn({ err: error, failures }, 'outbox relay: publish failed; will retry');
        turn = -1;
      }
      if (turn !== -1 && turn.emptied) {
        const waiters = idleWaiters;
        idleWaiters = [];
        for (const resolve of waiters) resolve();
      }
      if (stopped.signal.aborted) break;
      // A kick that came after the last read: its rows are waiting.
      if (turn !== -1 && kicked) continue;
      const idle = signal?.listening() ? SIGNALLED_IDLE_POLL_MS : IDLE_POLL_MS;
      await sleep(turn === -1 ? Math.min(100 * 2 ** Math.min(failures, 5), MAX_BACKOFF_MS) : idle);
    }
  })();

  const kick = () => {
    kicked = true;
    wake?.();
  };
  signal?.onSignal(kick);

  return {
    kick,
    published: () => publishedCount,
    async drain(timeoutMs = 5_000) {
      if (!nats.isConnected()) return;
      await Promise.race([
        new Promise<void>((resolve) => {
          idleWaiters.push(resolve);
          wake?.();
        }),
        new Promise<void>((resolve) => setTimeout(resolve, timeoutMs)),
      ]);
    },
    async stop() {
      stopped.abort();
      wake?.();
      await loop;
      for (const resolve of idleWaiters) resolve();
      idleWaiters = [];
    },
  };
}
