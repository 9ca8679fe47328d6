// The webhook half of the Linear simulator: after every data change (ours included, as Linear
// does) it POSTs the `EntityWebhookPayload` to the registered URL with `Linear-Delivery`,
// `Linear-Event` and `Linear-Signature` (hex HMAC-SHA256 of the raw body), `webhookTimestamp`
// stamped when sent. Tests can hold deliveries and release them in either order, duplicate them,
// or delay them: what the sync engine must survive.

import { randomUUID } from 'node:crypto';
import { hmacSha256Hex } from '#adapters/shared/signatures.ts';
import { createDeliveryPacer, postDelivery } from '#simulators/shared/delivery-pacer.ts';
import type { SimChange } from './store.ts';

/** How deliveries misbehave. */
export interface WebhookOptions {
  /** Where to POST (nothing is sent until one is set). */
  readonly url?: string;
  readonly secret?: string;
  /** Wait before each delivery (ms). */
  readonly delayMs?: number;
  /** Send every delivery twice with the same `Linear-Delivery` and body. */
  readonly duplicate?: boolean;
  /** Keep deliveries until `release()`. */
  readonly hold?: boolean;
}

/** A delivery, sent or held. */
export interface SentWebhook {
  readonly id: string;
  readonly type: SimChange['type'];
  readonly action: SimChange['action'];
  readonly entityId: string;
  /** The body as sent (set on the first attempt). */
  body: string | undefined;
  /** Status answered per attempt (two for a duplicate). */
  readonly statuses: number[];
}

/** The webhook sender of one simulator. */
export interface LinearWebhooks {
  configure(options: WebhookOptions): void;
  /** Sends held deliveries: oldest first by default, or newest first to reorder them. */
  release(order?: 'oldest-first' | 'newest-first'): Promise<void>;
  /** Resolves when every delivery queued so far has been answered. */
  settled(): Promise<void>;
  readonly deliveries: readonly SentWebhook[];
  /** Deliveries held now. */
  held(): number;
  stop(): void;
}

/** A sender for the changes of `onChange`, with the organisation's id in every body. */
export function createLinearWebhooks(
  organizationId: string,
  onChange: (listener: (change: SimChange) => void) => void,
): LinearWebhooks {
  let options: WebhookOptions = {};
  const webhookId = randomUUID();
  const deliveries: SentWebhook[] = [];
  const changes = new Map<string, SimChange>();
  const held: SentWebhook[] = [];
  const pacer = createDeliveryPacer();

  function bodyOf(delivery: SentWebhook): string {
    const change = changes.get(delivery.id) as SimChange;
    delivery.body ??= JSON.stringify({
      action: change.action,
      actor: { id: change.actorId, type: 'user' },
      createdAt: change.data['updatedAt'],
      data: change.data,
      url: change.url,
      type: change.type,
      ...(change.updatedFrom ? { updatedFrom: change.updatedFrom } : {}),
      organizationId,
      webhookTimestamp: Date.now(),
      webhookId,
    });
    return delivery.body;
  }

  async function post(delivery: SentWebhook): Promise<void> {
    const { url, secret } = options;
    if (!url || pacer.stopped) return;
    const body = bodyOf(delivery);
    const headers: Record<string, string> = {
      'content-type': 'application/json; charset=utf-8',
      'user-agent': 'Linear-Webhook',
      'linear-delivery': delivery.id,
      'linear-event': delivery.type,
    };
    if (secret) headers['linear-signature'] = hmacSha256Hex(secret, body);
    await postDelivery(url, headers, body, delivery.statuses);
  }

  async function send(delivery: SentWebhook): Promise<void> {
    const times = options.duplicate ? 2 : 1;
    for (let i = 0; i < times; i += 1) await post(delivery);
  }

  const dispatch = (delivery: SentWebhook) => pacer.dispatch(() => post(delivery), options);

  onChange((change) => {
    const { type, action, entityId } = change;
    const delivery: SentWebhook = { id: randomUUID(), type, action, entityId, body: undefined, statuses: [] };
    changes.set(delivery.id, change);
    deliveries.push(delivery);
    if (options.hold) held.push(delivery);
    else dispatch(delivery);
  });

  return {
    configure(next) {
      options = { ...options, ...next };
    },
    async release(order = 'oldest-first') {
      const batch = held.splice(0);
      if (order === 'newest-first') batch.reverse();
      for (const delivery of batch) await send(delivery);
    },
    settled: () => pacer.settled(),
    deliveries,
    held: () => held.length,
    stop: () => pacer.stop(),
  };
}
