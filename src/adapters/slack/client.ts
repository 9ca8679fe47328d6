// Slack's Web API through `@slack/web-api`, set up for a sync engine: no retries of its own and
// rate-limited calls rejected (the engine waits the `Retry-After` and retries, for the whole
// project), loopback/private targets refused as for every connector, and Slack's failures turned
// into the ExternalCallError kinds the engine acts on.

import {
  LogLevel,
  WebAPIHTTPError,
  WebAPIPlatformError,
  WebAPIRateLimitedError,
  WebAPIRequestError,
  WebClient,
} from '@slack/web-api';
import { ExternalCallError } from '#domain/project/connector.ts';
import { privateTargetProblem } from '#adapters/shared/outbound-targets.ts';
import { defaultTimeoutMs } from '#adapters/shared/http.ts';

const unauthorized = new Set([
  'invalid_auth',
  'not_authed',
  'account_inactive',
  'token_revoked',
  'token_expired',
  'missing_scope',
  'not_allowed_token_type',
]);
const missing = new Set(['message_not_found', 'channel_not_found', 'cant_update_message', 'not_in_channel']);
const unavailable = new Set(['internal_error', 'fatal_error', 'service_unavailable', 'request_timeout']);

/** The ExternalCallError for a failed Web API call of `method`. */
export function slackFailure(method: string, error: unknown): unknown {
  if (error instanceof ExternalCallError) return error;
  if (error instanceof WebAPIRateLimitedError) {
    return new ExternalCallError('rate_limited', `Slack ${method}: rate limited`, { status: 429, retryAfterMs: error.retryAfter * 1000 });
  }
  if (error instanceof WebAPIPlatformError) {
    const code = error.data.error;
    const message = `Slack ${method}: ${code}`;
    if (code === 'ratelimited') return new ExternalCallError('rate_limited', message, { retryAfterMs: 30_000 });
    if (unauthorized.has(code)) return new ExternalCallError('unauthorized', message);
    if (missing.has(code)) return new ExternalCallError('not_found', message);
    if (unavailable.has(code)) return new ExternalCallError('unavailable', message);
    return new ExternalCallError('rejected', message);
  }
  if (error instanceof WebAPIHTTPError) {
    const message = `Slack ${method} answered ${error.statusCode}`;
    if (error.statusCode === 401 || error.statusCode === 403) return new ExternalCallError('unauthorized', message, { status: error.statusCode });
    if (error.statusCode >= 500) return new ExternalCallError('unavailable', message, { status: error.statusCode });
    return new ExternalCallError('rejected', message, { status: error.statusCode });
  }
  if (error instanceof WebAPIRequestError && error.original instanceof ExternalCallError) return error.original;
  if (error instanceof WebAPIRequestError) return new ExternalCallError('unavailable', `Slack ${method} failed: ${error.original.message}`);
  return error;
}

/** A WebClient calling `baseUrl` with `botToken`. */
export function createSlackClient(baseUrl: string, botToken: string): WebClient {
  return new WebClient(botToken, {
    slackApiUrl: baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout: defaultTimeoutMs,
    logLevel: LogLevel.ERROR,
    allowAbsoluteUrls: false,
    fetch: async (input, init) => {
      const refusal = await privateTargetProblem(String(input instanceof Request ? input.url : input));
      if (refusal) throw new ExternalCallError('rejected', `Slack call refused: ${refusal}`);
      return fetch(input, init);
    },
  });
}

/** Runs `call` (Web API method `method`), translating its failure. */
export async function slackCall<T>(method: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw slackFailure(method, error);
  }
}
