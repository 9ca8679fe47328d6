// Calls to Linear's GraphQL API through @linear/sdk's transport (`LinearClient.client.rawRequest`:
// the SDK's auth header, endpoint check and error parsing), bounded by a timeout and the caller's
// AbortSignal, each answer parsed with its zod schema. Linear's failures become the
// ExternalCallError kinds the engine acts on: RATELIMITED (HTTP 400 or 429) -> rate_limited with
// the wait its X-RateLimit-* headers give (reset instants are epoch ms), authentication or
// forbidden -> unauthorized, "Entity not found" -> not_found, 5xx and network trouble ->
// unavailable, the rest -> rejected.

import { LinearClient, LinearError, LinearErrorType } from '@linear/sdk';
import { defaultRetryAfterMs, defaultTimeoutMs } from '#adapters/shared/http.ts';
import { ExternalCallError } from '#domain/project/connector.ts';
import type { LinearConfig, LinearCredentials } from './settings.ts';

/** Transport tuning; tests shorten the timeout. */
export interface LinearClientOptions {
  readonly timeoutMs?: number;
}

/** Something that parses an answer (a zod schema). */
export interface AnswerSchema<T> {
  safeParse(value: unknown): { success: true; data: T } | { success: false; error: { message: string } };
}

/** Sends `document` with `variables` and parses `data` with `schema`; `what` names the call in errors. */
export type LinearCall = <T>(
  document: string,
  variables: Record<string, unknown>,
  schema: AnswerSchema<T>,
  what: string,
  signal?: AbortSignal,
) => Promise<T>;

interface RawFailure {
  readonly response?: {
    readonly status?: number;
    readonly headers?: Headers;
    readonly errors?: ReadonlyArray<{
      readonly message?: string;
      readonly extensions?: { readonly code?: string; readonly type?: string };
    }>;
  };
}

/** The call function of one project's settings. */
export function createLinearCall(
  config: LinearConfig,
  credentials: LinearCredentials,
  options: LinearClientOptions = {},
): LinearCall {
  const timeoutMs = options.timeoutMs ?? defaultTimeoutMs;
  return async (document, variables, schema, what, signal) => {
    const timeout = AbortSignal.timeout(timeoutMs);
    let data: unknown;
    try {
      const client = new LinearClient({
        apiKey: credentials.apiKey,
        apiUrl: config.apiUrl,
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
      data = (await client.client.rawRequest(document, variables)).data;
    } catch (error) {
      if (signal?.aborted) {
        const reason: unknown = signal.reason;
        if (!(reason instanceof DOMException && reason.name === 'TimeoutError')) throw reason;
        throw new ExternalCallError('unavailable', `Linear ${what} timed out (caller deadline)`);
      }
      if (timeout.aborted) throw new ExternalCallError('unavailable', `Linear ${what} timed out after ${timeoutMs} ms`);
      throw linearFailure(error, what);
    }
    const parsed = schema.safeParse(data);
    if (!parsed.success) {
      const problem = parsed.error.message.slice(0, 200);
      throw new ExternalCallError('unavailable', `Linear answered ${what} with an unexpected body: ${problem}`);
    }
    return parsed.data;
  };
}

/** The ExternalCallError for a failed call to Linear. */
export function linearFailure(error: unknown, what: string, nowMs: number = Date.now()): ExternalCallError {
  if (error instanceof ExternalCallError) return error;
  if (!(error instanceof LinearError)) {
    const cause: unknown = error instanceof Error ? (error.cause ?? error) : error;
    const message = cause instanceof Error ? cause.message : String(cause);
    return new ExternalCallError('unavailable', `Linear ${what} failed: ${message}`);
  }
  const raw = (error.raw ?? {}) as RawFailure;
  const status = error.status ?? raw.response?.status;
  const codes = (raw.response?.errors ?? []).map((e) => e.extensions?.code);
  const message = `Linear ${what} answered ${status ?? 'an error'}: ${error.message.slice(0, 300)}`;
  const withStatus = status === undefined ? {} : { status };
  const type = error.type;
  if (type === LinearErrorType.Ratelimited || codes.includes('RATELIMITED') || status === 429) {
    const retryAfterMs = rateLimitWaitMs(raw.response?.headers, nowMs) ?? defaultRetryAfterMs;
    return new ExternalCallError('rate_limited', message, { ...withStatus, retryAfterMs });
  }
  const refused = type === LinearErrorType.AuthenticationError || type === LinearErrorType.Forbidden;
  if (refused || codes.includes('AUTHENTICATION_ERROR') || codes.includes('FORBIDDEN')) {
    return new ExternalCallError('unauthorized', message, withStatus);
  }
  if ((raw.response?.errors ?? []).some((e) => e.message?.startsWith('Entity not found'))) {
    return new ExternalCallError('not_found', message, withStatus);
  }
  const transient: readonly (LinearErrorType | undefined)[] = [
    LinearErrorType.NetworkError,
    LinearErrorType.InternalError,
    LinearErrorType.LockTimeout,
  ];
  if ((status !== undefined && status >= 500) || transient.includes(type)) {
    return new ExternalCallError('unavailable', message, withStatus);
  }
  return new ExternalCallError('rejected', message, withStatus);
}

/**
 * How long a rate-limited answer asks us to wait: `Retry-After` (seconds) when given, else until the
 * exhausted budget's reset (`X-RateLimit-Requests-Reset` / `-Complexity-Reset`, epoch ms).
 */
export function rateLimitWaitMs(headers: Headers | undefined, nowMs: number): number | undefined {
  if (!headers) return undefined;
  const retryAfter = Number(headers.get('retry-after') ?? Number.NaN);
  if (Number.isFinite(retryAfter)) return Math.max(0, Math.round(retryAfter * 1000));
  const resets: number[] = [];
  for (const budget of ['requests', 'complexity']) {
    const reset = Number(headers.get(`x-ratelimit-${budget}-reset`) ?? Number.NaN);
    const remaining = headers.get(`x-ratelimit-${budget}-remaining`);
    if (Number.isFinite(reset) && (remaining === null || Number(remaining) <= 0)) resets.push(reset);
  }
  if (resets.length === 0) return undefined;
  return Math.max(0, Math.max(...resets) - nowMs);
}
