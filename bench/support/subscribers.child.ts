// The child-process half of `subscribers.ts`: opens the sockets and subscriptions of one job,
// counts messages per subscriber, and reports when every subscriber has what it expects.
import { once } from 'node:events';
import { performance } from 'node:perf_hooks';
import { createClient, type Client } from 'graphql-ws';
import { WebSocket } from 'ws';
import type { SubscribersJob, SubscribersReport } from './subscribers.ts';

const [job] = (await once(process, 'message')) as [SubscribersJob];
const now = () => performance.timeOrigin + performance.now();

let received = 0;
let outstanding = 0;
const errors: string[] = [];
const samples: string[] = job.groups.map(() => '');
const clients: Array<Client | WebSocket> = [];

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

async function openGraphqlWs(): Promise<void> {
  let socket: Client | undefined;
  let onSocket = 0;
  let sockets = 0;
  for (const [index, group] of job.groups.entries()) {
    for (let n = 0; n < group.count; n += 1) {
      if (!socket || onSocket === job.perSocket) {
        const token = job.tokens[sockets % job.tokens.length] ?? '';
        socket = createClient({ url: `${job.url}/graphql`, webSocketImpl: WebSocket, lazy: false, retryAttempts: 0, connectionParams: { authorization: `Bearer ${token}` } });
        clients.push(socket);
        sockets += 1;
        onSocket = 0;
      }
      const count = counter(index, group.expectedEach);
      socket.subscribe(
        { query: group.query ?? '', variables: group.variables ?? {} },
        { next: (value) => count(JSON.stringify(value)), error: (error) => void errors.push(String(error instanceof Error ? error.message : JSON.stringify(error))), complete: () => undefined },
      );
      onSocket += 1;
    }
  }
}

async function openPlainWs(): Promise<void> {
  const opening: Array<Promise<unknown>> = [];
  for (const [index, group] of job.groups.entries()) {
    for (let n = 0; n < group.count; n += 1) {
      const socket = new WebSocket(`${job.url}${group.path ?? '/'}`);
      clients.push(socket);
      const count = counter(index, group.expectedEach);
      socket.on('message', (data) => count(data.toString()));
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
