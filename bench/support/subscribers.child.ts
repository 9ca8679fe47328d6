// The child-process half of `subscribers.ts`: opens the sockets and subscriptions of one job,
// counts messages per subscriber, and reports when every subscriber has what it expects.
import { once } from 'node:events';
import { performance } from 'node:perf_hooks';
import { WebSocket } from 'ws';
import type { SubscribersJob, SubscribersReport } from './subscribers.ts';

const [job] = (await once(process, 'message')) as [SubscribersJob];
const now = () => performance.timeOrigin + performance.now();

let received = 0;
let outstanding = 0;
const errors: string[] = [];
const samples: string[] = job.groups.map(() => '');
const clients: WebSocket[] = [];

function counter(group: number, expected: number): (body: string) => void {
  let seen = 0;
  outstanding += 1;
  return (body) => {
    received += 1;
    seen += 1;
    if (!samples[group]) samples[group] = body;
    if (seen === expected) {
      outstanding -= 1;
      if (outstanding === 0) finish();
    }
  };
}

function finish(): void {
  const report: SubscribersReport = { received, lastAtMs: now(), errors: errors.slice(0, 5), samples };
  process.send?.({ type: 'done', report });
}

/**
 * graphql-transport-ws spoken directly on `ws` sockets (connection_init, subscribe, counting each
 * `next` by id), so the client does per message what the bare broadcast's client does (read and
 * parse a JSON frame) and the figure measures the server, not a client library.
 */
async function openGraphqlWs(): Promise<void> {
  const plan: Array<{ group: number; query: string; variables: Record<string, unknown>; expected: number }> = [];
  for (const [index, group] of job.groups.entries()) {
    for (let n = 0; n < group.count; n += 1) plan.push({ group: index, query: group.query ?? '', variables: group.variables ?? {}, expected: group.expectedEach });
  }
  const opening: Array<Promise<unknown>> = [];
  for (let first = 0, sockets = 0; first < plan.length; first += job.perSocket, sockets += 1) {
    const batch = plan.slice(first, first + job.perSocket);
    const token = job.tokens[sockets % job.tokens.length] ?? '';
    const socket = new WebSocket(`${job.url}/graphql`, 'graphql-transport-ws');
    clients.push(socket);
    const counters = new Map<string, (body: string) => void>();
    socket.on('error', (error) => void errors.push(error.message));
    socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } })));
    opening.push(
      new Promise<void>((resolve) => {
        socket.on('message', (data) => {
          const text = data.toString();
          const message = JSON.parse(text) as { type: string; id?: string; payload?: unknown };
          if (message.type === 'connection_ack') {
            for (const [n, entry] of batch.entries()) {
              const id = String(n);
              counters.set(id, counter(entry.group, entry.expected));
              socket.send(JSON.stringify({ id, type: 'subscribe', payload: { query: entry.query, variables: entry.variables } }));
            }
            resolve();
          } else if (message.type === 'next' && message.id !== undefined) counters.get(message.id)?.(text);
          else if (message.type === 'error') errors.push(JSON.stringify(message.payload));
          else if (message.type === 'ping') socket.send(JSON.stringify({ type: 'pong' }));
        });
      }),
    );
  }
  await Promise.all(opening);
}

async function openPlainWs(): Promise<void> {
  const opening: Array<Promise<unknown>> = [];
  for (const [index, group] of job.groups.entries()) {
    for (let n = 0; n < group.count; n += 1) {
      const socket = new WebSocket(`${job.url}${group.path ?? '/'}`);
      clients.push(socket);
      const count = counter(index, group.expectedEach);
      socket.on('message', (data) => {
        const text = data.toString();
        JSON.parse(text); // as the graphql-ws client does with every frame
        count(text);
      });
      socket.on('error', (error) => void errors.push(error.message));
      opening.push(once(socket, 'open'));
    }
  }
  await Promise.all(opening);
}

process.on('message', (message: { type?: string }) => {
  if (message.type === 'report') process.send?.({ type: 'failed', error: `received ${received}, ${outstanding} subscribers short; errors: ${errors.slice(0, 3).join('; ')}` });
});

try {
  await (job.mode === 'graphql-ws' ? openGraphqlWs() : openPlainWs());
  process.send?.({ type: 'opened' });
} catch (error) {
  process.send?.({ type: 'failed', error: String(error) });
}
