// Wakes the outbox relay when any process commits events: one PostgreSQL connection of its own
// LISTENs on `lockstep_outbox` (raised by a trigger on the outbox at commit). While it is down the
// relay falls back to polling; it reconnects by itself.
import pg from 'pg';
import type { Logger } from '#infra/logger.ts';

export const OUTBOX_CHANNEL = 'lockstep_outbox';

export interface OutboxSignal {
  /** Calls `wake` on every signal. */
  onSignal(wake: () => void): void;
  /** True while the listening connection is up (signals are then not missed). */
  listening(): boolean;
  close(): Promise<void>;
}

export function listenToOutbox(databaseUrl: string, logger: Logger): OutboxSignal {
  const wakers: Array<() => void> = [];
  let client: pg.Client | undefined;
  let up = false;
  let closed = false;
  let retry: NodeJS.Timeout | undefined;

  const connect = async (attempt: number): Promise<void> => {
    if (closed) return;
    const next = new pg.Client({ connectionString: databaseUrl, application_name: 'lockstep-outbox-signal' });
    next.on('notification', () => {
      for (const wake of wakers) wake();
    });
    next.on('error', (error) => {
      if (closed) return;
      logger.warn({ err: error }, 'outbox signal connection lost; the relay polls until it is back');
      up = false;
      void next.end().catch(() => undefined);
      schedule(0);
    });
    try {
      await next.connect();
      await next.query(`listen ${OUTBOX_CHANNEL}`);
      if (closed) return void (await next.end());
      client = next;
      up = true;
      // Whatever was committed while nobody listened is picked up by the relay's next batch.
      for (const wake of wakers) wake();
    } catch (error) {
      if (attempt % 20 === 0) logger.warn({ err: error }, 'outbox signal cannot listen yet; the relay polls meanwhile');
      await next.end().catch(() => undefined);
      schedule(attempt + 1);
    }
  };
  const schedule = (attempt: number) => {
    if (closed) return;
    retry = setTimeout(() => void connect(attempt), Math.min(250 * 2 ** attempt, 5_000));
    retry.unref();
  };
  void connect(0);

  return {
    onSignal: (wake) => void wakers.push(wake),
    listening: () => up,
    async close() {
      closed = true;
      up = false;
      clearTimeout(retry);
      await client?.end().catch(() => undefined);
    },
  };
}
