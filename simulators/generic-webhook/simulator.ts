// A stand-in for the system on the far side of a GENERIC_WEBHOOK connection, for tests and the
// demo: a real HTTP server on loopback that receives Lockstep's signed POSTs, keeps its own items,
// and misbehaves on request (failures, rate limits, slowness), plus a sender that POSTs signed
// changes to a Lockstep webhook URL, duplicated or out of order when a test wants that. It behaves
// like a careful receiver: it checks signatures, and a repeated delivery id gets the first answer.

import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { JsonValue } from '#domain/json.ts';
import { verifySignatureHeader } from '#adapters/shared/signatures.ts';
import { sendSimulatedChange, type SendChangeInput, type SentChange } from './sender.ts';
import { outboundBodySchema, signatureHeaderName } from '#adapters/generic-webhook/wire.ts';

export type { SendChangeInput, SentChange } from './sender.ts';

/** One POST the simulator received, whatever it answered. */
export interface ReceivedDelivery {
  readonly receivedAtMs: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly rawBody: string;
  /** The parsed JSON body, or undefined when it was not JSON. */
  readonly body: unknown;
  readonly event: string | undefined;
  /** Whether `X-Lockstep-Signature` verified with the simulator's secret. */
  readonly signatureValid: boolean;
  /** The status the simulator answered. */
  readonly status: number;
}

/** An item in the simulator's own store (fields in the wire spelling, as received or sent). */
export interface SimulatedItem {
  readonly externalId: string;
  readonly fields: Readonly<Record<string, JsonValue>>;
  readonly updatedAt: string;
}

/** An answer to script for the next requests instead of the normal behaviour. */
export interface ScriptedAnswer {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
}

/** The simulated receiver and sender. */
export interface GenericWebhookSimulator {
  /** Listens on 127.0.0.1 (a free port); resolves with the URL to use as `config.targetUrl`. */
  start(): Promise<string>;
  /** Closes the server and every connection, dropping delayed answers. */
  stop(): Promise<void>;
  /** The `targetUrl` (after start). */
  readonly url: string;
  /** Every POST received, in order. */
  readonly deliveries: readonly ReceivedDelivery[];
  /** Every change sent with sendChange/resend, in order. */
  readonly sent: readonly SentChange[];
  /** The simulator's items by external id. */
  readonly items: ReadonlyMap<string, SimulatedItem>;
  /** The secret outbound POSTs must be signed with (rotations change it). */
  setSecret(secret: string): void;
  /** Answers the next `count` requests with `status` (429 gets `Retry-After: retryAfter`, default 1). */
  failNext(count: number, status: number, options?: { retryAfter?: string; body?: string }): void;
  /** Answers the next `count` requests with `answer`, changing nothing in the store. */
  answerNext(count: number, answer: ScriptedAnswer): void;
  /** Holds the next `count` answers (all, by default) for `ms`. */
  delayAnswers(ms: number, count?: number): void;
  /** Resolves once `count` deliveries have been received (rejects after `timeoutMs`). */
  waitForDeliveries(count: number, timeoutMs?: number): Promise<readonly ReceivedDelivery[]>;
  /** Records a change on this side and POSTs it, signed, to a Lockstep webhook URL; resolves with the status. */
  sendChange(input: SendChangeInput): Promise<number>;
  /** POSTs an earlier sent change again, byte for byte (a duplicate delivery). */
  resend(deliveryId: string): Promise<number>;
}

