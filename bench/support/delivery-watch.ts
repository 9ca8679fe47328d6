// Waits for particular outbound deliveries at the generic webhook simulator: "the ticket.updated
// for GW-7 whose title is X". Arrival times are the simulator's own `receivedAtMs`, stamped when
// the POST's body was read, so how often the watch looks only decides when a waiter wakes, never
// the latency it reports.
import type { GenericWebhookSimulator, ReceivedDelivery } from '#simulators/generic-webhook/simulator.ts';

/** How often the watch scans the simulator's deliveries for new ones. */
const SCAN_EVERY_MS = 5;

/** Outbound deliveries awaited by external id and title. */
export interface DeliveryWatch {
  /**
   * The first 2xx-answered `ticket.updated` for `externalId` whose ticket title is `title`, received
   * after this call; undefined when none came within `timeoutMs`.
   */
  expect(externalId: string, title: string, timeoutMs: number): Promise<ReceivedDelivery | undefined>;
  /** Deliveries received since the watch started that nobody awaited, e.g. `ticket.updated in-3 (200)`. */
  readonly unexpected: readonly string[];
  /** Stops scanning; whoever still waits gets undefined. */
  stop(): void;
}

interface Waiter {
  readonly resolve: (delivery: ReceivedDelivery | undefined) => void;
  readonly timer: NodeJS.Timeout;
}

interface OutboundShape {
  readonly externalId?: unknown;
  readonly ticket?: { readonly title?: unknown };
}

const keyOf = (externalId: string, title: string) => `${externalId}\u0000${title}`;

/** Watches `receiver` from now on. */
export function watchDeliveries(receiver: GenericWebhookSimulator): DeliveryWatch {
  const waiters = new Map<string, Waiter>();
  const unexpected: string[] = [];
  let cursor = receiver.deliveries.length;

  function settle(key: string, delivery: ReceivedDelivery | undefined): boolean {
    const waiter = waiters.get(key);
    if (!waiter) return false;
    waiters.delete(key);
    clearTimeout(waiter.timer);
    waiter.resolve(delivery);
    return true;
  }

  function scan(): void {
    const { deliveries } = receiver;
    for (; cursor < deliveries.length; cursor += 1) {
      const delivery = deliveries[cursor];
      if (!delivery) continue;
      const body = (delivery.body ?? {}) as OutboundShape;
      const externalId = String(body.externalId);
      const title = String(body.ticket?.title);
      const ok = delivery.event === 'ticket.updated' && delivery.status >= 200 && delivery.status < 300;
      if (ok && settle(keyOf(externalId, title), delivery)) continue;
      unexpected.push(`${delivery.event ?? 'unknown event'} ${externalId} (${delivery.status})`);
    }
  }

  const scanner = setInterval(scan, SCAN_EVERY_MS);

  return {
    expect(externalId, title, timeoutMs) {
      const key = keyOf(externalId, title);
      if (waiters.has(key)) throw new Error(`already waiting for ${externalId} titled ${JSON.stringify(title)}`);
      return new Promise((resolve) => {
        const timer = setTimeout(() => settle(key, undefined), timeoutMs);
        waiters.set(key, { resolve, timer });
      });
    },
    unexpected,
    stop() {
      clearInterval(scanner);
      for (const key of [...waiters.keys()]) settle(key, undefined);
    },
  };
}
