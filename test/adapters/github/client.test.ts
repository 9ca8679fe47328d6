import { RequestError } from '@octokit/request-error';
import { describe, expect, it } from 'vitest';
import { createTokenCache, githubFailure } from '#adapters/github/client.ts';

const failure = (status: number, headers: Record<string, string>, message = 'x') =>
  githubFailure(
    'GET issues',
    new RequestError(message, status, {
      request: { method: 'GET', url: 'https://api.github.com/x', headers: {} },
      response: { status, url: '', headers, data: { message } },
    }),
  );

describe('GitHub failures', () => {
  it('reads a primary rate limit (remaining 0) as rate_limited until the reset', () => {
    const reset = Math.floor(Date.now() / 1000) + 120;
    const error = failure(
      403,
      { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(reset) },
      'API rate limit exceeded',
    );
    expect(error.kind).toBe('rate_limited');
    expect(error.retryAfterMs).toBeGreaterThan(100_000);
    expect(error.retryAfterMs).toBeLessThanOrEqual(120_000);
  });

  it('reads a secondary rate limit (403 or 429 with retry-after) as rate_limited for that long', () => {
    expect(failure(403, { 'retry-after': '30' }, 'You have exceeded a secondary rate limit')).toMatchObject({
      kind: 'rate_limited',
      retryAfterMs: 30_000,
    });
    expect(failure(429, {})).toMatchObject({ kind: 'rate_limited', retryAfterMs: 60_000 });
    expect(failure(403, {}, 'You have exceeded a secondary rate limit.')).toMatchObject({ kind: 'rate_limited' });
  });

  it('keeps a plain 403 as unauthorized, and the other statuses as the shared helper reads them', () => {
    expect(failure(403, { 'x-ratelimit-remaining': '4999' }, 'Resource not accessible by integration').kind).toBe(
      'unauthorized',
    );
    expect(failure(401, {}).kind).toBe('unauthorized');
    expect(failure(404, {}).kind).toBe('not_found');
    expect(failure(410, {}).kind).toBe('not_found');
    expect(failure(422, {}).kind).toBe('rejected');
    expect(failure(502, {}).kind).toBe('unavailable');
    expect(
      githubFailure(
        'GET issues',
        new RequestError('fetch failed', 500, { request: { method: 'GET', url: 'u', headers: {} } }),
      ).kind,
    ).toBe('unavailable');
  });
});

describe('the installation token cache', () => {
  it('drops a token once it is within the renewal margin of its expiry', () => {
    let now = Date.parse('2026-01-01T00:00:00Z');
    const cache = createTokenCache(() => now);
    cache.set('1', 'ghs_a|2026-01-01T00:00:00Z|2026-01-01T01:00:00Z|all|issues!');
    now += 50 * 60_000;
    expect(cache.get('1')).toMatch(/^ghs_a/);
    now += 6 * 60_000;
    expect(cache.get('1')).toBeUndefined();
    // A short-lived token (the simulator's) is renewed at half its lifetime.
    now = Date.parse('2026-01-01T00:00:00Z');
    cache.set('2', 'ghs_b|2026-01-01T00:00:00Z|2026-01-01T00:00:04Z|all|issues!');
    now += 1_500;
    expect(cache.get('2')).toMatch(/^ghs_b/);
    now += 1_000;
    expect(cache.get('2')).toBeUndefined();
  });
});
