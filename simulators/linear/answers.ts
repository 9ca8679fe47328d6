// The answers the Linear simulator gives outside a successful execution, shaped as Linear's:
// GraphQL errors with `extensions.type` (what @linear/sdk reads), `code` and a user-presentable
// message, and the rate-limit headers every answer carries (reset instants in epoch ms).

/** An injected rate limit. */
export interface RateLimitOptions {
  /** 400 (Linear's usual answer) or 429. */
  readonly status?: 400 | 429;
  /** When the budget resets, from now. */
  readonly resetInMs?: number;
  /** Which budget ran out. */
  readonly budget?: 'requests' | 'complexity';
}

/** A GraphQL error object as Linear sends it. */
export function errorBody(message: string, type: string, code: string, userMessage?: string): { errors: unknown[] } {
  const userError = type === 'invalid input' || type === 'authentication error';
  const extensions = { type, code, userError, ...(userMessage ? { userPresentableMessage: userMessage } : {}) };
  return { errors: [{ message, extensions }] };
}

/** A key that is missing or wrong. */
export const unauthenticated = errorBody(
  'Authentication required, not authenticated',
  'authentication error',
  'AUTHENTICATION_ERROR',
  'You need to authenticate to access this operation.',
);

/** A request over budget (Linear's documented shape: only `code` names it). */
export const rateLimited = {
  errors: [
    {
      message: 'Rate limit exceeded',
      extensions: { code: 'RATELIMITED', userPresentableMessage: 'Rate limit exceeded. Please try again later.' },
    },
  ],
};

/** A server-side failure. */
export const internalError = errorBody('Internal server error', 'internal error', 'INTERNAL_SERVER_ERROR');

/** A query above the complexity limit. */
export function tooComplex(complexity: number, limit: number): { errors: unknown[] } {
  const why = `Query too complex: complexity ${complexity} exceeds the limit of ${limit}.`;
  return errorBody('Query too complex', 'invalid input', 'INVALID_INPUT', why);
}

/** A document that does not parse or validate against the schema. */
export function invalidDocument(
  messages: readonly string[],
  code: 'GRAPHQL_PARSE_FAILED' | 'GRAPHQL_VALIDATION_FAILED',
): { errors: unknown[] } {
  return { errors: messages.map((message) => ({ message, extensions: { type: 'graphql error', code } })) };
}

const hourMs = 3_600_000;

/** The X-RateLimit-* and X-Complexity headers of an answer; `limited` marks the budget that ran out. */
export function rateHeaders(
  complexity: number,
  requestsRemaining: number,
  limited?: RateLimitOptions,
): Record<string, string> {
  const now = Date.now();
  const reset = now + (limited?.resetInMs ?? 1000);
  const requestsOut = limited !== undefined && limited.budget !== 'complexity';
  const complexityOut = limited?.budget === 'complexity';
  return {
    'x-ratelimit-requests-limit': '5000',
    'x-ratelimit-requests-remaining': requestsOut ? '0' : String(requestsRemaining),
    'x-ratelimit-requests-reset': String(requestsOut ? reset : now + hourMs),
    'x-complexity': String(complexity),
    'x-ratelimit-complexity-limit': '3000000',
    'x-ratelimit-complexity-remaining': complexityOut ? '0' : '2999000',
    'x-ratelimit-complexity-reset': String(complexityOut ? reset : now + hourMs),
  };
}
