// `npm run bench -- subscriptions`: 1,000 graphql-ws subscribers of one Lockstep process (500 on
// `ticketChanged` of ten tickets, 500 on `conflictDetected`), fed ROUNDS rounds of ten ticket
// edits and one conflict each, all sent at once by a client process of their own over
// EDIT_CONNECTIONS keep-alive connections. Reports deliveries per second from the first edit to the last
// delivery, beside a bare `ws` server broadcasting the very same messages to the same 1,000
// sockets, and the server's memory per idle subscription. Both sides first run the same burst,
// unmeasured, to fewer subscribers (WARMUP_*). The subscribers live in a child process
// so their sockets never share this process's event loop or heap.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { WebSocketServer, type WebSocket } from 'ws';
import type { BenchSuite } from './figure.ts';
import { createAdminClient, type AdminClient } from './support/admin-client.ts';
import { startBenchLockstep } from './support/bench-lockstep.ts';
import { prepareEditBurst } from './support/edit-burst.ts';
import { startSubscribers, type SubscriberGroup, type SubscribersReport } from './support/subscribers.ts';

const TICKETS = 10;
const PER_TICKET = 50;
const CONFLICT_WATCHERS = 500;
const SUBSCRIBERS = TICKETS * PER_TICKET + CONFLICT_WATCHERS;
const ROUNDS = 20;
const DELIVERIES = SUBSCRIBERS * ROUNDS;
const LIMIT_MS = 120_000;
/** Keep-alive connections the edits share (see edit-burst.ts). */
const EDIT_CONNECTIONS = 16;
/** Subscribers of the unmeasured warm-up burst. */
const WARMUP_PER_TICKET = 5;
const WARMUP_CONFLICT_WATCHERS = 50;

const WATCH = 'subscription($id: ID!) { ticketChanged(id: $id) { id title version } }';
const CONFLICTS = 'subscription { conflictDetected { id field ticket { id title } } }';
const CREATE = 'mutation($title: String!) { createTicket(input: { title: $title }) { ticket { id version } } }';
const UPDATE = 'mutation($id: ID!, $title: String!, $v: String) { updateTicket(input: { id: $id, title: $title, expectedVersion: $v }) { ticket { version } } }';

const now = () => performance.timeOrigin + performance.now();

/** Full garbage collection where V8 allows it, so heap figures hold live objects only. */
const collectGarbage: () => void = (() => {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as (() => void) | undefined;
  return () => gc?.();
})();

