// Logs as people and log shippers read them: `npm start` writes JSON lines when stdout is a pipe
// and readable lines on a terminal, and every line about a change names its ticket, project and
// delivery.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGenericWebhookSimulator, type GenericWebhookSimulator } from '#simulators/generic-webhook/simulator.ts';
import { eventually } from '#test/support/eventually.ts';
import { createTestEnvironment, environmentVariables, runMain, startChild, type ChildLockstep, type TestEnvironment } from '#test/support/lockstep.ts';
import { freePort } from '#test/support/nats-server.ts';

const SCRIPT = '/usr/bin/script';
const SECRET = 'receiver-secret';

type LogLine = Record<string, unknown> & { msg: string };

/** Runs `node src/infra/main.ts` on a pseudo-terminal (util-linux `script`) until it exits. */
function runMainOnTerminal(variables: Record<string, string>): Promise<string> {
  const command = `${process.execPath} src/infra/main.ts`;
  const child = spawn(SCRIPT, ['-qfec', command, '/dev/null'], { env: { PATH: process.env['PATH'] ?? '', TERM: 'xterm', ...variables } });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve) => child.once('exit', () => resolve(output)));
}

describe('the log format', () => {
  const env = createTestEnvironment();
  afterAll(() => env.cleanup());

  it('is one JSON object per line on a pipe and readable lines on a terminal', async (context) => {
    // A database nobody listens on: Lockstep logs why it cannot start, and exits.
    const variables = environmentVariables(env, { DATABASE_URL: `postgres://postgres@127.0.0.1:${await freePort()}/x`, LOG_LEVEL: 'info' });
    const piped = await runMain(variables, 45_000);
    const lines = piped.output.split('\n').filter((line) => line.startsWith('{'));
    expect(lines.length).toBeGreaterThan(0);
    const fatal = lines.map((line) => JSON.parse(line) as LogLine).find((line) => line.msg === 'Lockstep could not start');
    expect(fatal).toMatchObject({ level: 60, service: 'lockstep' });

    if (!existsSync(SCRIPT)) context.skip(`${SCRIPT} (util-linux) is absent: cannot give Lockstep a terminal to check pretty logs`);
    const shown = await runMainOnTerminal(variables);
    expect(shown).toMatch(/FATAL.*Lockstep could not start/);
    expect(shown).not.toMatch(/^\{"level"/m);
  });
});

describe('change log lines', () => {
  let env: TestEnvironment;
  let lockstep: ChildLockstep;
  let receiver: GenericWebhookSimulator;

  beforeAll(async () => {
    receiver = createGenericWebhookSimulator({ secret: SECRET });
    await receiver.start();
    env = createTestEnvironment();
    lockstep = await startChild(env);
  });

  afterAll(async () => {
    await lockstep?.stop();
    await receiver?.stop();
    await env?.cleanup();
  });

  const logLines = (): LogLine[] =>
    lockstep
      .output()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as LogLine);

  it('name the ticket, the project and the delivery, both ways', async () => {
    const connected = await lockstep.admin.run<{ connectExternalProject: { project: { id: string; webhookUrl: string; webhookSecret: string } } }>(
      `mutation($input: ConnectExternalProjectInput!) { connectExternalProject(input: $input) { project { id webhookUrl webhookSecret } } }`,
      { input: { name: 'Receiver', kind: 'GENERIC_WEBHOOK', direction: 'BIDIRECTIONAL', config: { targetUrl: receiver.url }, credentials: { secret: SECRET } } },
    );
    const project = connected.connectExternalProject.project;

    // In: a new item there becomes a ticket here.
    const status = await receiver.sendChange({
      webhookUrl: project.webhookUrl,
      secret: project.webhookSecret,
      externalId: 'EXT-7',
      deliveryId: 'delivery-in-7',
      fields: { title: 'Imported from the receiver' },
    });
    expect(status).toBe(202);
    const imported = await eventually(async () => logLines().find((line) => line.msg === 'ticket imported from project'), Boolean);
    expect(imported).toMatchObject({ projectId: project.id, deliveryId: 'delivery-in-7', ticketId: expect.any(String) });

    // Out: an edit here is pushed there under a delivery id of its own.
    const ticketId = String(imported?.['ticketId']);
    await lockstep.admin.run(`mutation($id: ID!) { updateTicket(input: { id: $id, status: RESOLVED }) { ticket { id } } }`, { id: ticketId });
    const pushed = await eventually(async () => logLines().find((line) => line.msg === 'change pushed' && line['ticketId'] === ticketId), Boolean);
    const delivered = receiver.deliveries.find((delivery) => delivery.event === 'ticket.updated');
    expect(pushed).toMatchObject({ projectId: project.id, ticketId, deliveryId: (delivered?.body as { deliveryId?: string } | undefined)?.deliveryId, fields: ['status'] });
  });
});
