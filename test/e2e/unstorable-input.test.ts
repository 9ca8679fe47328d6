// Input PostgreSQL cannot store is refused with a clear BAD_USER_INPUT or 400 and changes nothing:
// NUL characters in a title, a filter or a webhook body, and lists above their caps. An internal
// error is masked, and the id the caller gets is the one in the log.
import { describe, expect, it } from 'vitest';
import { signatureHeader } from '#adapters/shared/signatures.ts';
import { query } from '#test/support/databases.ts';
import { startLockstep } from '#infra/app.ts';
import { loadConfig } from '#infra/config.ts';
import { createLogger } from '#infra/logger.ts';
import { createGraphQLClient } from '#test/support/graphql-client.ts';
import { createTestEnvironment, environmentVariables, useLockstep } from '#test/support/lockstep.ts';

const suite = useLockstep();
const CREATE = `mutation($input: CreateTicketInput!) { createTicket(input: $input) { ticket { id } } }`;
const nul = 'Disk\u0000full';

const tickets = () => query<{ title: string }>(suite.env.databaseUrl, 'select title from tickets');

describe('NUL characters', () => {
  it('are refused in a title, as a variable or a literal, and nothing is stored', async () => {
    const asVariable = await suite.lockstep.admin.request(CREATE, { input: { title: nul } });
    expect(asVariable.status).toBe(400);
    expect(asVariable.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
    expect(asVariable.errors?.[0]?.message).toMatch(/variables\.input\.title: contains a NUL character/);
    const asLiteral = await suite.lockstep.admin.request(`mutation { createTicket(input: { title: "Disk\\u0000full" }) { ticket { id } } }`);
    expect(asLiteral.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
    expect(await tickets()).toEqual([]);
  });

  it('are refused in a filter', async () => {
    const filtered = await suite.lockstep.admin.request('query($f: TicketFilter) { tickets(first: 5, filter: $f) { edges { node { id } } } }', {
      f: { text: nul },
    });
    expect(filtered.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
  });

  it('are refused in a webhook body with 400, and the inbox stays empty', async () => {
    const secret = 'unstorable-secret-0123456789';
    const connected = await suite.lockstep.admin.run<{ connectExternalProject: { project: { id: string; webhookUrl: string; webhookSecret: string } } }>(
      `mutation($input: ConnectExternalProjectInput!) { connectExternalProject(input: $input) { project { id webhookUrl webhookSecret } } }`,
      { input: { name: 'Inbound only', kind: 'GENERIC_WEBHOOK', direction: 'PULL', config: { targetUrl: 'http://127.0.0.1:9/unused' }, credentials: { secret } } },
    );
    const { webhookUrl, webhookSecret } = connected.connectExternalProject.project;
    const body = JSON.stringify({ deliveryId: 'd-nul', externalId: 'X-1', updatedAt: new Date().toISOString(), fields: { title: nul } });
    const answer = await fetch(webhookUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-lockstep-signature': signatureHeader(webhookSecret, body) },
      body,
    });
    expect(answer.status).toBe(400);
    expect(((await answer.json()) as { error: string }).error).toMatch(/title: .*NUL character/);
    expect(await query(suite.env.databaseUrl, 'select id from inbox')).toEqual([]);
  });
});

describe('list caps', () => {
  it('refuses more labels than a ticket holds, and input lists above the cap', async () => {
    const labels = Array.from({ length: 101 }, (_, i) => `l${i}`);
    const tooMany = await suite.lockstep.admin.request(CREATE, { input: { title: 'Labelled', labels } });
    expect(tooMany.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
    expect(tooMany.errors?.[0]?.message).toMatch(/at most 100 labels/);
    const huge = await suite.lockstep.admin.request(CREATE, { input: { title: 'Labelled', labels: Array.from({ length: 10_000 }, (_, i) => `l${i}`) } });
    expect(huge.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
    expect(huge.errors?.[0]?.message).toMatch(/at most 1000 items/);
    expect(await tickets()).toEqual([]);
  });
});

describe('masked internal errors', () => {
  it('carry an id that the log also holds', async () => {
    const env = createTestEnvironment();
    let log = '';
    const sink = { write: (line: string) => void (log += line) };
    const app = await startLockstep(loadConfig(environmentVariables(env)), createLogger('error', [], sink));
    try {
      await query(env.databaseUrl, 'alter table tickets rename to tickets_elsewhere');
      const failed = await createGraphQLClient(app.url, env.adminToken).request('{ tickets(first: 1) { edges { node { id } } } }');
      const error = failed.errors?.[0];
      expect(error?.extensions?.['code']).toBe('INTERNAL_SERVER_ERROR');
      const errorId = String(error?.extensions?.['errorId']);
      expect(errorId).toMatch(/^[0-9a-f-]{36}$/);
      expect(error?.message).toContain(errorId);
      expect(error?.message).not.toMatch(/tickets_elsewhere|relation/);
      await expect.poll(() => log).toContain(`"errorId":"${errorId}"`);
      expect(log).toMatch(/relation .*tickets.* does not exist/);
    } finally {
      await app.stop();
      await env.cleanup();
    }
  });
});
