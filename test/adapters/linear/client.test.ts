import { LinearError, parseLinearError } from '@linear/sdk';
import { describe, expect, it } from 'vitest';
import { linearFailure, rateLimitWaitMs } from '#adapters/linear/client.ts';
import { parseLinearConfig, parseLinearCredentials } from '#adapters/linear/settings.ts';
import { InvalidConnectorSettings } from '#domain/project/connector.ts';

/** A failure as the SDK's transport raises it for an answer with `status`, `errors` and `headers`. */
function sdkFailure(status: number, errors: unknown[], headers: Record<string, string> = {}): LinearError {
  const response = { status, errors, headers: new Headers(headers) };
  const failure = { response, request: { query: 'query { viewer { id } }' } };
  return parseLinearError(failure as never);
}

const now = 1_800_000_000_000;

describe('Linear failures', () => {
  it('reads RATELIMITED with HTTP 400 or 429 as rate_limited, waiting until the exhausted budget resets', () => {
    const headers = {
      'x-ratelimit-requests-remaining': '0',
      'x-ratelimit-requests-reset': String(now + 42_000),
      'x-ratelimit-complexity-remaining': '900',
      'x-ratelimit-complexity-reset': String(now + 3_600_000),
    };
    const limited = [{ message: 'Rate limit exceeded', extensions: { code: 'RATELIMITED' } }];
    for (const status of [400, 429]) {
      const error = linearFailure(sdkFailure(status, limited, headers), 'issue x', now);
      expect(error).toMatchObject({ kind: 'rate_limited', status, retryAfterMs: 42_000 });
    }
    expect(rateLimitWaitMs(new Headers({ 'retry-after': '3' }), now)).toBe(3_000);
    const complexity = new Headers({
      'x-ratelimit-complexity-remaining': '0',
      'x-ratelimit-complexity-reset': String(now + 5_000),
    });
    expect(rateLimitWaitMs(complexity, now)).toBe(5_000);
    expect(rateLimitWaitMs(new Headers({}), now)).toBeUndefined();
  });

  it('names refused keys, missing entities, outages and the rest', () => {
    const error = (message: string, type: string, code?: string) => [{ message, extensions: { type, code } }];
    const auth = error('Authentication required, not authenticated', 'authentication error', 'AUTHENTICATION_ERROR');
    expect(linearFailure(sdkFailure(400, auth), 'viewer').kind).toBe('unauthorized');
    const missing = error('Entity not found: Issue', 'invalid input');
    expect(linearFailure(sdkFailure(200, missing), 'issue').kind).toBe('not_found');
    expect(linearFailure(sdkFailure(502, []), 'issue').kind).toBe('unavailable');
    const invalid = error('Argument Validation Error', 'invalid input');
    expect(linearFailure(sdkFailure(400, invalid), 'issueCreate').kind).toBe('rejected');
    const refused = new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED 127.0.0.1:1') });
    expect(linearFailure(refused, 'viewer').message).toMatch(/ECONNREFUSED/);
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
      teamKey: 'ENG',
      apiUrl: 'https://api.linear.app/graphql',
      statusMap: { blocked: 'Blocked' },
      missingLabels: 'create',
    });
  });

  it('names what is wrong', () => {
    expect(problem(() => parseLinearConfig({}))).toBe('config.teamKey: is required');
    const config = (extra: Record<string, unknown>) => () => parseLinearConfig({ teamKey: 'ENG', ...extra });
    expect(problem(config({ apiUrl: 'ftp://x' }))).toMatch(/config\.apiUrl: must be a URL/);
    expect(problem(config({ apiUrl: 'http://linear.internal/graphql' }))).toMatch(/config\.apiUrl: must use https/);
    expect(problem(config({ apiUrl: 'http://127.0.0.1:4010/graphql' }))).toBe('accepted');
    expect(problem(config({ statusMap: { DONE: 'Done' } }))).toMatch(/config\.statusMap/);
    const badEmail = problem(config({ userMap: { ann: 'not-an-email' } }));
    expect(badEmail).toMatch(/config\.userMap\.ann: must be an email address/);
    expect(problem(() => parseLinearConfig({ teamKey: 'ENG', projectKey: 'X' }))).toMatch(/projectKey/);
    expect(problem(() => parseLinearCredentials({ token: 'x' }))).toMatch(/credentials/);
    expect(problem(() => parseLinearCredentials({ apiKey: '' }))).toMatch(/credentials\.apiKey: must not be empty/);
  });
});
