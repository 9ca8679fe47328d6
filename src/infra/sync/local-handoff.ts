// Engine messages a process commits are handled by that same process, right after the commit,
// instead of travelling outbox -> relay -> JetStream -> consumer first: push requests go to its push
// worker, deliveries its webhook door stored go to its inbound worker. The two trips cost about 6 ms
// of a change's latency (p50 at half capacity) and 6% of its CPU, and bought nothing the work needs:
// the row committed with the message (the push job, the inbox delivery) is the truth, and the sweeper
// sends again anything left pending that nobody touched for a while, so a crash between the commit
// and the run loses nothing, it only waits. A bounded number of messages of each kind is taken at a
// time; beyond it, and while no worker of that kind is attached (a process without the engine, or
// one stopping), messages go through the outbox as before, so a large import or a storm of
// deliveries still spreads over every process.
//
// A message taken here must not overtake older ones of its kind waiting in JetStream: an alert
// group's resolution applied before the firing that opened it leaves the group without its ticket.
// So once a message of a kind had to go through the outbox, every later one of that kind follows
// it there, until the durable consumer pulls a message published since with nothing behind it in
// the stream (`caughtUp`). Local runs then queue behind the JetStream messages already pulled.
// That compares JetStream's clock with ours: on hosts whose clocks differ, by that much.
import { subjectFor, type RoutableEvent } from '#infra/bus/subjects.ts';

/** The message kinds the engine takes from its own process's commits. */
export const handedOffKinds = ['delivery.received', 'push.requested'] as const;

/** Handles one message here until it is done; settles at once when it cannot (stopping). */
export type LocalRunner = (payload: Record<string, unknown>, subject: string) => Promise<void>;

/** Hands a commit's engine messages to this process's workers. */
export interface LocalHandoff {
  /** Of `events`, those taken to be handled here after the commit, and the rest for the outbox. */
  take<E extends RoutableEvent>(events: readonly E[]): { readonly outbox: E[]; readonly taken: E[] };
  /** The commit held: handle what was taken. */
  handOver(taken: readonly RoutableEvent[]): void;
  /** The commit failed (or stored nothing): nothing taken is handled, its room is free again. */
  giveBack(taken: readonly RoutableEvent[]): void;
  /** Messages of `type` are taken from now on and handled by `runner`; the returned function stops that. */
  attach(type: string, runner: LocalRunner): () => void;
  /** Messages of `type` taken and not yet done. */
  inHand(type: string): number;
  /**
   * The durable consumer of `type` pulled a message published at `publishedAtMs` (JetStream's
   * clock) with nothing behind it in the stream: messages sent around this process since it had to
   * send one there are all pulled, so it takes messages of `type` again.
   */
  caughtUp(type: string, publishedAtMs: number): void;
}

interface Worker {
  readonly runner: LocalRunner;
  inHand: number;
  /** Since when (ms) messages of this kind go through JetStream, because one had to; null when none waits there. */
  aroundSince: number | null;
}

/**
 * Takes at most `bound` messages of each kind at a time (with no worker attached, it takes none);
 * `prefix` names the subjects they would have travelled on.
 */
export function createLocalHandoff(prefix: string, bound = 256): LocalHandoff {
  const workers = new Map<string, Worker>();
  /** The worker that took each message, which its room is counted against until it is done. */
  const takenBy = new WeakMap<RoutableEvent, Worker>();
  return {
    take(events) {
      const outbox: (typeof events)[number][] = [];
      const taken: (typeof events)[number][] = [];
      for (const event of events) {
        const worker = workers.get(event.type);
        if (worker && worker.aroundSince === null && worker.inHand < bound) {
          worker.inHand += 1;
          takenBy.set(event, worker);
          taken.push(event);
          continue;
        }
        if (worker) worker.aroundSince ??= Date.now();
        outbox.push(event);
      }
      return { outbox, taken };
    },
    handOver(taken) {
      for (const event of taken) {
        const worker = takenBy.get(event);
        if (!worker) continue;
        takenBy.delete(event);
        void worker.runner({ ...event }, subjectFor(prefix, event)).finally(() => (worker.inHand -= 1));
      }
    },
    giveBack(taken) {
      for (const event of taken) {
        const worker = takenBy.get(event);
        if (!worker) continue;
        takenBy.delete(event);
        worker.inHand -= 1;
      }
    },
    attach(type, runner) {
      const worker: Worker = { runner, inHand: 0, aroundSince: null };
      workers.set(type, worker);
      return () => {
        if (workers.get(type) === worker) workers.delete(type);
      };
    },
    inHand: (type) => workers.get(type)?.inHand ?? 0,
    caughtUp(type, publishedAtMs) {
      const worker = workers.get(type);
      if (worker && worker.aroundSince !== null && publishedAtMs >= worker.aroundSince) worker.aroundSince = null;
    },
  };
}
