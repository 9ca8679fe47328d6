// `npm run bench -- subscriptions`: 1,000 graphql-ws subscribers of one Lockstep process (500 on
// `ticketChanged` of ten tickets, 500 on `conflictDetected`), fed ROUNDS rounds of ten ticket
// edits and one conflict each, all sent at once. Reports deliveries per second from the first edit to the last
// delivery, beside a bare `ws` server broadcasting the very same messages to the same 1,000
// sockets, and the server's memory per idle subscription. The subscribers live in a child process
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
import { startSubscribers, type SubscriberGroup, type SubscribersReport } from './support/subscribers.ts';

const TICKETS = 10;
const PER_TICKET = 50;
const CONFLICT_WATCHERS = 500;
const SUBSCRIBERS = TICKETS * PER_TICKET + CONFLICT_WATCHERS;
const ROUNDS = 20;
const DELIVERIES = SUBSCRIBERS * ROUNDS;
const LIMIT_MS = 120_000;

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

async function measureLockstep(): Promise<LockstepRun> {
  await using lockstep = await startBenchLockstep({ LOCKSTEP_MAX_SUBSCRIPTIONS_PER_TOKEN: String(SUBSCRIBERS * 2) });
  const admin = createAdminClient(lockstep.url, lockstep.adminToken);
  const watched = await createTickets(admin, TICKETS, 'Watched');
  const contended = await createTickets(admin, ROUNDS, 'Contended');
  const groups: SubscriberGroup[] = [
    ...watched.map((ticket) => ({ count: PER_TICKET, query: WATCH, variables: { id: ticket.id }, expectedEach: ROUNDS })),
    { count: CONFLICT_WATCHERS, query: CONFLICTS, expectedEach: ROUNDS },
  ];
  const before = await settledMemory();
  const subscribers = startSubscribers({ mode: 'graphql-ws', url: lockstep.url.replace(/^http/, 'ws'), tokens: [lockstep.adminToken], perSocket: 50, groups });
  try {
    await subscribers.opened;
    const deadline = Date.now() + 30_000;
    for (;;) {
      const count = await listening(lockstep.url);
      // Without the gauge (older builds), give the subscriptions a few seconds to register.
      if (Number.isNaN(count)) {
        await new Promise((resolve) => setTimeout(resolve, 5_000));
        break;
      }
      if (count >= SUBSCRIBERS) break;
      if (Date.now() > deadline) throw new Error(`subscriptions bench: only ${count} of ${SUBSCRIBERS} subscriptions registered`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const after = await settledMemory();
    // Every edit at once (only a conflict's two writes in order), so the figure is the fan-out's,
    // not the time a client waits between edits; edits of one ticket queue on its row lock.
    const started = now();
    const edits = [
      ...watched.flatMap((ticket) =>
        Array.from({ length: ROUNDS }, (_, round) => admin.run(UPDATE, { id: ticket.id, title: `Watched round ${round}` })),
      ),
      ...contended.map(async (conflict, round) => {
        await admin.run(UPDATE, { id: conflict.id, title: `Contended round ${round}: first` });
        await admin.run(UPDATE, { id: conflict.id, title: `Contended round ${round}: second`, v: conflict.version });
      }),
    ];
    await Promise.all(edits);
    const editedMs = now() - started;
    const report = await subscribers.done(LIMIT_MS);
    return {
      report,
      ms: report.lastAtMs - started,
      editedMs,
      perSubscriptionBytes: { heap: (after.heap - before.heap) / SUBSCRIBERS, rss: (after.rss - before.rss) / SUBSCRIBERS },
    };
  } finally {
    subscribers.stop();
  }
}

/** A bare `ws` server sending the same message bodies to the same sockets, in the same rounds. */
async function measureBareBroadcast(samples: readonly string[]): Promise<{ report: SubscribersReport; ms: number }> {
  const server = createServer();
  const sockets = new WebSocketServer({ server });
  const byPath = new Map<string, WebSocket[]>();
  sockets.on('connection', (socket, request) => {
    const path = request.url ?? '/';
    byPath.set(path, [...(byPath.get(path) ?? []), socket]);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const groups: SubscriberGroup[] = [
    ...Array.from({ length: TICKETS }, (_, index) => ({ count: PER_TICKET, path: `/t${index}`, expectedEach: ROUNDS })),
    { count: CONFLICT_WATCHERS, path: '/c', expectedEach: ROUNDS },
  ];
  const subscribers = startSubscribers({ mode: 'ws', url, tokens: [], perSocket: 1, groups });
  try {
    await subscribers.opened;
    while ([...byPath.values()].reduce((sum, list) => sum + list.length, 0) < SUBSCRIBERS) await new Promise((resolve) => setTimeout(resolve, 20));
    // The same bytes graphql-ws sends: a `next` message around each sample payload.
    const envelope = (payload: string | undefined) => `{"id":"00000000-0000-4000-8000-000000000000","type":"next","payload":${payload ?? '{}'}}`;
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
        `from the first edit to the last delivery (the ${ROUNDS * (TICKETS + 2)} edits, sent at once, were all answered after ${(lockstep.editedMs / 1000).toFixed(2)} s); the bare broadcast sent ${bare.report.received} in ${(bare.ms / 1000).toFixed(2)} s`,
    },
    {
      name: 'server memory per idle subscription',
      value: lockstep.perSubscriptionBytes.heap / 1024,
      unit: 'KB',
      detail: `lower is better (goal: at most 50 KB); JS heap after GC, ${SUBSCRIBERS} subscriptions opened and registered; resident set ${kb(lockstep.perSubscriptionBytes.rss)} KB per subscription`,
    },
  ];
};
