// Push jobs planned by this process run in this process, right after the commit that planned them,
// instead of travelling outbox -> relay -> JetStream -> push consumer first. That trip cost about a
// tenth of a change's CPU and a few milliseconds of its latency, and bought nothing a push needs:
// the job row, committed with the change, is the truth, and the sweeper sends again any pending job
// nobody touched for a while (a crash between the commit and the run loses no push, it only waits).
// A bounded number of requests is taken; beyond it, and while no push consumer is attached (a
// process without the engine, or one stopping), requests go through the outbox as before, so a
// large import still spreads over every process.
import type { RoutableEvent } from '#infra/bus/subjects.ts';
import { subjectFor } from '#infra/bus/subjects.ts';
import type { PushRequested } from './engine-events.ts';

/** Runs one push request here until it is done; settles at once when it cannot (stopping). */
export type PushRunner = (payload: Record<string, unknown>, subject: string) => Promise<void>;

/** Hands a unit of work's push requests to this process's push worker. */
export interface LocalPushes {
  /** Of `events`, the push requests taken to run here after the commit, and the rest for the outbox. */
  take<E extends RoutableEvent>(events: readonly E[]): { readonly outbox: E[]; readonly taken: PushRequested[] };
  /** The commit held: run what was taken. */
  handOver(taken: readonly PushRequested[]): void;
  /** The commit failed: nothing taken runs (the jobs were never written). */
  giveBack(taken: readonly PushRequested[]): void;
  /** Requests are taken from now on and run by `runner`; the returned function stops taking them. */
  attach(runner: PushRunner): () => void;
  /** Requests taken and not yet done. */
  inHand(): number;
}

const isPushRequest = (event: RoutableEvent): event is PushRequested => event.type === 'push.requested';

/** Takes at most `bound` requests at a time; `prefix` names the subjects they would have travelled on. */
export function createLocalPushes(prefix: string, bound = 256): LocalPushes {
  let runner: PushRunner | null = null;
  let inHand = 0;
  return {
    take(events) {
      const outbox: typeof events[number][] = [];
      const taken: PushRequested[] = [];
      for (const event of events) {
        if (runner !== null && isPushRequest(event) && inHand < bound) {
          inHand += 1;
          taken.push(event);
        } else outbox.push(event);
      }
      return { outbox, taken };
    },
    handOver(taken) {
      for (const request of taken) {
        const run = runner?.({ ...request }, subjectFor(prefix, request)) ?? Promise.resolve();
        void run.finally(() => (inHand -= 1));
      }
    },
    giveBack(taken) {
      inHand -= taken.length;
    },
    attach(next) {
      runner = next;
      return () => {
        if (runner === next) runner = null;
      };
    },
    inHand: () => inHand,
  };
}
