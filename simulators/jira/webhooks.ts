// The webhook half of the Jira simulator: what Jira Cloud does after every change, namely POST the
// event (`jira:issue_created`, `jira:issue_updated` with its changelog, `jira:issue_deleted`) to the
// registered URL (comment events too: see comments.ts), signed `X-Hub-Signature: sha256=<hex>` with the webhook secret and carrying
// `X-Atlassian-Webhook-Identifier`. Tests can delay, duplicate and reorder deliveries, which is
// exactly what the sync engine must survive.

import { randomUUID } from 'node:crypto';
import type { JsonValue } from '#domain/json.ts';
import { signatureHeader } from '#adapters/shared/signatures.ts';
import { createDeliveryPacer, postDelivery } from '#simulators/shared/delivery-pacer.ts';
import type { SimEvent } from './store.ts';

/** How deliveries misbehave. */
export interface WebhookOptions {
  /** Where to POST (nothing is sent until one is set). */
  readonly url?: string;
  readonly secret?: string;
  /** Wait before each delivery (ms). */
  readonly delayMs?: number;
  /** Send every delivery twice, byte for byte. */
  readonly duplicate?: boolean;
  /** Hold deliveries until `release()`, which sends them newest first. */
  readonly reorder?: boolean;
}

/** A delivery, sent or held. */
export interface SentWebhook {
  readonly identifier: string;
  readonly event: string;
  readonly issueKey: string;
  readonly body: string;
  /** Status answered per attempt (two for a duplicate). */
  readonly statuses: number[];
}

/** The webhook sender. */
export interface WebhookSender {
  configure(options: WebhookOptions): void;
  enqueue(event: SimEvent, issue: JsonValue, actorName: string): void;
  /** Queues a delivery of any other event (comments), body ready-made. */
  enqueueBody(event: string, issueKey: string, body: Record<string, JsonValue>): void;
  /** Sends held deliveries, newest first. */
  release(): Promise<void>;
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

  async function post(delivery: SentWebhook): Promise<void> {
    const { url, secret } = options;
    if (!url || pacer.stopped) return;
    const headers: Record<string, string> = { 'content-type': 'application/json', 'x-atlassian-webhook-identifier': delivery.identifier };
    if (secret) headers['x-hub-signature'] = signatureHeader(secret, delivery.body);
    await postDelivery(url, headers, delivery.body, delivery.statuses);
  }

  const dispatch = (delivery: SentWebhook) => pacer.dispatch(() => post(delivery), options);

  return {
    configure(next) {
      options = { ...options, ...next };
    },
    enqueue(event, issue, actorName) {
      const body: Record<string, JsonValue> = {
        timestamp: event.atMs,
        webhookEvent: event.type,
        issue_event_type_name: event.type === 'jira:issue_created' ? 'issue_created' : event.type === 'jira:issue_deleted' ? 'issue_deleted' : 'issue_generic',
        user: { accountId: event.actor, displayName: actorName },
        issue,
      };
      if (event.changelogId !== undefined) {
        body['changelog'] = { id: event.changelogId, items: event.items.map((item) => ({ field: item.field, fieldtype: item.fieldId === undefined ? 'jira' : 'custom', fieldId: item.fieldId ?? item.field, fromString: item.fromString, toString: item.toString })) };
      }
      this.enqueueBody(event.type, event.issue.key, body);
    },
    enqueueBody(event, issueKey, body) {
      const delivery: SentWebhook = { identifier: randomUUID(), event, issueKey, body: JSON.stringify(body), statuses: [] };
      deliveries.push(delivery);
      if (options.reorder) held.push(delivery);
      else dispatch(delivery);
    },
    async release() {
      const batch = held.splice(0).reverse();
      for (const delivery of batch) await post(delivery);
    },
    settled: () => pacer.settled(),
    deliveries,
    stop: () => pacer.stop(),
  };
}
