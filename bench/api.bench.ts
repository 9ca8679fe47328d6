// `npm run bench -- api`: requests per second of `createTicket`, `ticket(id)` and a page of 50
// tickets with their links, conflicts and comments through Lockstep, each beside bare graphql-yoga
// (with a hand-written pg script where the operation needs the database) answering the same
// operation in the same run, so the ratio is the price of what Lockstep wraps around the GraphQL
// engine and PostgreSQL (tokens, metrics, MikroORM, the outbox) rather than a statement about this
// machine. Each figure also says how many SQL statements one request sends.
import type { BenchFigure, BenchSuite } from './figure.ts';
import { startBareYoga } from './support/bare-yoga.ts';
import { createAdminClient } from './support/admin-client.ts';
import { startBenchLockstep, type BenchLockstep } from './support/bench-lockstep.ts';
import { isClean, measureLoad, type LoadResult, type LoadSettings } from './support/graphql-load.ts';
import { checkTicketList, checkTicketRoundTrip, send, type Endpoint } from './support/sample-check.ts';
import { countStatements, statementsSent } from './support/statement-count.ts';
import { setUpTicketList } from './support/ticket-list-fixture.ts';
import { createTicketOperation, listTicketsOperation, readTicketOperation, type GraphQLOperation } from './support/ticket-operations.ts';

/** The same for all seven measurements; about 45 s of load in all. */
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

/** Requests sent one at a time to count statements; the fewest seen counts (a background poll may land in one). */
const STATEMENT_SAMPLES = 5;

/**
 * SQL statements sent through `pg` in this process while one `operation` request is answered, after
 * a pause so the previous one's background work (the outbox relay) is done; what that request
 * starts in the background before its answer is counted.
 */
async function statementsPerRequest(target: Endpoint, operation: GraphQLOperation): Promise<number> {
  let fewest = Number.POSITIVE_INFINITY;
  for (let i = 0; i < STATEMENT_SAMPLES; i++) {
    await new Promise((resolve) => setTimeout(resolve, 300));
    const before = statementsSent();
    await send(target, operation);
    fewest = Math.min(fewest, statementsSent() - before);
  }
  return fewest;
}

const statementsNote = (lockstep: number, bare: number) => `SQL statements per request: ${lockstep} (bare: ${bare})`;

/** `measureLoad`, also counting every statement the process sent meanwhile (background work included). */
async function measureCounted(target: Parameters<typeof measureLoad>[0]): Promise<LoadResult & { statements: number }> {
  const before = statementsSent();
  const result = await measureLoad(target, settings);
  return { ...result, statements: statementsSent() - before };
}

/** All statements sent during each load per response (warm-up included on both sides), background work included. */
const underLoad = (lockstep: { statements: number; allResponses: number }, bare: { statements: number; allResponses: number }) =>
  `under load, all statements per response: ${(lockstep.statements / lockstep.allResponses).toFixed(1)} (bare: ${(bare.statements / bare.allResponses).toFixed(1)})`;

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
  countStatements();
  await using lockstep = await startBenchLockstep();
  await using bare = await startBareYoga(lockstep.databaseUrl);
  await using bareWithReads = await startBareYoga(lockstep.databaseUrl, 'database');
  const throughLockstep: Endpoint = {
    endpoint: `${lockstep.url}/graphql`,
    headers: { authorization: `Bearer ${lockstep.adminToken}` },
  };
  const onBare: Endpoint = { endpoint: `${bare.url}/graphql`, headers: {} };
  const onBareWithReads: Endpoint = { endpoint: `${bareWithReads.url}/graphql`, headers: {} };

  const lockstepTicket = await checkTicketRoundTrip(throughLockstep);
  const bareTicket = await checkTicketRoundTrip(onBare);
  const bareRowTicket = await checkTicketRoundTrip(onBareWithReads);
  const statements = {
    create: statementsNote(await statementsPerRequest(throughLockstep, createTicketOperation), await statementsPerRequest(onBare, createTicketOperation)),
    read: statementsNote(
      await statementsPerRequest(throughLockstep, readTicketOperation(lockstepTicket)),
      await statementsPerRequest(onBare, readTicketOperation(bareTicket)),
    ),
  };

  // Baseline first in each pair; the reads only start once Lockstep's relay is idle again.
  const bareCreate = await measureCounted({ ...onBare, operation: createTicketOperation });
  const lockstepCreate = await measureCounted({ ...throughLockstep, operation: createTicketOperation });
  const outbox = await drainOutbox(lockstep);
  const bareRead = await measureCounted({ ...onBare, operation: readTicketOperation(bareTicket) });
  const lockstepRead = await measureCounted({ ...throughLockstep, operation: readTicketOperation(lockstepTicket) });
  const bareRowRead = await measureCounted({ ...onBareWithReads, operation: readTicketOperation(bareRowTicket) });

  // The newest tickets are the list's stage; both servers read the same rows.
  const fixture = await setUpTicketList(createAdminClient(lockstep.url, lockstep.adminToken));
  await drainOutbox(lockstep);
  const [lockstepPage, barePage] = [await checkTicketList(throughLockstep), await checkTicketList(onBare)];
  if (JSON.stringify(lockstepPage) !== JSON.stringify(barePage)) {
    throw new Error(`api bench: the two lists differ: Lockstep ${JSON.stringify(lockstepPage)}, bare ${JSON.stringify(barePage)}`);
  }
  const listStatements = statementsNote(await statementsPerRequest(throughLockstep, listTicketsOperation), await statementsPerRequest(onBare, listTicketsOperation));
  const bareList = await measureCounted({ ...onBare, operation: listTicketsOperation });
  const lockstepList = await measureCounted({ ...throughLockstep, operation: listTicketsOperation });
  const page = `page: ${fixture.tickets} tickets, ${lockstepPage.mappings} links, ${lockstepPage.conflicts} open conflicts, ${lockstepPage.comments} comments`;

  const figures = [
    figureOf('createTicket through Lockstep', lockstepCreate, 'createTicket on bare yoga + pg (same inserts, one transaction)', bareCreate, `${statements.create}; ${underLoad(lockstepCreate, bareCreate)}; ${outbox}`),
    figureOf('ticket(id) through Lockstep', lockstepRead, 'ticket(id) on bare yoga (in memory)', bareRead, `${statements.read}; ${underLoad(lockstepRead, bareRead)}`),
    figureOf('ticket(id) through Lockstep (context)', lockstepRead, 'ticket(id) on bare yoga + pg (one select)', bareRowRead),
    figureOf(
      'tickets(first: 50) with mappings, openConflicts, comments(first: 5) through Lockstep',
      lockstepList,
      'the same on bare yoga + pg (one query per list)',
      bareList,
      `${listStatements}; ${underLoad(lockstepList, bareList)}; ${page}`,
    ),
  ];
  if (![bareCreate, lockstepCreate, bareRead, lockstepRead, bareRowRead, bareList, lockstepList].every(isClean)) {
    const report = figures.map((figure) => `  ${figure.name}: ${figure.detail ?? ''}`).join('\n');
    throw new Error(`api bench: not every response was a clean 2xx answer, so its req/s would mean nothing:\n${report}`);
  }
  return figures;
};
