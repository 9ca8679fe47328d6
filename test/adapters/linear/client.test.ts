import { LinearError, parseLinearError } from '@linear/sdk';
import { describe, expect, it } from 'vitest';
import { linearFailure, rateLimitWaitMs } from '#adapters/linear/client.ts';
import { parseLinearConfig, parseLinearCredentials } from '#adapters/linear/settings.ts';
import { InvalidConnectorSettings } from '#domain/project/connector.ts';

/** A failure as the SDK's transport raises it for an answer with `status`, `errors` and `headers`. */
function sdkFailure(status: number, errors: unknown[], headers: Record<string, string> = {}): LinearError {
  return parseLinearError({ response: { status, errors, headers: new Headers(headers) }, request: { query: 'query { viewer { id } }' } } as never);
}

const now = 1_800_000_000_000;

describe('Linear failures', () => {
  it('reads RATELIMITED with HTTP 400 or 429 as rate_limited, waiting until the exhausted budget resets', () => {
    const headers = { 'x-ratelimit-requests-remaining': '0', 'x-ratelimit-requests-reset': String(now + 42_000), 'x-ratelimit-complexity-remaining': '900', 'x-ratelimit-complexity-reset': String(now + 3_600_000) };
    for (const status of [400, 429]) {
      const error = linearFailure(sdkFailure(status, [{ message: 'Rate limit exceeded', extensions: { code: 'RATELIMITED' } }], headers), 'issue x', now);
      expect(error).toMatchObject({ kind: 'rate_limited', status, retryAfterMs: 42_000 });
    }
    expect(rateLimitWaitMs(new Headers({ 'retry-after': '3' }), now)).toBe(3_000);
    expect(rateLimitWaitMs(new Headers({ 'x-ratelimit-complexity-remaining': '0', 'x-ratelimit-complexity-reset': String(now + 5_000) }), now)).toBe(5_000);
    expect(rateLimitWaitMs(new Headers({}), now)).toBeUndefined();
  });

  it('names refused keys, missing entities, outages and the rest', () => {
    const auth = sdkFailure(400, [{ message: 'Authentication required, not authenticated', extensions: { type: 'authentication error', code: 'AUTHENTICATION_ERROR' } }]);
    expect(linearFailure(auth, 'viewer').kind).toBe('unauthorized');
    expect(linearFailure(sdkFailure(200, [{ message: 'Entity not found: Issue', extensions: { type: 'invalid input' } }]), 'issue').kind).toBe('not_found');
    expect(linearFailure(sdkFailure(502, []), 'issue').kind).toBe('unavailable');
    expect(linearFailure(sdkFailure(400, [{ message: 'Argument Validation Error', extensions: { type: 'invalid input' } }]), 'issueCreate').kind).toBe('rejected');
    expect(linearFailure(new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED 127.0.0.1:1') }), 'viewer').message).toMatch(/ECONNREFUSED/);
  });
});

describe('Linear settings', () => {
  const problem = (parse: () => unknown) => {
    try {
      parse();
    } catch (error) {
      if (error instanceof InvalidConnectorSettings) return error.message;
      throw error;
    }
    return 'accepted';
  };

  it('normalises the config and defaults the API URL', () => {
    expect(parseLinearConfig({ teamKey: 'eng', statusMap: { BLOCKED: 'Blocked' } })).toEqual({
      teamKey: 'ENG', apiUrl: 'https://api.linear.app/graphql', statusMap: { blocked: 'Blocked' }, missingLabels: 'create',
    });
  });

  it('names what is wrong', () => {
    expect(problem(() => parseLinearConfig({}))).toBe('config.teamKey: is required');
    expect(problem(() => parseLinearConfig({ teamKey: 'ENG', apiUrl: 'ftp://x' }))).toMatch(/config\.apiUrl: must be a URL/);
    expect(problem(() => parseLinearConfig({ teamKey: 'ENG', statusMap: { DONE: 'Done' } }))).toMatch(/config\.statusMap/);
    expect(problem(() => parseLinearConfig({ teamKey: 'ENG', userMap: { ann: 'not-an-email' } }))).toMatch(/config\.userMap\.ann: must be an email address/);
    expect(problem(() => parseLinearConfig({ teamKey: 'ENG', projectKey: 'X' }))).toMatch(/projectKey/);
    expect(problem(() => parseLinearCredentials({ token: 'x' }))).toMatch(/credentials/);
    expect(problem(() => parseLinearCredentials({ apiKey: '' }))).toMatch(/credentials\.apiKey: must not be empty/);
  });
});
