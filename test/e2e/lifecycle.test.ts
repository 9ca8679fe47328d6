// Starting and stopping: data survives a restart, bad configuration stops the start with one
// clear line, a generated admin token is printed once, and SIGTERM drains and exits 0.
import { afterAll, describe, expect, it } from 'vitest';
import { query } from '#test/support/databases.ts';
import {
  createTestEnvironment,
  environmentVariables,
  runMain,
  startChild,
  startInProcess,
  type TestEnvironment,
} from '#test/support/lockstep.ts';

const environments: TestEnvironment[] = [];
function environment(): TestEnvironment {
  const env = createTestEnvironment();
  environments.push(env);
  return env;
}

afterAll(async () => {
  await Promise.all(environments.map((env) => env.cleanup()));
});

describe('restart', () => {
  it('keeps tickets across a restart', async () => {
    const env = environment();
    const first = await startInProcess(env);
    const created = await first.admin.run<{ createTicket: { ticket: { id: string; version: string } } }>(
      `mutation { createTicket(input: { title: "Survives", labels: ["keep"] }) { ticket { id version } } }`,
    );
    await first.stop();
    const second = await startInProcess(env);
    try {
      const read = await second.admin.run<{ ticket: { title: string; labels: string[]; version: string } }>(
        `query($id: ID!) { ticket(id: $id) { title labels version } }`,
        { id: created.createTicket.ticket.id },
      );
      expect(read.ticket).toEqual({ title: 'Survives', labels: ['keep'], version: created.createTicket.ticket.version });
    } finally {
      await second.stop();
    }
  });
});

describe('configuration', () => {
  it.each([
    ['PORT', 'not-a-port', /PORT must be an integer between 0 and 65535 \(got "not-a-port"\)/],
    ['DATABASE_URL', 'mysql://localhost/x', /DATABASE_URL must be a URL starting with postgres:\/\/ or postgresql:\/\//],
    ['LOG_LEVEL', 'loud', /LOG_LEVEL/],
    ['LOCKSTEP_ADMIN_TOKEN', 'short', /LOCKSTEP_ADMIN_TOKEN must be at least 16 characters$/m],
  ])('stops with one clear line when %s is bad', async (variable, value, message) => {
    const env = environment();
    const { code, output } = await runMain({ ...environmentVariables(env), [variable]: value });
    expect(code).toBe(2);
    expect(output.trim().split('\n')).toHaveLength(1);
    expect(output).toMatch(message);
  });

  it('never echoes a secret it refuses', async () => {
    const env = environment();
    const { code, output } = await runMain({ ...environmentVariables(env), LOCKSTEP_SECRET_KEY: 'tiny-secret-value' });
    expect(code).toBe(2);
    expect(output).toMatch(/LOCKSTEP_SECRET_KEY must be at least 32 characters/);
    expect(output).not.toContain('tiny-secret-value');
  });

  it('requires LOCKSTEP_SECRET_KEY in production', async () => {
    const env = environment();
    const { code, output } = await runMain({ ...environmentVariables(env), NODE_ENV: 'production' });
    expect(code).toBe(2);
    expect(output).toMatch(/LOCKSTEP_SECRET_KEY is required when NODE_ENV=production/);
  });
});

describe('first start without LOCKSTEP_ADMIN_TOKEN', () => {
  it('generates an admin token, prints it once, and it works', async () => {
    const env = environment();
    const variables = { LOCKSTEP_ADMIN_TOKEN: '' };
    const first = await startChild(env, variables);
    let token: string | undefined;
    try {
      // Printed right after the "listening" line, so it may still be on its way.
      for (let i = 0; i < 50 && token === undefined; i += 1) {
        token = /generated an admin token[^\n]*\n\n\s+(lst_\S+)/.exec(first.output())?.[1];
        if (token === undefined) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(token).toBeDefined();
      const viewer = await first.client(token ?? '').run<{ viewer: { role: string } }>('{ viewer { role } }');
      expect(viewer.viewer.role).toBe('ADMIN');
    } finally {
      await first.kill('SIGTERM');
    }
    const second = await startChild(env, variables);
    try {
      expect(second.output()).not.toMatch(/generated an admin token/);
      expect(await second.client(token ?? '').run('{ viewer { role } }')).toEqual({ viewer: { role: 'ADMIN' } });
    } finally {
      await second.kill('SIGTERM');
    }
  });
});

describe('graceful shutdown', () => {
  it('on SIGTERM finishes, publishes what it committed, and exits 0', async () => {
    const env = environment();
    const child = await startChild(env);
    const writes = Array.from({ length: 20 }, (_, i) =>
      child.admin.run(`mutation($t: String!) { createTicket(input: { title: $t }) { ticket { id } } }`, { t: `Ticket ${i}` }),
    );
    await Promise.all(writes);
    const code = await child.kill('SIGTERM');
    expect(code).toBe(0);
    expect(child.output()).toMatch(/"msg":"stopped"/);
    const pending = await query<{ n: string }>(env.databaseUrl, 'select count(*) as n from outbox where published_at is null');
    expect(Number(pending[0]?.n)).toBe(0);
    const tickets = await query<{ n: string }>(env.databaseUrl, 'select count(*) as n from tickets');
    expect(Number(tickets[0]?.n)).toBe(20);
  });
});
