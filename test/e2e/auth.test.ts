// Who may do what: no token is refused, each role gets exactly its rights, tokens are stored
// hashed, and oversized queries are refused before they run.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { query } from '#test/support/databases.ts';
import { createGraphQLClient } from '#test/support/graphql-client.ts';
import { useLockstep } from '#test/support/lockstep.ts';

const suite = useLockstep();

const ISSUE = `mutation($input: CreateApiTokenInput!) { createApiToken(input: $input) { token role name } }`;
const CREATE = `mutation { createTicket(input: { title: "From a script" }) { ticket { id } } }`;

async function tokenFor(role: string): Promise<string> {
  const data = await suite.lockstep.admin.run<{ createApiToken: { token: string; role: string } }>(ISSUE, { input: { name: `${role} bot`, role } });
  expect(data.createApiToken.role).toBe(role);
  return data.createApiToken.token;
}

describe('authentication', () => {
  it('refuses a request without a token, or with an unknown one, with 401', async () => {
    const anonymous = await createGraphQLClient(suite.lockstep.url, undefined).request('{ viewer { name } }');
    expect(anonymous.status).toBe(401);
    expect(anonymous.errors?.[0]?.message).toMatch(/Missing bearer token/);
    const unknown = await createGraphQLClient(suite.lockstep.url, 'lst_not-a-real-token').request('{ viewer { name } }');
    expect(unknown.status).toBe(401);
    expect(unknown.errors?.[0]?.extensions?.['code']).toBe('UNAUTHENTICATED');
  });

  it('stores tokens hashed and shows them once', async () => {
    const token = await tokenFor('VIEWER');
    const rows = await query<{ token_hash: string; name: string }>(suite.env.databaseUrl, 'select token_hash, name from api_tokens');
    expect(rows).toHaveLength(2);
    expect(rows.map((row) => row.token_hash)).toContain(createHash('sha256').update(token).digest('hex'));
    expect(JSON.stringify(rows)).not.toContain(token);
    const viewer = await suite.lockstep.client(token).run<{ viewer: { role: string } }>('{ viewer { role } }');
    expect(viewer.viewer.role).toBe('VIEWER');
  });
});

describe('roles', () => {
  it('lets a viewer read but not mutate', async () => {
    const viewer = suite.lockstep.client(await tokenFor('VIEWER'));
    expect(await viewer.run('{ tickets(first: 1) { edges { node { id } } } }')).toBeTruthy();
    const denied = await viewer.request(CREATE);
    expect(denied.errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');
    expect(await query(suite.env.databaseUrl, 'select id from tickets')).toEqual([]);
  });

  it('lets an editor edit tickets but neither resolve conflicts nor issue tokens', async () => {
    const editor = suite.lockstep.client(await tokenFor('EDITOR'));
    expect(await editor.run(CREATE)).toBeTruthy();
    const resolve = await editor.request(
      `mutation { resolveConflict(input: { conflictId: "00000000-0000-4000-8000-000000000000", value: "x" }) { conflict { id } } }`,
    );
    expect(resolve.errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');
    const issue = await editor.request(ISSUE, { input: { name: 'sneaky', role: 'ADMIN' } });
    expect(issue.errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');
  });

  it('lets a reviewer reach resolveConflict (and be told when the conflict does not exist)', async () => {
    const reviewer = suite.lockstep.client(await tokenFor('REVIEWER'));
    const resolve = await reviewer.request(
      `mutation { resolveConflict(input: { conflictId: "00000000-0000-4000-8000-000000000000", value: "x" }) { conflict { id } } }`,
    );
    expect(resolve.errors?.[0]?.extensions?.['code']).toBe('NOT_FOUND');
  });

  it('refuses a token issue with an empty name', async () => {
    const bad = await suite.lockstep.admin.request(ISSUE, { input: { name: ' ', role: 'VIEWER' } });
    expect(bad.errors?.[0]?.message).toMatch(/must not be empty/);
  });
});

describe('query limits', () => {
  it('refuses a query deeper than the limit before running it', async () => {
    const deep = `{ tickets(first: 1) { edges { node { openConflicts { ticket { openConflicts { ticket { openConflicts { ticket { openConflicts { id } } } } } } } } } } }`;
    const result = await suite.lockstep.admin.request(deep);
    expect(result.errors?.[0]?.message).toMatch(/depth/i);
  });

  it('refuses a query whose cost is above the limit', async () => {
    const aliases = Array.from({ length: 30 }, (_, i) => `a${i}: tickets(first: 100) { edges { node { id title labels } } }`).join('\n');
    const result = await suite.lockstep.admin.request(`{ ${aliases} }`);
    expect(result.errors?.[0]?.message).toMatch(/complexity|breadth/i);
  });
});
