// The propagation bench's baseline: a bare script doing the I/O one change needs and nothing else,
// with plain `pg` and `@nats-io/*`. A signed POST is verified and stored in an inbox (one
// statement), answered 202 and published to JetStream; a consumer updates the item and writes an
// outbox row in one transaction and publishes it; a second consumer POSTs it, signed, to the
// receiver and marks the row done. Own database and stream, both removed on dispose.
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager, RetentionPolicy, StorageType, type JsMsg } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import pg from 'pg';
import { signatureHeader, verifySignatureHeader } from '#adapters/shared/signatures.ts';
import { signatureHeaderName } from '#adapters/generic-webhook/wire.ts';

/** The running script; dispose it to stop it and drop its state. */
export interface BarePipeline extends AsyncDisposable {
  /** Where the far side POSTs its changes (signed with the secret given at start). */
  readonly webhookUrl: string;
  /** Links the item `inExternalId` to a new item created at the receiver; resolves with its id there. */
  link(inExternalId: string): Promise<string>;
}

export interface BarePipelineOptions {
  readonly databaseUrl: string;
  readonly natsUrl: string;
  /** Inbound deliveries are signed with this, outbound POSTs too. */
  readonly secret: string;
  readonly receiverUrl: string;
}

const SCHEMA = `
  create table items (id bigserial primary key, in_external_id text unique not null, out_external_id text not null,
    title text not null default '', updated_at timestamptz not null default now());
  create table inbox (delivery_id text primary key, body text not null, received_at timestamptz not null default now(),
    processed_at timestamptz);
  create table outbox (id bigserial primary key, item_id bigint not null references items(id), payload text not null,
    created_at timestamptz not null default now(), done_at timestamptz);
`;

interface Inbound {
  readonly deliveryId: string;
  readonly externalId: string;
  readonly fields: { readonly title?: string };
}

function withDatabase(base: string, name: string): string {
  const url = new URL(base);
  url.pathname = `/${name}`;
  return url.toString();
}

async function admin(databaseUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: withDatabase(databaseUrl, 'postgres') });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

async function post(url: string, secret: string, body: string): Promise<{ status: number; json: unknown }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', [signatureHeaderName]: signatureHeader(secret, body) },
    body,
  });
  return { status: response.status, json: await response.json().catch(() => null) };
}

