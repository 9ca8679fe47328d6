// Fires one GraphQL operation at a server with autocannon and reports throughput, latency and
// whether every answer was clean. autocannon runs in a child process of its own, so the load
// generator never shares an event loop (or a heap) with the in-process server it measures.
import { fork } from 'node:child_process';
import type { GraphQLOperation } from './ticket-operations.ts';

/** Where to send the load, and what. */
export interface LoadTarget {
  /** The GraphQL endpoint, e.g. `http://127.0.0.1:4000/graphql`. */
  readonly endpoint: string;
  /** Extra request headers (authorization). */
  readonly headers: Readonly<Record<string, string>>;
  readonly operation: GraphQLOperation;
}

/** The same for every measurement of a run, so the figures compare. */
export interface LoadSettings {
  readonly connections: number;
  readonly pipelining: number;
  /** Load sent and discarded first (JIT, connection pools, caches). */
  readonly warmupSeconds: number;
  readonly durationSeconds: number;
}

/** What one measurement saw; the counts cover the warm-up as well. */
export interface LoadResult {
  /** Mean of autocannon's per-second samples of the measured run. */
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** Responses in the measured run. */
  readonly responses: number;
  /** Responses in the warm-up and the measured run together. */
  readonly allResponses: number;
  readonly non2xx: number;
  /** Connection errors and timeouts. */
  readonly failedRequests: number;
  /** Bodies that were not a clean GraphQL answer (see `problemWith`). */
  readonly unclean: number;
  /** The first unclean body's problem, for the report. */
  readonly firstProblem: string | undefined;
}

/** The one message the child receives. */
export interface LoadJob {
  readonly target: LoadTarget;
  readonly settings: LoadSettings;
}

/** True when every request of the measurement (warm-up included) got a clean 2xx answer. */
export function isClean(result: LoadResult): boolean {
  return result.non2xx === 0 && result.failedRequests === 0 && result.unclean === 0;
}

/** Runs warm-up then measurement against `target` in a fresh child process. */
export function measureLoad(target: LoadTarget, settings: LoadSettings): Promise<LoadResult> {
  const job: LoadJob = { target, settings };
  const child = fork(new URL('./graphql-load.child.ts', import.meta.url), [], { serialization: 'json' });
  return new Promise<LoadResult>((resolve, reject) => {
    let result: LoadResult | undefined;
    child.once('message', (message) => (result = message as LoadResult));
    child.once('error', reject);
    child.once('close', (code, signal) => {
      if (result) resolve(result);
      else reject(new Error(`load generator exited (${signal ?? code}) without a result`));
    });
    child.send(job);
  });
}
