// Waits for particular hub changes through the public `ticketChanged` subscription over graphql-ws:
// "ticket T now has title X", as a client of Lockstep would learn it. The arrival time is taken as
// the subscription's message is handled (no polling), and the ticket's own `updatedAt` is kept
// beside it, so a bench can split a propagation into "until committed" and "until announced".
import { createClient, type Client } from 'graphql-ws';

/** How a watched change arrived. */
export interface TicketArrival {
  /** When the subscription delivered it (ms since the epoch). */
  readonly arrivedAtMs: number;
  /** The ticket's `updatedAt` as delivered: when Lockstep applied the change. */
  readonly updatedAtMs: number;
}

/** Subscriptions to a fixed set of tickets. */
export interface TicketWatch extends AsyncDisposable {
  /**
   * The first delivery, after this call, of `ticketId` titled `title`; undefined when none came
   * within `timeoutMs`.
   */
  expect(ticketId: string, title: string, timeoutMs: number): Promise<TicketArrival | undefined>;
  /** Subscription errors so far (a closed socket, a GraphQL error); none in a clean run. */
  readonly errors: readonly string[];
}

const TICKET_CHANGED = 'subscription($id: ID!) { ticketChanged(id: $id) { id title updatedAt } }';

interface ChangedShape {
  readonly ticketChanged?: { readonly id?: unknown; readonly title?: unknown; readonly updatedAt?: unknown };
}

interface Waiter {
  readonly resolve: (arrival: TicketArrival | undefined) => void;
  readonly timer: NodeJS.Timeout;
}

const keyOf = (ticketId: string, title: string) => `${ticketId}\u0000${title}`;

/** Subscribes to `ticketIds` on the Lockstep at `url` as `token`; dispose to close the socket. */
export function watchTickets(url: string, token: string, ticketIds: readonly string[]): TicketWatch {
  const client: Client = createClient({
    url: `${url.replace(/^http/, 'ws')}/graphql`,
    connectionParams: { Authorization: `Bearer ${token}` },
    retryAttempts: 0,
    lazy: false,
  });
  const waiters = new Map<string, Waiter>();
  const errors: string[] = [];

  function settle(key: string, arrival: TicketArrival | undefined): void {
    const waiter = waiters.get(key);
    if (!waiter) return;
    waiters.delete(key);
    clearTimeout(waiter.timer);
    waiter.resolve(arrival);
  }

  const unsubscribes = ticketIds.map((id) =>
    client.subscribe<ChangedShape>(
      { query: TICKET_CHANGED, variables: { id } },
      {
        next: (message) => {
          const arrivedAtMs = Date.now();
          if (message.errors) errors.push(JSON.stringify(message.errors).slice(0, 300));
          const ticket = message.data?.ticketChanged;
          if (typeof ticket?.id !== 'string' || typeof ticket.title !== 'string') return;
          settle(keyOf(ticket.id, ticket.title), { arrivedAtMs, updatedAtMs: Date.parse(String(ticket.updatedAt)) });
        },
        error: (error) => errors.push(`ticketChanged(${id}): ${error instanceof Error ? error.message : JSON.stringify(error)}`),
        complete: () => undefined,
      },
    ),
  );

  return {
    expect(ticketId, title, timeoutMs) {
      const key = keyOf(ticketId, title);
      if (waiters.has(key)) throw new Error(`already waiting for ${ticketId} titled ${JSON.stringify(title)}`);
      return new Promise((resolve) => {
        const timer = setTimeout(() => settle(key, undefined), timeoutMs);
        waiters.set(key, { resolve, timer });
      });
    },
    errors,
    async [Symbol.asyncDispose]() {
      for (const key of [...waiters.keys()]) settle(key, undefined);
      for (const unsubscribe of unsubscribes) unsubscribe();
      await client.dispose();
    },
  };
}
