// What /graphql and /metrics do with requests before any resolver runs: the token is checked
// first (no field names leak to callers without one), bodies are bounded, /metrics can require a
// token, and HOST chooses the address Lockstep listens on.
import { describe, expect, it } from 'vitest';
import { createTestEnvironment, startInProcess, useLockstep } from '#test/support/lockstep.ts';

const metricsToken = 'metrics-token-0123456789abcdef';
const suite = useLockstep({ LOCKSTEP_METRICS_TOKEN: metricsToken, LOCKSTEP_MAX_REQUEST_BYTES: '65536' });

async function post(body: string, token?: string): Promise<{ status: number; text: string }> {
  const response = await fetch(`${suite.lockstep.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body,
  });
  return { status: response.status, text: await response.text() };
}

describe('/graphql', () => {
  it('checks the token before validating, so a caller without one learns no field names', async () => {
    const misspelt = JSON.stringify({ query: '{ tickts(first: 1) { edges { node { id } } } }' });
    for (const token of [undefined, 'lst_not-a-real-token']) {
      const answer = await post(misspelt, token);
      expect(answer.status).toBe(401);
      expect(answer.text).not.toMatch(/tickets|Did you mean/);
      expect(JSON.parse(answer.text).errors[0].extensions.code).toBe('UNAUTHENTICATED');
    }
    // A malformed document without a token is refused for the token, not parsed.
    const garbage = await post(JSON.stringify({ query: '{ {{{' }));
    expect(garbage.status).toBe(401);
  });

  it('refuses a body above LOCKSTEP_MAX_REQUEST_BYTES with 413 and keeps serving', async () => {
    const padding = 'x'.repeat(70_000);
    const big = await post(JSON.stringify({ query: `{ viewer { name } } # ${padding}` }), suite.env.adminToken);
    expect(big.status).toBe(413);
    expect(JSON.parse(big.text).errors[0].message).toMatch(/larger than 65536 bytes/);
    const fine = await suite.lockstep.admin.run<{ viewer: { role: string } }>('{ viewer { role } }');
    expect(fine.viewer.role).toBe('ADMIN');
  });

  it('still serves GraphiQL to a browser without a token', async () => {
    const page = await fetch(`${suite.lockstep.url}/graphql`, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/Lockstep/);
  });
});

describe('/metrics', () => {
  it('answers only the metrics token when LOCKSTEP_METRICS_TOKEN is set', async () => {
    const anonymous = await fetch(`${suite.lockstep.url}/metrics`);
    expect(anonymous.status).toBe(401);
    const wrong = await fetch(`${suite.lockstep.url}/metrics`, { headers: { authorization: `Bearer ${suite.env.adminToken}` } });
    expect(wrong.status).toBe(401);
    const right = await fetch(`${suite.lockstep.url}/metrics`, { headers: { authorization: `Bearer ${metricsToken}` } });
    expect(right.status).toBe(200);
    expect(await right.text()).toMatch(/lockstep_/);
  });
});

describe('HOST', () => {
  it('binds the address it names and no other', async () => {
    const env = createTestEnvironment();
    const other = await startInProcess(env, { HOST: '127.0.0.2' });
    try {
      const port = new URL(other.url).port;
      expect(new URL(other.url).hostname).toBe('127.0.0.2');
      expect((await fetch(`http://127.0.0.2:${port}/healthz`)).status).toBe(200);
      await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow('fetch failed');
    } finally {
      await other.stop();
      await env.cleanup();
    }
  });
});
