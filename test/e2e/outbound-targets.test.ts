// With LOCKSTEP_ALLOW_PRIVATE_TARGETS off (the production default), an admin cannot point a
// connector at loopback, private or link-local addresses: connecting or updating is refused with
// BAD_USER_INPUT naming the config key, and nothing is stored.
import { describe, expect, it } from 'vitest';
import { query } from '#test/support/databases.ts';
import { useLockstep } from '#test/support/lockstep.ts';

const suite = useLockstep({ LOCKSTEP_ALLOW_PRIVATE_TARGETS: 'false' });
const CONNECT = `mutation($input: ConnectExternalProjectInput!) { connectExternalProject(input: $input) { project { id } } }`;

const connect = (kind: string, config: Record<string, unknown>, credentials: Record<string, unknown>) =>
  suite.lockstep.admin.request(CONNECT, { input: { name: 'Nosy', kind, direction: 'PUSH', config, credentials } });

describe('outbound targets', () => {
  it('refuses loopback, private and metadata addresses for every connector URL', async () => {
    const attempts = [
      connect('GENERIC_WEBHOOK', { targetUrl: 'http://127.0.0.1:6379/' }, { secret: 'x'.repeat(20) }),
      connect('GENERIC_WEBHOOK', { targetUrl: 'http://169.254.169.254/latest/meta-data/' }, { secret: 'x'.repeat(20) }),
      connect('GENERIC_WEBHOOK', { targetUrl: 'http://localhost:5432/' }, { secret: 'x'.repeat(20) }),
      connect('JIRA', { baseUrl: 'http://10.0.0.7/', projectKey: 'OPS' }, { email: 'a@example.com', apiToken: 'secret' }),
    ];
    for (const answer of await Promise.all(attempts)) {
      expect(answer.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
      expect(answer.errors?.[0]?.message).toMatch(/config\.(targetUrl|baseUrl): .* loopback, private or link-local/);
    }
    expect(await query(suite.env.databaseUrl, 'select id from external_projects')).toEqual([]);
  });
});
