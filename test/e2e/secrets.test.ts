// Secrets stay secret: a bad DATABASE_URL is reported without its password, credentials in
// NATS_URL never reach a log line, and a key rotation finishes: credentials sealed with a previous
// key are sealed again with the current one at start, so the old key can be dropped.
import { afterAll, describe, expect, it } from 'vitest';
import { createCredentialVault } from '#infra/crypto/credential-vault.ts';
import { query } from '#test/support/databases.ts';
import { startLockstep } from '#infra/app.ts';
import { loadConfig, secretsOf } from '#infra/config.ts';
import { createLogger } from '#infra/logger.ts';
import { createTestEnvironment, environmentVariables, runMain, startInProcess } from '#test/support/lockstep.ts';

const env = createTestEnvironment();
afterAll(() => env.cleanup());

describe('connection secrets in output', () => {
  it('never prints the password of a bad or unreachable DATABASE_URL', async () => {
    const password = 'hunter2-db-password';
    for (const databaseUrl of [`postgres://app:${password}@127.0.0.1:notaport/x`, `postgres://app:${password}@127.0.0.1:1/x`]) {
      const { code, output } = await runMain(environmentVariables(env, { DATABASE_URL: databaseUrl, LOG_LEVEL: 'info' }), 45_000);
      expect(code).not.toBe(0);
      expect(output).toMatch(/DATABASE_URL|could not start/);
      expect(output).not.toContain(password);
    }
  });

  it('logs neither the database password nor the NATS credentials of a running Lockstep', async () => {
    const dbPassword = 'db-password-in-url-7731';
    const natsPassword = 'nats-password-in-url-9924';
    const nats = new URL(env.natsUrl);
    nats.username = 'lockstep';
    nats.password = natsPassword;
    const config = loadConfig(
      environmentVariables(env, {
        // PostgreSQL trusts local connections and NATS has no users here, so both still connect.
        DATABASE_URL: env.databaseUrl.replace('postgres@', `postgres:${dbPassword}@`),
        NATS_URL: nats.toString(),
      }),
    );
    // The logger main.ts builds, writing to a buffer instead of stdout.
    let log = '';
    const sink = { write: (line: string) => void (log += line) };
    const app = await startLockstep(config, createLogger('debug', secretsOf(config), sink));
    try {
      expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
      await expect.poll(() => log).toContain('connected to NATS');
    } finally {
      await app.stop();
    }
    expect(log).toContain('lockstep:***@');
    expect(log).not.toContain(natsPassword);
    expect(log).not.toContain(dbPassword);
  });
});

describe('secret key rotation', () => {
  it('re-seals credentials sealed with the previous key at start', async () => {
    const oldKey = 'old-secret-key-0123456789abcdef0123456789';
    const newKey = 'new-secret-key-0123456789abcdef0123456789';
    const first = await startInProcess(env, { LOCKSTEP_SECRET_KEY: oldKey });
    await first.admin.run(
      `mutation($input: ConnectExternalProjectInput!) { connectExternalProject(input: $input) { project { id } } }`,
      { input: { name: 'Rotated', kind: 'GENERIC_WEBHOOK', direction: 'PUSH', config: { targetUrl: 'http://127.0.0.1:9/x' }, credentials: { secret: 'the-hook-secret' } } },
    );
    await first.stop();
    const sealed = async () => (await query<{ sealed_credentials: string }>(env.databaseUrl, 'select sealed_credentials from external_projects'))[0]?.sealed_credentials ?? '';
    expect((await sealed()).split('.')[1]).toBe(createCredentialVault(oldKey).currentKeyId);

    const second = await startInProcess(env, { LOCKSTEP_SECRET_KEY: newKey, LOCKSTEP_PREVIOUS_SECRET_KEYS: oldKey });
    await second.stop();
    const current = createCredentialVault(newKey);
    expect((await sealed()).split('.')[1]).toBe(current.currentKeyId);
    // The new key alone opens it: the old one can go.
    expect(current.open(await sealed())).toEqual({ secret: 'the-hook-secret' });
  });
});