async function settledMemory(): Promise<{ heap: number; rss: number }> {
  for (let i = 0; i < 3; i += 1) {
    collectGarbage();
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const usage = process.memoryUsage();
  return { heap: usage.heapUsed, rss: usage.rss };
}

async function listening(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const line = text.split('\n').find((entry) => entry.startsWith('lockstep_subscriptions_listening'));
  return line ? Number(line.split(' ').at(-1)) : Number.NaN;
}

async function createTickets(admin: AdminClient, count: number, label: string): Promise<Array<{ id: string; version: string }>> {
  return Promise.all(
    Array.from({ length: count }, async (_, index) => (await admin.run<{ createTicket: { ticket: { id: string; version: string } } }>(CREATE, { title: `${label} ${index}` })).createTicket.ticket),
  );
}

interface LockstepRun {
  readonly report: SubscribersReport;
  readonly ms: number;
  /** From the first edit sent to the last one answered. */
  readonly editedMs: number;
  readonly perSubscriptionBytes: { heap: number; rss: number };
}

type Ticket = { id: string; version: string };

/** The subscriber groups: `perTicket` on each watched ticket, `conflictWatchers` on every conflict. */
function groupsOf(watched: readonly Ticket[], perTicket: number, conflictWatchers: number): SubscriberGroup[] {
  return [
    ...watched.map((ticket) => ({ count: perTicket, query: WATCH, variables: { id: ticket.id }, expectedEach: ROUNDS })),
    { count: conflictWatchers, query: CONFLICTS, expectedEach: ROUNDS },
  ];
}

/** Waits until the server counts `count` subscriptions listening. */
async function registered(url: string, count: number): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const listeningNow = await listening(url);
    if (listeningNow === count) return;
    if (Date.now() > deadline) throw new Error(`subscriptions bench: ${listeningNow} subscriptions registered, not ${count}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * ROUNDS rounds of one edit to each watched ticket, and a conflict (two writes in order) on each
 * contended one, all at once: the figure is then the fan-out's, not the time a client waits
 * between edits. Edits of one ticket still queue on its row lock.
 */
async function editBurst(lockstep: { url: string; adminToken: string }, watched: readonly Ticket[], contended: readonly Ticket[], label: string) {
  const burst = await prepareEditBurst({
    endpoint: `${lockstep.url}/graphql`,
    token: lockstep.adminToken,
    connections: EDIT_CONNECTIONS,
    chains: [
      // Round by round, so the first requests on the connections edit different tickets.
      ...Array.from({ length: ROUNDS }, (_, round) => watched.map((ticket) => [{ query: UPDATE, variables: { id: ticket.id, title: `${label} round ${round}` } }])).flat(),
      ...contended.map((conflict, round) => [
        { query: UPDATE, variables: { id: conflict.id, title: `${label} contended ${round}: first` } },
        { query: UPDATE, variables: { id: conflict.id, title: `${label} contended ${round}: second`, v: conflict.version } },
      ]),
    ],
  });
  const edited = await burst.fire();
  if (edited.errors.length > 0) throw new Error(`subscriptions bench: edits failed: ${edited.errors.join('; ')}`);
  return edited;
}

async function measureLockstep(): Promise<LockstepRun> {
  await using lockstep = await startBenchLockstep({ LOCKSTEP_MAX_SUBSCRIPTIONS_PER_TOKEN: String(SUBSCRIBERS * 2) });
  const admin = createAdminClient(lockstep.url, lockstep.adminToken);
  const url = lockstep.url.replace(/^http/, 'ws');
  const watched = await createTickets(admin, TICKETS, 'Watched');
  const contended = await createTickets(admin, ROUNDS, 'Contended');

  // The same burst once, to fewer subscribers, with nothing measured: the server's code is then
  // compiled and its pools and caches filled, as the other suites' warm-ups do.
  const warmGroups = groupsOf(watched, WARMUP_PER_TICKET, WARMUP_CONFLICT_WATCHERS);
  const warming = startSubscribers({ mode: 'graphql-ws', url, tokens: [lockstep.adminToken], perSocket: 50, groups: warmGroups });
  try {
    await warming.opened;
    await registered(lockstep.url, TICKETS * WARMUP_PER_TICKET + WARMUP_CONFLICT_WATCHERS);
    await editBurst(lockstep, watched, await createTickets(admin, ROUNDS, 'Warm-up contended'), 'Warm-up');
    await warming.done(LIMIT_MS);
  } finally {
    warming.stop();
  }
  await registered(lockstep.url, 0);

  const before = await settledMemory();
  const subscribers = startSubscribers({ mode: 'graphql-ws', url, tokens: [lockstep.adminToken], perSocket: 50, groups: groupsOf(watched, PER_TICKET, CONFLICT_WATCHERS) });
  try {
    await subscribers.opened;
    await registered(lockstep.url, SUBSCRIBERS);
    const after = await settledMemory();
    const edited = await editBurst(lockstep, watched, contended, 'Watched');
    const started = edited.startedAtMs;
    const report = await subscribers.done(LIMIT_MS);
    return {
      report,
      ms: report.lastAtMs - started,
      editedMs: edited.answeredAtMs - started,
      perSubscriptionBytes: { heap: (after.heap - before.heap) / SUBSCRIBERS, rss: (after.rss - before.rss) / SUBSCRIBERS },
    };
  } finally {
    subscribers.stop();
  }
}

/** A bare `ws` server sending the same message bodies to the same sockets, in the same rounds, after the same warm-up. */
async function measureBareBroadcast(samples: readonly string[]): Promise<{ report: SubscribersReport; ms: number }> {
  const server = createServer();
  const sockets = new WebSocketServer({ server });
  const byPath = new Map<string, Set<WebSocket>>();
  sockets.on('connection', (socket, request) => {
    const path = request.url ?? '/';
    const set = byPath.get(path) ?? new Set();
    byPath.set(path, set.add(socket));
    socket.once('close', () => set.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const open = () => [...byPath.values()].reduce((sum, set) => sum + set.size, 0);
  // The same bytes graphql-ws sends: a `next` message around each sample payload.
  const envelope = (payload: string | undefined) => `{"id":"00000000-0000-4000-8000-000000000000","type":"next","payload":${payload ?? '{}'}}`;
  const broadcast = async (perTicket: number, conflictWatchers: number) => {
    const groups: SubscriberGroup[] = [
      ...Array.from({ length: TICKETS }, (_, index) => ({ count: perTicket, path: `/t${index}`, expectedEach: ROUNDS })),
      { count: conflictWatchers, path: '/c', expectedEach: ROUNDS },
    ];
    const subscribers = startSubscribers({ mode: 'ws', url, tokens: [], perSocket: 1, groups });
    try {
      await subscribers.opened;
      while (open() < TICKETS * perTicket + conflictWatchers) await new Promise((resolve) => setTimeout(resolve, 20));
      const started = now();
      for (let round = 0; round < ROUNDS; round += 1) {
        for (let index = 0; index < TICKETS; index += 1) {
          const message = envelope(samples[index]);
          for (const socket of byPath.get(`/t${index}`) ?? []) socket.send(message);
        }
        const message = envelope(samples[TICKETS]);
        for (const socket of byPath.get('/c') ?? []) socket.send(message);
        await new Promise((resolve) => setImmediate(resolve));
      }
      const report = await subscribers.done(LIMIT_MS);
      return { report, ms: report.lastAtMs - started };
    } finally {
      subscribers.stop();
      while (open() > 0) await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };
  try {
    await broadcast(WARMUP_PER_TICKET, WARMUP_CONFLICT_WATCHERS);
    return await broadcast(PER_TICKET, CONFLICT_WATCHERS);
  } finally {
    for (const socket of sockets.clients) socket.terminate();
    await new Promise<void>((resolve) => sockets.close(() => resolve()));
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

export const run: BenchSuite = async () => {
  const lockstep = await measureLockstep();
  if (lockstep.report.errors.length > 0) throw new Error(`subscriptions bench: subscription errors: ${lockstep.report.errors.join('; ')}`);
  const bare = await measureBareBroadcast(lockstep.report.samples);
  const rate = (lockstep.report.received / lockstep.ms) * 1000;
  const bareRate = (bare.report.received / bare.ms) * 1000;
  const kb = (bytes: number) => (bytes / 1024).toFixed(1);
  return [
    {
      name: 'subscription deliveries through Lockstep',
      value: rate,
      unit: 'deliveries/s',
      baseline: { name: 'a bare ws broadcast of the same messages', value: bareRate },
      detail:
        `higher is better; ${SUBSCRIBERS} graphql-ws subscribers on ${SUBSCRIBERS / 50} sockets (${TICKETS}x${PER_TICKET} ticketChanged, ${CONFLICT_WATCHERS} conflictDetected), ` +
        `${ROUNDS} rounds of ${TICKETS} edits and 1 conflict: ${lockstep.report.received} deliveries (expected ${DELIVERIES}) in ${(lockstep.ms / 1000).toFixed(2)} s ` +
        `from the first edit to the last delivery (the ${ROUNDS * (TICKETS + 2)} edits, sent at once over ${EDIT_CONNECTIONS} connections from another process, were all answered after ${(lockstep.editedMs / 1000).toFixed(2)} s); the bare broadcast sent ${bare.report.received} in ${(bare.ms / 1000).toFixed(2)} s`,
    },
    {
      name: 'server memory per idle subscription',
      value: lockstep.perSubscriptionBytes.heap / 1024,
      unit: 'KB',
      detail: `lower is better (goal: at most 50 KB); JS heap after GC, ${SUBSCRIBERS} subscriptions opened and registered; resident set ${kb(lockstep.perSubscriptionBytes.rss)} KB per subscription`,
    },
  ];
};
