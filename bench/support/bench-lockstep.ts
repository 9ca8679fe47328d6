// Lockstep started inside the bench process, on the servers DATABASE_URL and NATS_URL name but in
// a database and a JetStream namespace of its own, both removed when it is disposed: after a
// failed run and on Ctrl-C too, so benches never leave `lockstep_bench_*` databases behind.
import { randomBytes } from 'node:crypto';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import pg from 'pg';
import { startLockstep, type Lockstep } from '#infra/app.ts';
import { streamNames } from '#infra/bus/streams.ts';
import { loadConfig } from '#infra/config.ts';
import { createLogger } from '#infra/logger.ts';

/** A running Lockstep with its own state; dispose it to stop it and delete that state. */
export interface BenchLockstep extends AsyncDisposable {
  /** Base URL, e.g. `http://127.0.0.1:41234`. */
  readonly url: string;
  /** Bearer token holding the admin role. */
  readonly adminToken: string;
  /** Its database (for baselines that read or mirror its tables). */
  readonly databaseUrl: string;
  /** The settings it started with, so a second process can join the same database and NATS prefix. */
  readonly settings: Readonly<Record<string, string>>;
  /** Outbox rows committed but not yet published to JetStream, as GET /metrics reports them. */
  outboxPending(): Promise<number>;
  /** Every delivery in its inbox, read from its database: how far the inbound worker has come. */
  inbox(): Promise<InboxRow[]>;
}

/** One stored delivery, as the inbox holds it (times in ms since the epoch). */
export interface InboxRow {
  readonly deliveryId: string;
  readonly status: 'pending' | 'processed' | 'failed';
  readonly receivedAtMs: number;
  readonly processedAtMs: number | null;
}

/** `base` with only its database name replaced. */
function withDatabase(base: string, name: string): string {
  const url = new URL(base);
  url.pathname = `/${name}`;
  return url.toString();
}

async function dropDatabase(databaseUrl: string, name: string): Promise<void> {
  const client = new pg.Client({ connectionString: withDatabase(databaseUrl, 'postgres') });
  await client.connect();
  try {
    await client.query(`drop database if exists "${name}" with (force)`);
  } finally {
    await client.end();
  }
}

async function deleteStream(natsUrl: string, stream: string): Promise<void> {
  const nc = await connect({ servers: natsUrl, timeout: 2_000, reconnect: false });
  try {
    const jsm = await jetstreamManager(nc);
    await jsm.streams.delete(stream).catch(() => false);
  } finally {
    await nc.close();
  }
}

const PENDING = /^lockstep_outbox_pending(?:\{[^}]*\})? (\S+)$/m;

/** Starts Lockstep on a fresh database and NATS prefix (`extra` adds settings); cleans up itself if the start fails. */
export async function startBenchLockstep(extra: Readonly<Record<string, string>> = {}): Promise<BenchLockstep> {
  const suffix = randomBytes(5).toString('hex');
  const databaseName = `lockstep_bench_${suffix}`;
  const databaseUrl = withDatabase(process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/lockstep', databaseName);
  const natsUrl = process.env['NATS_URL'] ?? 'nats://127.0.0.1:4222';
  const prefix = `b${suffix}`;
  const adminToken = `bench-admin-${randomBytes(16).toString('hex')}`;

  let app: Lockstep | undefined;
  let settings: Record<string, string> = {};
  async function cleanup(stopApp: boolean): Promise<void> {
    const steps: Array<[string, () => Promise<void>]> = [
      ['stop Lockstep', async () => (stopApp ? app?.stop() : undefined)],
      [`drop database ${databaseName}`, () => dropDatabase(databaseUrl, databaseName)],
      [`delete stream ${streamNames(prefix).events}`, () => deleteStream(natsUrl, streamNames(prefix).events)],
    ];
    for (const [step, action] of steps) {
      await action().catch((error: unknown) => console.warn(`bench cleanup: could not ${step}: ${String(error)}`));
    }
  }
  // Ctrl-C skips `finally`; the database and stream are removed here instead.
  const onInterrupt = () => {
    void cleanup(false).finally(() => process.exit(130));
  };
  process.once('SIGINT', onInterrupt);

  try {
    settings = {
      DATABASE_URL: databaseUrl,
      NATS_URL: natsUrl,
      PORT: '0',
      LOCKSTEP_ADMIN_TOKEN: adminToken,
      LOCKSTEP_NATS_PREFIX: prefix,
      // The simulators listen on loopback.
      LOCKSTEP_ALLOW_PRIVATE_TARGETS: 'true',
      LOG_LEVEL: 'silent',
      NODE_ENV: 'test',
      ...extra,
    };
    app = await startLockstep(loadConfig(settings), createLogger('silent'));
  } catch (error) {
    process.off('SIGINT', onInterrupt);
    await cleanup(false);
    throw error;
  }
  const { url } = app;

  return {
    url,
    adminToken,
    databaseUrl,
    settings,
    async outboxPending() {
      const response = await fetch(`${url}/metrics`);
      const match = PENDING.exec(await response.text());
      if (!response.ok || !match?.[1]) throw new Error(`GET /metrics: ${response.status}, no lockstep_outbox_pending`);
      return Number(match[1]);
    },
    async inbox() {
      const client = new pg.Client({ connectionString: databaseUrl });
      await client.connect();
      try {
        const { rows } = await client.query<{ delivery_id: string; status: InboxRow['status']; received_at: Date; processed_at: Date | null }>(
          'select delivery_id, status, received_at, processed_at from inbox',
        );
        return rows.map((row) => ({
          deliveryId: row.delivery_id,
          status: row.status,
          receivedAtMs: row.received_at.getTime(),
          processedAtMs: row.processed_at?.getTime() ?? null,
        }));
      } finally {
        await client.end();
      }
    },
    async [Symbol.asyncDispose]() {
      process.off('SIGINT', onInterrupt);
      await cleanup(true);
    },
  };
}
