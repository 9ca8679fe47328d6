// The process's one NATS connection. Lockstep starts and serves even while NATS is down: the
// link keeps reconnecting in the background, reports its state to /healthz, and the outbox holds
// events until it is back.
import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { Logger } from '#infra/logger.ts';
import { redactUrl } from '#infra/redact.ts';

/** A NATS connection that may not be up yet, or may be down for a while. */
export interface NatsLink {
  /** True while the connection is established. */
  isConnected(): boolean;
  /** The connection once it has been established at least once. */
  current(): NatsConnection | undefined;
  /** Resolves at the first successful connection. */
  readonly ready: Promise<NatsConnection>;
  /** Runs `hook` on the first connection and after every reconnection (e.g. ensure streams). */
  onConnected(hook: (nc: NatsConnection) => Promise<void>): void;
  /** Drains subscriptions and closes the connection. */
  close(): Promise<void>;
}

/** Starts connecting to `url` and keeps the connection alive until `close()`. */
export function createNatsLink(url: string, logger: Logger): NatsLink {
  let nc: NatsConnection | undefined;
  let connected = false;
  let closing = false;
  const hooks: Array<(nc: NatsConnection) => Promise<void>> = [];

  const runHooks = async (conn: NatsConnection) => {
    for (const hook of hooks) {
      try {
        await hook(conn);
      } catch (error) {
        logger.error({ err: error }, 'NATS connection hook failed');
      }
    }
  };

  const ready = (async () => {
    for (let attempt = 0; ; attempt += 1) {
      if (closing) throw new Error('NATS link closed before it connected');
      try {
        const conn = await connect({
          servers: url,
          name: 'lockstep',
          maxReconnectAttempts: -1,
          reconnectTimeWait: 250,
          pingInterval: 5_000,
          maxPingOut: 2,
          // Otherwise every request (each JetStream publish and ack wait) builds an Error up front for
          // its stack trace: about 3% of the busy time of a propagated change. A timeout still says
          // what timed out, without the caller's stack.
          noAsyncTraces: true,
        });
        nc = conn;
        connected = true;
        watch(conn);
        logger.info({ url: redactUrl(url) }, 'connected to NATS');
        await runHooks(conn);
        return conn;
      } catch (error) {
        if (attempt % 20 === 0) logger.warn({ err: error, url: redactUrl(url) }, 'NATS unreachable; retrying');
        await new Promise((resolve) => setTimeout(resolve, Math.min(250 * 2 ** attempt, 2_000)));
      }
    }
  })();
  ready.catch(() => undefined);

  function watch(conn: NatsConnection): void {
    void (async () => {
      for await (const status of conn.status()) {
        if (status.type === 'disconnect') {
          connected = false;
          logger.warn('NATS disconnected');
        } else if (status.type === 'reconnect') {
          connected = true;
          logger.info('NATS reconnected');
          await runHooks(conn);
        }
      }
    })();
    void conn.closed().then(() => {
      connected = false;
    });
  }

  return {
    isConnected: () => connected && nc !== undefined && !nc.isClosed(),
    current: () => nc,
    ready,
    onConnected(hook) {
      hooks.push(hook);
      if (nc && connected) void hook(nc).catch((error: unknown) => logger.error({ err: error }, 'NATS hook failed'));
    },
    async close() {
      closing = true;
      if (nc && !nc.isClosed()) {
        await nc.drain().catch(() => nc?.close());
      }
    },
  };
}