/** Starts the script on a fresh database and stream; cleans up itself if the start fails. */
export async function startBarePipeline(options: BarePipelineOptions): Promise<BarePipeline> {
  const suffix = randomBytes(5).toString('hex');
  const databaseName = `lockstep_bare_${suffix}`;
  const stream = `BARE_${suffix.toUpperCase()}`;
  const subject = { in: `bare_${suffix}.in`, out: `bare_${suffix}.out` };
  await admin(options.databaseUrl, `create database "${databaseName}"`);
  const pool = new pg.Pool({ connectionString: withDatabase(options.databaseUrl, databaseName), max: 10 });
  // An idle connection closed under it (a server restart) is replaced on the next query, not fatal.
  pool.on('error', () => undefined);
  const nc = await connect({ servers: options.natsUrl, timeout: 2_000 });
  const jsm = await jetstreamManager(nc);
  const js = jetstream(nc);
  const server = createServer((request, response) => void accept(request, response));
  const reading: Array<Promise<void>> = [];
  const closers: Array<() => Promise<void>> = [];

  async function accept(request: IncomingMessage, response: ServerResponse): Promise<void> {
    try {
      const raw = await readBody(request);
      if (!verifySignatureHeader(request.headers[signatureHeaderName] as string | undefined, raw, [options.secret])) {
        response.writeHead(401).end();
        return;
      }
      const delivery = JSON.parse(raw) as Inbound;
      const { rowCount } = await pool.query('insert into inbox (delivery_id, body) values ($1, $2) on conflict do nothing', [delivery.deliveryId, raw]);
      response.writeHead(202).end();
      if (rowCount === 1) await js.publish(subject.in, raw, { msgID: delivery.deliveryId });
    } catch {
      if (!response.headersSent) response.writeHead(500).end();
    }
  }

  async function apply(message: JsMsg): Promise<void> {
    const delivery = message.json<Inbound>();
    const client = await pool.connect();
    let outbox: { id: string; payload: string } | undefined;
    try {
      await client.query('begin');
      const item = await client.query<{ id: string; out_external_id: string }>(
        'update items set title = $1, updated_at = now() where in_external_id = $2 returning id, out_external_id',
        [delivery.fields.title ?? '', delivery.externalId],
      );
      const row = item.rows[0];
      if (row) {
        const payload = JSON.stringify({
          deliveryId: `bare-${randomUUID()}`,
          event: 'ticket.updated',
          externalId: row.out_external_id,
          ticket: { id: row.id, title: delivery.fields.title },
        });
        const inserted = await client.query<{ id: string }>('insert into outbox (item_id, payload) values ($1, $2) returning id', [row.id, payload]);
        outbox = { id: inserted.rows[0]?.id ?? '', payload };
      }
      await client.query('update inbox set processed_at = now() where delivery_id = $1', [delivery.deliveryId]);
      await client.query('commit');
    } catch (error) {
      await client.query('rollback').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
    if (outbox) await js.publish(subject.out, outbox.payload, { msgID: `out-${outbox.id}` });
  }

  async function push(message: JsMsg): Promise<void> {
    const payload = message.string();
    const { status } = await post(options.receiverUrl, options.secret, payload);
    if (status < 200 || status >= 300) throw new Error(`receiver answered ${status}`);
    const id = message.headers?.get('Nats-Msg-Id').replace(/^out-/, '');
    await pool.query('update outbox set done_at = now() where id = $1', [id]);
  }

  async function consume(durable: string, filter: string, handle: (message: JsMsg) => Promise<void>): Promise<void> {
    await jsm.consumers.add(stream, { durable_name: durable, filter_subject: filter, ack_policy: AckPolicy.Explicit, deliver_policy: DeliverPolicy.All });
    const messages = await (await js.consumers.get(stream, durable)).consume({ max_messages: 64 });
    closers.push(async () => void (await messages.close()));
    reading.push(
      (async () => {
        for await (const message of messages) {
          // Concurrently, as a worker pool would; the bench never has two changes of one item in flight.
          handle(message).then(
            () => message.ack(),
            () => message.nak(100),
          );
        }
      })(),
    );
  }

  async function dispose(): Promise<void> {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    for (const close of closers) await close().catch(() => undefined);
    await Promise.allSettled(reading);
    await jsm.streams.delete(stream).catch(() => false);
    await nc.close();
    await pool.end();
    await admin(options.databaseUrl, `drop database if exists "${databaseName}" with (force)`);
  }

  try {
    await pool.query(SCHEMA);
    await jsm.streams.add({ name: stream, subjects: [`bare_${suffix}.>`], storage: StorageType.File, retention: RetentionPolicy.Limits });
    await consume('apply', subject.in, apply);
    await consume('push', subject.out, push);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  } catch (error) {
    await dispose().catch(() => undefined);
    throw error;
  }
  const { port } = server.address() as AddressInfo;

  return {
    webhookUrl: `http://127.0.0.1:${port}/webhook`,
    async link(inExternalId) {
      const created = await post(
        options.receiverUrl,
        options.secret,
        JSON.stringify({ deliveryId: `bare-create-${inExternalId}-${suffix}`, event: 'ticket.created', externalId: null, ticket: { id: inExternalId, title: '' } }),
      );
      const externalId = (created.json as { externalId?: unknown } | null)?.externalId;
      if (created.status !== 201 || typeof externalId !== 'string') throw new Error(`bare pipeline: creating ${inExternalId} at the receiver answered ${created.status}`);
      await pool.query('insert into items (in_external_id, out_external_id) values ($1, $2)', [inExternalId, externalId]);
      return externalId;
    },
    [Symbol.asyncDispose]: dispose,
  };
}
