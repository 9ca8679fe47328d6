// The child-process half of `edit-burst.ts`: takes one job, says it is ready, sends every chain at
// once when told to, checks every answer, reports the times and exits.
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { EditBurstJob, EditBurstReport } from './edit-burst.ts';
import { problemWith, type GraphQLOperation } from './ticket-operations.ts';

const now = () => performance.timeOrigin + performance.now();

const job = await new Promise<EditBurstJob>((resolve) =>
  process.on('message', (message: { type: string; job?: EditBurstJob }) => message.job && resolve(message.job)),
);
const agent = new Agent({ keepAlive: true, maxSockets: job.connections });
const endpoint = new URL(job.endpoint);
const errors: string[] = [];

function send(operation: GraphQLOperation): Promise<void> {
  const body = JSON.stringify(operation);
  return new Promise((resolve, reject) => {
    const headers = { 'content-type': 'application/json', accept: 'application/json', authorization: `Bearer ${job.token}`, 'content-length': Buffer.byteLength(body) };
    const outgoing = request(endpoint, { method: 'POST', agent, headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        const problem = response.statusCode === 200 ? problemWith(Buffer.concat(chunks).toString()) : `HTTP ${response.statusCode}`;
        if (problem !== undefined && errors.length < 5) errors.push(problem);
        resolve();
      });
      response.on('error', reject);
    });
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

async function runChain(chain: readonly GraphQLOperation[]): Promise<void> {
  for (const operation of chain) await send(operation);
}

await new Promise<void>((resolve) => {
  process.on('message', (message: { type: string }) => message.type === 'fire' && resolve());
  process.send?.({ type: 'ready' });
});
const startedAtMs = now();
try {
  await Promise.all(job.chains.map(runChain));
} catch (error) {
  errors.push(error instanceof Error ? error.message : String(error));
}
const report: EditBurstReport = { startedAtMs, answeredAtMs: now(), errors };
agent.destroy();
process.send?.({ type: 'done', report }, () => process.disconnect());
