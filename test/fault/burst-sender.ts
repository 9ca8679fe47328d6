// A source sending a burst of signed generic-webhook deliveries the way a careful sender does:
// several at a time, paced, and each one retried (same bytes, same delivery id) until Lockstep
// answers 2xx, whatever happens to Lockstep meanwhile. It remembers which deliveries were accepted,
// so a fault test can count that each accepted one was applied exactly once.
import { signatureHeader } from '#adapters/shared/signatures.ts';

/** One delivery of the burst: item `externalId` gets `title` as of `updatedAt`. */
export interface PlannedDelivery {
  readonly deliveryId: string;
  readonly externalId: string;
  readonly updatedAt: string;
  readonly title: string;
  readonly body: string;
}

/** `items` items with `versions` deliveries each, newer versions later in the list. */
export function planBurst(prefix: string, items: number, versions: number): PlannedDelivery[] {
  const startMs = Date.parse('2026-01-01T00:00:00Z');
  const planned: PlannedDelivery[] = [];
  for (let version = 1; version <= versions; version += 1) {
    for (let item = 1; item <= items; item += 1) {
      const deliveryId = `${prefix}-${item}-v${version}`;
      const externalId = `${prefix}-item-${item}`;
      const updatedAt = new Date(startMs + version * 60_000).toISOString();
      const title = `${prefix} item ${item} version ${version}`;
      const body = JSON.stringify({ deliveryId, externalId, updatedAt, fields: { title } });
      planned.push({ deliveryId, externalId, updatedAt, title, body });
    }
  }
  return planned;
}

/** The newest title of each item of `planned`. */
export function finalTitles(planned: readonly PlannedDelivery[]): Map<string, string> {
  const titles = new Map<string, { at: string; title: string }>();
  for (const delivery of planned) {
    const known = titles.get(delivery.externalId);
    if (!known || known.at < delivery.updatedAt)
      titles.set(delivery.externalId, { at: delivery.updatedAt, title: delivery.title });
  }
  return new Map([...titles].map(([id, { title }]) => [id, title]));
}

/** What the sender saw. */
export interface BurstOutcome {
  /** Delivery ids Lockstep answered 2xx to. */
  readonly accepted: Set<string>;
  /** Answers other than 2xx and 5xx (a 4xx means Lockstep refused a good delivery). */
  readonly refused: Array<{ deliveryId: string; status: number }>;
  /** Attempts that got no answer or a 5xx (retried). */
  failedAttempts: number;
}

/** POSTs one delivery; the status, or 0 when no answer came. */
export async function postDelivery(webhookUrl: string, secret: string, delivery: PlannedDelivery): Promise<number> {
  try {
    const response = await fetch(webhookUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-lockstep-signature': signatureHeader(secret, delivery.body) },
      body: delivery.body,
      signal: AbortSignal.timeout(5_000),
    });
    await response.arrayBuffer();
    return response.status;
  } catch {
    return 0;
  }
}

/** Sends `planned` in order with `concurrency` senders, pausing `paceMs` between sends, retrying until `deadlineMs`. */
export async function sendBurst(
  target: { webhookUrl: string; secret: string },
  planned: readonly PlannedDelivery[],
  options: { concurrency: number; paceMs: number; deadlineMs: number; outcome?: BurstOutcome },
): Promise<BurstOutcome> {
  const outcome: BurstOutcome = options.outcome ?? { accepted: new Set(), refused: [], failedAttempts: 0 };
  const deadline = Date.now() + options.deadlineMs;
  let next = 0;
  const sender = async (): Promise<void> => {
    for (let index = next++; index < planned.length; index = next++) {
      const delivery = planned[index];
      if (!delivery) continue;
      for (;;) {
        const status = await postDelivery(target.webhookUrl, target.secret, delivery);
        if (status >= 200 && status < 300) {
          outcome.accepted.add(delivery.deliveryId);
          break;
        }
        if (status >= 400 && status < 500) {
          outcome.refused.push({ deliveryId: delivery.deliveryId, status });
          break;
        }
        outcome.failedAttempts += 1;
        if (Date.now() > deadline) throw new Error(`delivery ${delivery.deliveryId} not accepted before the deadline`);
        await sleep(250);
      }
      await sleep(options.paceMs);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, sender));
  return outcome;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
