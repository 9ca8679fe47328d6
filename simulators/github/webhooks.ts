// The webhook half of the GitHub simulator: what a repository webhook does after every change,
// namely POST the event to the registered URL with `X-GitHub-Event`, `X-GitHub-Delivery` (a GUID)
// and `X-Hub-Signature-256: sha256=<hex HMAC of the body>` (plus the older SHA-1 `X-Hub-Signature`).
// Tests can delay, duplicate, hold (then release in order or newest first) and redeliver, which is
// what the sync engine must survive.

import { createHmac, randomUUID } from 'node:crypto';
import { signatureHeader } from '#adapters/shared/signatures.ts';
import { createDeliveryPacer, postDelivery } from '#simulators/shared/delivery-pacer.ts';

/** How deliveries behave. */
export interface WebhookOptions {
  /** Where to POST (nothing is sent until one is set). */
  readonly url?: string;
  readonly secret?: string;
  /** Wait before each delivery (ms). */
  readonly delayMs?: number;
  /** Send every delivery twice, byte for byte, with the same delivery id. */
  readonly duplicate?: boolean;
  /** Keep deliveries until `release()`. */
  readonly hold?: boolean;
}

/** A delivery, sent or held. */
export interface SentWebhook {
  readonly id: string;
  readonly event: string;
  readonly action: string | undefined;
  readonly body: string;
  /** Status answered per attempt. */
  readonly statuses: number[];
}

/** The webhook sender. */
export interface WebhookSender {
  configure(options: WebhookOptions): void;
  /** Queues a delivery of `event` with `body`. */
  enqueue(event: string, body: Record<string, unknown>): SentWebhook;
  /** Sends held deliveries, oldest first (or newest first). */
  release(order?: 'oldest-first' | 'newest-first'): Promise<void>;
  /** Posts `delivery` again, as GitHub's "Redeliver" button does (same id and body). */
  redeliver(delivery: SentWebhook): Promise<number>;
  /** Resolves when every delivery queued so far has been answered. */
  settled(): Promise<void>;
  readonly deliveries: readonly SentWebhook[];
  stop(): void;
}

/** A sender with `initial` options. */
export function createWebhookSender(initial: WebhookOptions): WebhookSender {
  let options: WebhookOptions = { ...initial };
  const deliveries: SentWebhook[] = [];
  const held: SentWebhook[] = [];
  const pacer = createDeliveryPacer();

  async function post(delivery: SentWebhook): Promise<number> {
    const { url, secret } = options;
    if (!url || pacer.stopped) return 0;
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'user-agent': 'GitHub-Hookshot/sim',
      'x-github-event': delivery.event,
      'x-github-delivery': delivery.id,
      'x-github-hook-id': '109948940',
    };
    if (secret) {
      headers['x-hub-signature-256'] = signatureHeader(secret, delivery.body);
      headers['x-hub-signature'] = `sha1=${createHmac('sha1', secret).update(delivery.body).digest('hex')}`;
    }
    await postDelivery(url, headers, delivery.body, delivery.statuses);
    return delivery.statuses.at(-1) ?? 0;
  }

  const dispatch = (delivery: SentWebhook) => pacer.dispatch(() => post(delivery), options);

  return {
    configure(next) {
      options = { ...options, ...next };
    },
    enqueue(event, body) {
      const action = typeof body['action'] === 'string' ? body['action'] : undefined;
      const delivery: SentWebhook = { id: randomUUID(), event, action, body: JSON.stringify(body), statuses: [] };
      deliveries.push(delivery);
      if (options.hold) held.push(delivery);
      else dispatch(delivery);
      return delivery;
    },
    async release(order = 'oldest-first') {
      const batch = held.splice(0);
      if (order === 'newest-first') batch.reverse();
      for (const delivery of batch) await post(delivery);
    },
    redeliver: (delivery) => post(delivery),
    settled: () => pacer.settled(),
    deliveries,
    stop: () => pacer.stop(),
  };
}
