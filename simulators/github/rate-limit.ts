// GitHub's rate limits as the simulator plays them: a primary budget per hour (answered in
// `x-ratelimit-*` headers on every call; at zero, 403 "API rate limit exceeded" until the reset)
// and secondary limits injected by tests (403 or 429 with `retry-after`). A 304 to a conditional
// request costs nothing, as on GitHub.

import type { ServerResponse } from 'node:http';

/** A failure a test asked for. */
export type InjectedLimit = {
  readonly kind: 'secondary';
  readonly status: 403 | 429;
  readonly retryAfterSeconds: number;
};

/** The primary budget and the injected secondary limits. */
export class RateLimits {
  limit = 5000;
  remaining = 5000;
  resetAtMs = Date.now() + 3600_000;
  readonly injected: InjectedLimit[] = [];

  /** Empties the budget until `seconds` from now (a primary limit). */
  exhaust(seconds: number): void {
    this.remaining = 0;
    this.resetAtMs = Date.now() + seconds * 1000;
  }

  /** Answers the next `count` calls with a secondary limit. */
  injectSecondary(count: number, status: 403 | 429, retryAfterSeconds: number): void {
    for (let i = 0; i < count; i += 1) this.injected.push({ kind: 'secondary', status, retryAfterSeconds });
  }

  private roll(): void {
    if (Date.now() >= this.resetAtMs) {
      this.remaining = this.limit;
      this.resetAtMs = Date.now() + 3600_000;
    }
  }

  /** Headers every answer carries. */
  headers(): Record<string, string> {
    this.roll();
    return {
      'x-ratelimit-limit': String(this.limit),
      'x-ratelimit-remaining': String(this.remaining),
      'x-ratelimit-used': String(this.limit - this.remaining),
      'x-ratelimit-reset': String(Math.ceil(this.resetAtMs / 1000)),
      'x-ratelimit-resource': 'core',
    };
  }

  /** Takes one call from the budget; answers and returns false when the call is refused. */
  admit(response: ServerResponse): boolean {
    this.roll();
    const secondary = this.injected.shift();
    if (secondary) {
      answer(
        response,
        secondary.status,
        { ...this.headers(), 'retry-after': String(secondary.retryAfterSeconds) },
        {
          message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
          documentation_url: 'https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api',
        },
      );
      return false;
    }
    if (this.remaining <= 0) {
      answer(response, 403, this.headers(), {
        message: 'API rate limit exceeded for installation.',
        documentation_url: 'https://docs.github.com/rest/overview/resources-in-the-rest-api#rate-limiting',
      });
      return false;
    }
    this.remaining -= 1;
    return true;
  }

  /** Gives back a call that turned out to be a 304. */
  refund(): void {
    this.remaining = Math.min(this.limit, this.remaining + 1);
  }
}

/** Sends a JSON answer. */
export function answer(
  response: ServerResponse,
  status: number,
  headers: Record<string, string>,
  body?: unknown,
): void {
  const text = body === undefined ? '' : JSON.stringify(body);
  response.writeHead(status, {
    ...headers,
    ...(body === undefined ? {} : { 'content-type': 'application/json; charset=utf-8' }),
  });
  response.end(text);
}
