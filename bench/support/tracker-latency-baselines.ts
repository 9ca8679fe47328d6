// The floors a tracker's latency figures are compared with, measured at the same offered rate:
// - inbound: the very delivery bodies the simulator sent, proven the same way (a signature header,
//   or ServiceNow's `?secret=`), POSTed to a loopback server that only checks the proof with the
//   tracker's own check and answers 202 — one proven hop;
// - outbound: the same title edits sent straight to a fresh simulator as the tracker's one update
//   call each, timed until answered — the one call a push cannot avoid.
// Each is timed from the start of the send to the answer, on the bench's monotonic clock.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { runAtFixedRate } from './fixed-rate.ts';
import type { TrackerDriver } from './tracker-driver.ts';

/** Round trips of one baseline; `problems` lists every send not answered as expected. */
export interface BaselineRun {
  readonly latencies: readonly number[];
  readonly problems: readonly string[];
}

/** The headers of `request` as the connectors' checks take them. */
function headersOf(request: IncomingMessage): Record<string, string | undefined> {
  return Object.fromEntries(Object.entries(request.headers).map(([name, value]) => [name, Array.isArray(value) ? value.join(', ') : value]));
}

/** POSTs `bodies` proven as `driver`'s tracker proves them to a checking loopback server, `perSecond` of them each second. */
export async function measureProvenPosts(driver: TrackerDriver, bodies: readonly string[], perSecond: number): Promise<BaselineRun> {
  const secret = `bench-${randomUUID()}`;
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const query = Object.fromEntries(new URL(request.url ?? '/', 'http://loopback').searchParams);
      const valid = driver.deliveryValid({ headers: headersOf(request), query, rawBody: Buffer.concat(chunks) }, secret);
      response.writeHead(valid ? 202 : 401).end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook`;
  try {
    const run = await runAtFixedRate({ count: bodies.length, perSecond }, async (index) => {
      const body = bodies[index] ?? '';
      const started = performance.now();
      const proof = driver.deliveryProof(secret, body);
      const target = new URL(url);
      for (const [name, value] of Object.entries(proof.query)) target.searchParams.set(name, value);
      const response = await fetch(target, { method: 'POST', headers: proof.headers, body, signal: AbortSignal.timeout(10_000) });
      await response.arrayBuffer();
      return { ms: performance.now() - started, status: response.status };
    });
    const problems = run.results.filter((result) => result.status !== 202).map((result) => `proven POST answered ${result.status}`);
    return { latencies: run.results.map((result) => result.ms), problems };
  } finally {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await closed;
  }
}

/** Sends `titles` as direct edits of `items` items of a fresh simulator, round robin, `perSecond` a second. */
export async function measureDirectEdits(driver: TrackerDriver, titles: readonly string[], items: number, perSecond: number): Promise<BaselineRun> {
  const simulator = await driver.start();
  try {
    const ids = await simulator.seed(items, driver.seededTitle);
    const run = await runAtFixedRate({ count: titles.length, perSecond }, async (index) => {
      const id = ids[index % ids.length] ?? '';
      const title = titles[index] ?? '';
      const request = simulator.directRetitle(id, title);
      const started = performance.now();
      const response = await fetch(request.url, {
        method: request.method,
        headers: request.headers,
        body: request.body,
        signal: AbortSignal.timeout(10_000),
      });
      await response.arrayBuffer();
      const ms = performance.now() - started;
      const applied = simulator.titleOf(id)?.title === title;
      const problem = response.status !== request.okStatus || !applied ? `${request.method} ${id} answered ${response.status}, title ${applied ? '' : 'not '}applied` : undefined;
      return { ms, problem };
    });
    return { latencies: run.results.map((result) => result.ms), problems: run.results.flatMap((result) => (result.problem ? [result.problem] : [])) };
  } finally {
    await simulator.stop();
  }
}
