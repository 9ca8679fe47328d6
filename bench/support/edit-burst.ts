// A burst of GraphQL edits sent from a child process of its own, so the client's requests, parsing
// and heap never share the event loop of the server being measured (as the subscribers do not
// either). The edits travel over a bounded pool of keep-alive connections, as a service's client
// would send them: the burst measures the server's work, not the setup of hundreds of connections.
// Chains run at once; the operations of one chain run in order, each after the last was answered.
import { fork } from 'node:child_process';
import type { GraphQLOperation } from './ticket-operations.ts';

export interface EditBurstJob {
  /** The GraphQL endpoint, e.g. `http://127.0.0.1:4000/graphql`. */
  readonly endpoint: string;
  readonly token: string;
  /** Keep-alive connections the burst may hold at once. */
  readonly connections: number;
  readonly chains: ReadonlyArray<readonly GraphQLOperation[]>;
}

/** When the burst started and when its last edit was answered (epoch ms, fractional). */
export interface EditBurstReport {
  readonly startedAtMs: number;
  readonly answeredAtMs: number;
  /** The first few answers that were not clean GraphQL data. */
  readonly errors: readonly string[];
}

/** A child ready to send `job` when `fire()` is called (forked now, so its start-up is not timed). */
export interface ReadyBurst {
  fire(): Promise<EditBurstReport>;
}

export async function prepareEditBurst(job: EditBurstJob): Promise<ReadyBurst> {
  const child = fork(new URL('./edit-burst.child.ts', import.meta.url), [], { serialization: 'json' });
  const reported = new Promise<EditBurstReport>((resolve, reject) => {
    let report: EditBurstReport | undefined;
    child.on('message', (message: { type: string; report?: EditBurstReport }) => {
      if (message.type === 'done') report = message.report;
    });
    child.once('error', reject);
    child.once('close', (code, signal) => (report ? resolve(report) : reject(new Error(`edit burst exited (${signal ?? code}) without a report`))));
  });
  const ready = new Promise<void>((resolve) => child.on('message', (message: { type: string }) => message.type === 'ready' && resolve()));
  child.send({ type: 'job', job });
  await Promise.race([ready, reported]);
  return {
    fire() {
      child.send({ type: 'fire' });
      return reported;
    },
  };
}
