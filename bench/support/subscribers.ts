// Many live subscribers in a child process of their own (so their sockets, parsing and heap never
// share the event loop or the memory of the server being measured): graphql-ws subscriptions to
// Lockstep, or plain WebSockets to a bare broadcast server. The child opens them, says so, counts
// every message and reports once each subscriber has the number it expects.
import { fork, type ChildProcess } from 'node:child_process';

/** One group of identical subscriptions. */
export interface SubscriberGroup {
  readonly count: number;
  /** graphql-ws: the subscription document and variables; ignored for plain WebSockets. */
  readonly query?: string;
  readonly variables?: Record<string, unknown>;
  /** Plain WebSockets: the path to connect to (the bare server routes by path). */
  readonly path?: string;
  /** Messages each subscriber of the group must receive. */
  readonly expectedEach: number;
}

export interface SubscribersJob {
  readonly mode: 'graphql-ws' | 'ws';
  /** ws://host:port (graphql-ws adds /graphql). */
  readonly url: string;
  /** Tokens used round robin, one per socket. */
  readonly tokens: readonly string[];
  /** graphql-ws subscriptions multiplexed on one socket. */
  readonly perSocket: number;
  readonly groups: readonly SubscriberGroup[];
}

/** What the child saw. */
export interface SubscribersReport {
  readonly received: number;
  /** Epoch ms (fractional) of the last message that completed every subscriber's count. */
  readonly lastAtMs: number;
  readonly errors: readonly string[];
  /** One message body of each group, for the baseline to send the same bytes. */
  readonly samples: readonly string[];
}

export interface RunningSubscribers {
  /** Resolves once every socket is open and every subscription sent. */
  readonly opened: Promise<void>;
  /** Resolves when every subscriber got its messages (or rejects after `timeoutMs`). */
  done(timeoutMs: number): Promise<SubscribersReport>;
  stop(): void;
}

export function startSubscribers(job: SubscribersJob): RunningSubscribers {
  const child: ChildProcess = fork(new URL('./subscribers.child.ts', import.meta.url), [], { serialization: 'json' });
  let report: SubscribersReport | undefined;
  let failure: string | undefined;
  const waiters: Array<() => void> = [];
  const opened = new Promise<void>((resolve, reject) => {
    child.on('message', (message: { type: string; report?: SubscribersReport; error?: string }) => {
      if (message.type === 'opened') resolve();
      if (message.type === 'done') report = message.report;
      if (message.type === 'failed') failure = message.error;
      if (message.type !== 'opened') for (const wake of waiters.splice(0)) wake();
    });
    child.once('exit', (code) => {
      failure ??= `subscribers exited with ${code}`;
      reject(new Error(failure));
      for (const wake of waiters.splice(0)) wake();
    });
  });
  child.send(job);
  return {
    opened,
    async done(timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      const settled = () => report !== undefined || failure !== undefined || Date.now() >= deadline;
      while (!settled()) {
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 250);
        });
      }
      if (report) return report;
      child.send({ type: 'report' });
      throw new Error(failure ?? `subscribers did not all receive their messages within ${timeoutMs} ms`);
    },
    stop: () => void child.kill(),
  };
}
