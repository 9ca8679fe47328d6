// The floors the Jira latency figures are compared with, measured at the same offered rate:
// - inbound: the very webhook bodies the simulator sent, signed the same way (`X-Hub-Signature`),
//   POSTed to a loopback server that only checks the signature and answers 202 — one signed hop;
// - outbound: the same summary edits sent straight to a fresh Jira simulator as one
//   `PUT /rest/api/3/issue/{key}` each, timed until answered — the one call a push cannot avoid.
// Each is timed from the start of the send to the answer, on the bench's monotonic clock.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { createJiraSimulator } from '#simulators/jira/simulator.ts';
import { signatureHeader, verifySignatureHeader } from '#adapters/shared/signatures.ts';
import { runAtFixedRate } from './fixed-rate.ts';

/** Round trips of one baseline; `problems` lists every send not answered as expected. */
export interface BaselineRun {
  readonly latencies: readonly number[];
  readonly problems: readonly string[];
}

/** POSTs `bodies` signed to a signature-checking loopback server, `perSecond` of them each second. */
export async function measureSignedPosts(bodies: readonly string[], perSecond: number): Promise<BaselineRun> {
  const secret = `bench-${randomUUID()}`;
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const header = request.headers['x-hub-signature'];
      const valid = verifySignatureHeader(typeof header === 'string' ? header : undefined, Buffer.concat(chunks), [secret]);
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
      const headers = { 'content-type': 'application/json', 'x-atlassian-webhook-identifier': randomUUID(), 'x-hub-signature': signatureHeader(secret, body) };
      const response = await fetch(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(10_000) });
      await response.arrayBuffer();
      return { ms: performance.now() - started, status: response.status };
    });
    const problems = run.results.filter((result) => result.status !== 202).map((result) => `signed POST answered ${result.status}`);
    return { latencies: run.results.map((result) => result.ms), problems };
  } finally {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await closed;
  }
}

/** Sends `summaries` as edits of `issues` issues of a fresh simulator, round robin, `perSecond` a second. */
export async function measureSimulatorEdits(summaries: readonly string[], issues: number, perSecond: number): Promise<BaselineRun> {
  const jira = createJiraSimulator({ projectKey: 'OPS' });
  const baseUrl = await jira.start();
  try {
    const keys = jira.seed(issues).map((issue) => issue.key);
    const authorization = `Basic ${Buffer.from('bot@example.com:api-token').toString('base64')}`;
    const run = await runAtFixedRate({ count: summaries.length, perSecond }, async (index) => {
      const key = keys[index % keys.length] ?? '';
      const summary = summaries[index] ?? '';
      const started = performance.now();
      const response = await fetch(`${baseUrl}/rest/api/3/issue/${key}`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json', accept: 'application/json', authorization },
        body: JSON.stringify({ fields: { summary } }),
        signal: AbortSignal.timeout(10_000),
      });
      await response.arrayBuffer();
      const ms = performance.now() - started;
      const applied = jira.issue(key)?.summary === summary;
      return { ms, problem: response.status !== 204 || !applied ? `PUT ${key} answered ${response.status}, summary ${applied ? '' : 'not '}applied` : undefined };
    });
    return { latencies: run.results.map((result) => result.ms), problems: run.results.flatMap((result) => (result.problem ? [result.problem] : [])) };
  } finally {
    await jira.stop();
  }
}
