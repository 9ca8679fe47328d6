// The child-process half of `graphql-load.ts`: receives one LoadJob, runs autocannon (warm-up,
// then the measured run), checks every response body, sends one LoadResult back and exits.
import { once } from 'node:events';
import autocannon from 'autocannon';
import type { LoadJob, LoadResult } from './graphql-load.ts';
import { problemWith } from './ticket-operations.ts';

const [job] = (await once(process, 'message')) as [LoadJob];
const { target, settings } = job;

let unclean = 0;
let firstProblem: string | undefined;

function verifyBody(body: string | Buffer | undefined): boolean {
  const problem = problemWith(body === undefined ? '' : body.toString());
  if (problem === undefined) return true;
  unclean += 1;
  firstProblem ??= problem;
  return false;
}

function fire(seconds: number): Promise<autocannon.Result> {
  return autocannon({
    url: target.endpoint,
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', ...target.headers },
    body: JSON.stringify(target.operation),
    connections: settings.connections,
    pipelining: settings.pipelining,
    duration: seconds,
    verifyBody,
  });
}

const warmup = await fire(settings.warmupSeconds);
const measured = await fire(settings.durationSeconds);

const result: LoadResult = {
  requestsPerSecond: measured.requests.average,
  p50Ms: measured.latency.p50,
  p99Ms: measured.latency.p99,
  responses: measured.requests.total,
  allResponses: warmup.requests.total + measured.requests.total,
  non2xx: warmup.non2xx + measured.non2xx,
  failedRequests: warmup.errors + warmup.timeouts + measured.errors + measured.timeouts,
  unclean,
  firstProblem,
};
process.send?.(result, () => process.disconnect());
