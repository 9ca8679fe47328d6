// `npm run bench -- api`: requests per second of `createTicket` and `ticket(id)` through Lockstep,
// each beside bare graphql-yoga answering the same operation in the same run, so the ratio is the
// price of what Lockstep wraps around the GraphQL engine (tokens, metrics, PostgreSQL, the
// transactional outbox) rather than a statement about this machine.
import type { BenchFigure, BenchSuite } from './figure.ts';
import { startBareYoga } from './support/bare-yoga.ts';
import { startBenchLockstep, type BenchLockstep } from './support/bench-lockstep.ts';
import { isClean, measureLoad, type LoadResult, type LoadSettings } from './support/graphql-load.ts';
import { checkTicketRoundTrip, type Endpoint } from './support/sample-check.ts';
import { createTicketOperation, readTicketOperation } from './support/ticket-operations.ts';

/** The same for all four measurements; about 30 s of load in all. */
const settings: LoadSettings = { connections: 10, pipelining: 1, warmupSeconds: 1, durationSeconds: 5 };

/** How long the outbox may take to empty before the read measurements start anyway. */
const DRAIN_LIMIT_MS = 15_000;

const ms = (value: number) => `${value.toFixed(value < 10 ? 1 : 0)} ms`;

function health(label: string, result: LoadResult): string {
  if (isClean(result)) return `${label}: all ${result.responses} responses clean 2xx`;
  const first = result.firstProblem ? ` (first: ${result.firstProblem})` : '';
  return (
    `${label}: NOT CLEAN — ${result.non2xx} non-2xx, ${result.failedRequests} connection errors/timeouts, ` +
    `${result.unclean} bodies with GraphQL errors or null data${first}`
  );
}

function figureOf(name: string, measured: LoadResult, baselineName: string, baseline: LoadResult, extra?: string): BenchFigure {
  const latency = `p50 ${ms(measured.p50Ms)}, p99 ${ms(measured.p99Ms)} (bare: p50 ${ms(baseline.p50Ms)}, p99 ${ms(baseline.p99Ms)})`;
  const load = `${settings.connections} connections, ${settings.durationSeconds} s after ${settings.warmupSeconds} s warm-up`;
  const parts = [latency, load, health('Lockstep', measured), health('bare', baseline), ...(extra ? [extra] : [])];
  return {
    name,
    value: measured.requestsPerSecond,
    unit: 'req/s',
    baseline: { name: baselineName, value: baseline.requestsPerSecond },
    detail: parts.join('; '),
  };
}

/** Waits for the relay to publish what the createTicket load wrote, so it does not run under the reads. */
async function drainOutbox(lockstep: BenchLockstep): Promise<string> {
  const started = performance.now();
  const pendingAtEnd = await lockstep.outboxPending();
  let pending = pendingAtEnd;
  while (pending > 0 && performance.now() - started < DRAIN_LIMIT_MS) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    pending = await lockstep.outboxPending();
  }
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  const atEnd = `outbox: ${pendingAtEnd} event${pendingAtEnd === 1 ? '' : 's'} unpublished when the load ended`;
  return pending > 0 ? `${atEnd}, still ${pending} after ${seconds} s` : `${atEnd}, published within ${seconds} s`;
}

export const run: BenchSuite = async () => {
  await using lockstep = await startBenchLockstep();
  await using bare = await startBareYoga();
  const throughLockstep: Endpoint = {
    endpoint: `${lockstep.url}/graphql`,
    headers: { authorization: `Bearer ${lockstep.adminToken}` },
  };
  const onBare: Endpoint = { endpoint: `${bare.url}/graphql`, headers: {} };

  const lockstepTicket = await checkTicketRoundTrip(throughLockstep);
  const bareTicket = await checkTicketRoundTrip(onBare);

  // Baseline first in each pair; the reads only start once Lockstep's relay is idle again.
  const bareCreate = await measureLoad({ ...onBare, operation: createTicketOperation }, settings);
  const lockstepCreate = await measureLoad({ ...throughLockstep, operation: createTicketOperation }, settings);
  const outbox = await drainOutbox(lockstep);
  const bareRead = await measureLoad({ ...onBare, operation: readTicketOperation(bareTicket) }, settings);
  const lockstepRead = await measureLoad({ ...throughLockstep, operation: readTicketOperation(lockstepTicket) }, settings);

  const figures = [
    figureOf('createTicket through Lockstep', lockstepCreate, 'createTicket on bare yoga', bareCreate, outbox),
    figureOf('ticket(id) through Lockstep', lockstepRead, 'ticket(id) on bare yoga', bareRead),
  ];
  if (![bareCreate, lockstepCreate, bareRead, lockstepRead].every(isClean)) {
    const report = figures.map((figure) => `  ${figure.name}: ${figure.detail ?? ''}`).join('\n');
    throw new Error(`api bench: not every response was a clean 2xx answer, so its req/s would mean nothing:\n${report}`);
  }
  return figures;
};