/** A simulator checking signatures with `secret`; unsigned or badly signed POSTs get 401. */
export function createGenericWebhookSimulator(options: { secret: string }): GenericWebhookSimulator {
  let secret = options.secret;
  let server: Server | undefined;
  let url: string | undefined;
  let nextId = 1;
  let lastStampMs = 0;
  const deliveries: ReceivedDelivery[] = [];
  const sent: SentChange[] = [];
  const items = new Map<string, SimulatedItem>();
  const answered = new Map<string, ScriptedAnswer>();
  const scripted: ScriptedAnswer[] = [];
  const delays: number[] = [];
  let delayAll = 0;
  const timers = new Set<NodeJS.Timeout>();
  const waiters = new Set<() => void>();

  /** Strictly increasing timestamps, so the simulator's own changes always order after each other. */
  function stamp(): string {
    lastStampMs = Math.max(Date.now(), lastStampMs + 1);
    return new Date(lastStampMs).toISOString();
  }

  function answerFor(body: unknown, signatureValid: boolean): ScriptedAnswer {
    const next = scripted.shift();
    if (next) return next;
    if (!signatureValid) return json(401, { error: 'bad signature' });
    const parsed = outboundBodySchema.safeParse(body);
    if (!parsed.success) return json(400, { error: parsed.error.issues[0]?.message ?? 'bad body' });
    const delivery = parsed.data;
    const repeated = answered.get(delivery.deliveryId);
    if (repeated) return repeated;
    const { id: _ticketId, ...fields } = delivery.ticket as Record<string, JsonValue>;
    let answer: ScriptedAnswer;
    if (delivery.event === 'ticket.created') {
      const externalId = `GW-${nextId++}`;
      const updatedAt = stamp();
      items.set(externalId, { externalId, fields, updatedAt });
      answer = json(201, { externalId, updatedAt });
    } else {
      const existing = delivery.externalId === null ? undefined : items.get(delivery.externalId);
      if (!existing) return json(404, { error: `unknown externalId ${String(delivery.externalId)}` });
      const updatedAt = stamp();
      items.set(existing.externalId, { externalId: existing.externalId, fields: { ...existing.fields, ...fields }, updatedAt });
      answer = json(200, { externalId: existing.externalId, updatedAt });
    }
    answered.set(delivery.deliveryId, answer);
    return answer;
  }

  function handle(request: IncomingMessage, response: ServerResponse): void {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const rawBody = Buffer.concat(chunks).toString('utf8');
      const headers = Object.fromEntries(
        Object.entries(request.headers).map(([key, value]) => [key, Array.isArray(value) ? value.join(', ') : (value ?? '')]),
      );
      let body: unknown;
      try {
        body = JSON.parse(rawBody) as unknown;
      } catch {
        body = undefined;
      }
      const signatureValid = verifySignatureHeader(headers[signatureHeaderName], rawBody, [secret]);
      const answer = answerFor(body, signatureValid);
      const event = typeof body === 'object' && body !== null && 'event' in body && typeof body.event === 'string' ? body.event : undefined;
      deliveries.push({ receivedAtMs: Date.now(), headers, rawBody, body, event, signatureValid, status: answer.status });
      for (const wake of [...waiters]) wake();
      const reply = (): void => {
        response.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
        response.end(answer.body ?? '');
      };
      const delay = delays.length > 0 ? (delays.shift() ?? 0) : delayAll;
      if (delay <= 0) return reply();
      const timer = setTimeout(() => {
        timers.delete(timer);
        reply();
      }, delay);
      timers.add(timer);
    });
  }

  function script(count: number, answer: ScriptedAnswer): void {
    for (let i = 0; i < count; i++) scripted.push(answer);
  }

  async function send(change: SentChange): Promise<number> {
    const status = await sendSimulatedChange(change);
    sent.push({ ...change, status });
    return status;
  }

  return {
    async start() {
      if (url) return url;
      const listening = createServer(handle);
      server = listening;
      await new Promise<void>((resolve) => listening.listen(0, '127.0.0.1', resolve));
      const { port } = listening.address() as AddressInfo;
      url = `http://127.0.0.1:${port}/hooks/lockstep`;
      return url;
    },
    async stop() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      const closing = server;
      server = undefined;
      url = undefined;
      if (!closing) return;
      const closed = new Promise<void>((resolve) => closing.close(() => resolve()));
      closing.closeAllConnections();
      await closed;
    },
    get url() {
      if (!url) throw new Error('the generic webhook simulator is not started');
      return url;
    },
    deliveries,
    sent,
    items,
    setSecret(next) {
      secret = next;
    },
    failNext(count, status, failure = {}) {
      const headers: Record<string, string> = status === 429 ? { 'retry-after': failure.retryAfter ?? '1' } : {};
      if (status !== 429 && failure.retryAfter !== undefined) headers['retry-after'] = failure.retryAfter;
      script(count, { status, headers, body: failure.body ?? JSON.stringify({ error: `simulated ${status}` }) });
    },
    answerNext: script,
    delayAnswers(ms, count) {
      if (count === undefined) delayAll = ms;
      else for (let i = 0; i < count; i++) delays.push(ms);
    },
    waitForDeliveries(count, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const check = (): boolean => {
          if (deliveries.length < count) return false;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(deliveries);
          return true;
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`expected ${count} deliveries within ${timeoutMs} ms, received ${deliveries.length}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    async sendChange(input) {
      const deliveryId = input.deliveryId ?? randomUUID();
      const updatedAt = input.updatedAt ?? stamp();
      const current = items.get(input.externalId);
      if (!current || current.updatedAt < updatedAt) {
        items.set(input.externalId, { externalId: input.externalId, fields: { ...current?.fields, ...input.fields }, updatedAt });
      }
      return send({
        webhookUrl: input.webhookUrl,
        secret: input.secret,
        via: input.via ?? 'header',
        deliveryId,
        body: JSON.stringify({ deliveryId, externalId: input.externalId, updatedAt, fields: input.fields }),
      });
    },
    async resend(deliveryId) {
      const earlier = sent.find((change) => change.deliveryId === deliveryId);
      if (!earlier) throw new Error(`no change with delivery id ${deliveryId} was sent`);
      return send(earlier);
    },
  };
}

function json(status: number, body: Record<string, JsonValue>): ScriptedAnswer {
  return { status, body: JSON.stringify(body) };
}
