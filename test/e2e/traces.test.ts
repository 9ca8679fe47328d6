// Traces as an operator follows them: a signed webhook from one project, the delivery applied in
// the inbound worker and the push to another project form one trace across
// the outbox and JetStream; a GraphQL mutation starts its own; with OTEL_EXPORTER_OTLP_ENDPOINT
// set, spans reach an OTLP/HTTP collector.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLockstep, type Lockstep } from '#infra/app.ts';
import { loadConfig } from '#infra/config.ts';
import { createLogger } from '#infra/logger.ts';
import { createGenericWebhookSimulator, type GenericWebhookSimulator } from '#simulators/generic-webhook/simulator.ts';
import { eventually } from '#test/support/eventually.ts';
import { createGraphQLClient, type GraphQLClient } from '#test/support/graphql-client.ts';
import { createTestEnvironment, environmentVariables, startInProcess, type TestEnvironment } from '#test/support/lockstep.ts';

const SECRET = 'receiver-secret';

interface Project {
  id: string;
  webhookUrl: string;
  webhookSecret: string;
}

describe('one trace from a webhook to the push it causes', () => {
  const exporter = new InMemorySpanExporter();
  let env: TestEnvironment;
  let app: Lockstep;
  let admin: GraphQLClient;
  let source: GenericWebhookSimulator;
  let target: GenericWebhookSimulator;

  beforeAll(async () => {
    source = createGenericWebhookSimulator({ secret: SECRET });
    target = createGenericWebhookSimulator({ secret: SECRET });
    await Promise.all([source.start(), target.start()]);
    env = createTestEnvironment();
    const config = loadConfig(environmentVariables(env));
    app = await startLockstep(config, createLogger('silent'), { spanProcessor: new SimpleSpanProcessor(exporter) });
    admin = createGraphQLClient(app.url, env.adminToken);
  });

  afterAll(async () => {
    await app?.stop();
    await Promise.all([source?.stop(), target?.stop()]);
    await env?.cleanup();
  });

  const connect = async (name: string, receiver: GenericWebhookSimulator) =>
    (await admin.run<{ connectExternalProject: { project: Project } }>(
      `mutation($input: ConnectExternalProjectInput!) { connectExternalProject(input: $input) { project { id webhookUrl webhookSecret } } }`,
      {
        input: {
          name,
          kind: 'GENERIC_WEBHOOK',
          direction: 'BIDIRECTIONAL',
          config: { targetUrl: receiver.url },
          credentials: { secret: SECRET },
          // A change made there wins, so the source's rename goes straight through.
          defaultStrategy: 'EXTERNAL_WINS',
        },
      },
    )).connectExternalProject.project;
  const link = (ticketId: string, projectId: string, externalId?: string) =>
    admin.run(`mutation($input: LinkTicketInput!) { linkTicket(input: $input) { pushJob { id } } }`, {
      input: { ticketId, projectId, ...(externalId ? { externalId } : {}) },
    });
  const spans = () => exporter.getFinishedSpans();
  const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;
  const updatesAt = (receiver: GenericWebhookSimulator, title: string) =>
    receiver.deliveries.filter((d) => d.event === 'ticket.updated' && (d.body as { ticket?: { title?: string } }).ticket?.title === title);

  it('spans the webhook, the apply and the push to the other project, each the child of the one before', async () => {
    const from = await connect('Source', source);
    const to = await connect('Target', target);
    const { createTicket } = await admin.run<{ createTicket: { ticket: { id: string } } }>(
      `mutation { createTicket(input: { title: "Followed across systems" }) { ticket { id } } }`,
    );
    const ticketId = createTicket.ticket.id;
    await link(ticketId, from.id, 'SRC-1');
    await link(ticketId, to.id);
    await eventually(async () => target.deliveries.filter((d) => d.event === 'ticket.created').length, (n) => n === 1);
    await eventually(async () => spans().filter((s) => s.name === 'push change').length, (n) => n >= 1);
    await new Promise((resolve) => setTimeout(resolve, 300));
    exporter.reset();

    expect(await source.sendChange({ webhookUrl: from.webhookUrl, secret: from.webhookSecret, externalId: 'SRC-1', fields: { title: 'Renamed at the source' } })).toBe(202);
    await eventually(async () => updatesAt(target, 'Renamed at the source').length, (n) => n === 1);
    const webhook = spans().find((s) => s.name === 'receive webhook');
    expect(webhook?.attributes['http.response.status_code']).toBe(202);
    const traceId = webhook?.spanContext().traceId;
    const inTrace = () => spans().filter((s) => s.spanContext().traceId === traceId);
    // The apply plans the other project's push in its own transaction; the push runs from JetStream.
    const toTarget = (s: ReadableSpan) => s.name === 'push change' && s.attributes['messaging.destination.name'] === `${env.prefix}.events.push.${to.id}.requested`;
    await eventually(async () => inTrace().some(toTarget), Boolean);
    const apply = inTrace().find((s) => s.name === 'apply delivery');
    const push = inTrace().find(toTarget);
    expect(apply && parentOf(apply)).toBe(webhook?.spanContext().spanId);
    expect(push && parentOf(push)).toBe(apply?.spanContext().spanId);
    expect(push?.attributes['messaging.system']).toBe('nats');
  });

  it('names a GraphQL operation’s span and carries its trace to the pushes', async () => {
    exporter.reset();
    const { tickets } = await admin.run<{ tickets: { edges: Array<{ node: { id: string } }> } }>(`{ tickets(first: 1) { edges { node { id } } } }`);
    const id = tickets.edges[0]?.node.id;
    await admin.run(`mutation Rename($id: ID!) { updateTicket(input: { id: $id, title: "Renamed in GraphQL" }) { ticket { id } } }`, { id });
    await eventually(async () => updatesAt(target, 'Renamed in GraphQL').length + updatesAt(source, 'Renamed in GraphQL').length, (n) => n === 2);
    const operation = spans().find((s) => s.name === 'graphql mutation Rename');
    expect(operation?.attributes['graphql.operation.name']).toBe('Rename');
    const traceId = operation?.spanContext().traceId;
    await eventually(async () => spans().filter((s) => s.name === 'push change' && s.spanContext().traceId === traceId).length, (n) => n === 2);
  });
});

describe('OTLP export', () => {
  let collector: Server;
  const received: Array<{ path: string; body: string }> = [];

  beforeAll(async () => {
    collector = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        received.push({ path: request.url ?? '', body });
        response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
  });

  afterAll(async () => {
    await new Promise((resolve) => collector?.close(resolve));
  });

  it('sends spans to OTEL_EXPORTER_OTLP_ENDPOINT/v1/traces', async () => {
    const env = createTestEnvironment();
    const { port } = collector.address() as AddressInfo;
    const lockstep = await startInProcess(env, { OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}` });
    try {
      await lockstep.admin.run(`query Exported { tickets(first: 1) { edges { cursor } } }`);
    } finally {
      await lockstep.stop(); // flushes the batch
      await env.cleanup();
    }
    const traces = received.filter((request) => request.path === '/v1/traces');
    expect(traces.length).toBeGreaterThan(0);
    const exported = traces.map((request) => request.body).join('\n');
    expect(exported).toContain('graphql query Exported');
    expect(exported).toContain('lockstep');
  });
});
