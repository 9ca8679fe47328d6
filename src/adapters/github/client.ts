// The Octokit a GITHUB project calls through, and the one translation of its failures into the
// ExternalCallError kinds the engine acts on. A token authenticates as is; a GitHub App goes
// through @octokit/auth-app, whose installation tokens we cache by their real `expires_at` (its
// own cache keeps them 59 minutes whatever GitHub said) and renew before they expire. Clients are
// kept per repository and credentials, so sessions share one installation token. Every call is
// bounded by a timeout; GitHub's primary (x-ratelimit-remaining 0) and secondary (403/429 with
// retry-after) rate limits become `rate_limited` with the wait GitHub asked for.

import { createHash } from 'node:crypto';
import type { Octokit } from '@octokit/rest';
import { defaultTimeoutMs, failureFor, retryAfterMs } from '#adapters/shared/http.ts';
import { ExternalCallError } from '#domain/project/connector.ts';
import type { GithubConfig, GithubCredentials } from './settings.ts';

/** Transport tuning; tests shorten the timeout. */
export interface GithubClientOptions {
  readonly timeoutMs?: number;
}

/** How long before its expiry an installation token is renewed (at most half its lifetime). */
export const tokenRenewalMarginMs = 5 * 60_000;

/** The wait for a secondary rate limit that names none (GitHub asks for at least a minute). */
const secondaryLimitWaitMs = 60_000;

/** Calls GitHub: `call(octokit, requestOptions)` with a bounded, cancellable request. */
export type GithubCall = <T>(
  where: string,
  call: (octokit: Octokit, request: { signal: AbortSignal }) => Promise<T>,
  signal?: AbortSignal,
) => Promise<T>;

/** The token cache handed to auth-app: an entry is gone once its token is close to expiry. */
export function createTokenCache(nowMs: () => number = Date.now): {
  get(key: string): string | undefined;
  set(key: string, value: string): void;
} {
  const entries = new Map<string, string>();
  return {
    get(key) {
      const value = entries.get(key);
      if (value === undefined) return undefined;
      // auth-app stores `token|createdAt|expiresAt|...`.
      const [, createdAt, expiresAt] = value.split('|');
      const created = Date.parse(createdAt ?? '');
      const expires = Date.parse(expiresAt ?? '');
      if (Number.isNaN(expires)) return undefined;
      const margin = Math.min(
        tokenRenewalMarginMs,
        Number.isNaN(created) ? tokenRenewalMarginMs : (expires - created) / 2,
      );
      if (expires - nowMs() <= margin) {
        entries.delete(key);
        return undefined;
      }
      return value;
    },
    set(key, value) {
      entries.set(key, value);
    },
  };
}

/** The SDK, loaded on first use: a hub without GitHub projects never pays for it at start. */
let sdk: Promise<readonly [typeof import('@octokit/rest'), typeof import('@octokit/auth-app')]> | undefined;

async function createOctokit(config: GithubConfig, credentials: GithubCredentials): Promise<Octokit> {
  sdk ??= Promise.all([import('@octokit/rest'), import('@octokit/auth-app')]);
  const [{ Octokit }, { createAppAuth }] = await sdk;
  const common = {
    baseUrl: config.baseUrl,
    userAgent: 'lockstep',
    log: { debug() {}, info() {}, warn() {}, error() {} },
  };
  if ('token' in credentials) return new Octokit({ ...common, auth: credentials.token });
  return new Octokit({
    ...common,
    authStrategy: createAppAuth,
    auth: {
      appId: credentials.appId,
      privateKey: credentials.privateKey,
      installationId: credentials.installationId,
      cache: createTokenCache(),
    },
  });
}

/** Keeps one Octokit per API, repository and credentials (a connector holds one of these). */
export function createClientPool(): (config: GithubConfig, credentials: GithubCredentials) => Promise<Octokit> {
  const clients = new Map<string, Promise<Octokit>>();
  return (config, credentials) => {
    const key = createHash('sha256')
      .update(JSON.stringify([config.baseUrl, config.owner, config.repo, credentials]))
      .digest('hex');
    let client = clients.get(key);
    if (!client) clients.set(key, (client = createOctokit(config, credentials)));
    return client;
  };
}

/** The caller of one session: bounded calls, failures translated. */
export function createGithubCall(octokit: Promise<Octokit>, options: GithubClientOptions = {}): GithubCall {
  const timeoutMs = options.timeoutMs ?? defaultTimeoutMs;
  return async (where, call, signal) => {
    const timeout = AbortSignal.timeout(timeoutMs);
    const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
    try {
      return await call(await octokit, { signal: combined });
    } catch (error) {
      if (signal?.aborted) {
        const reason: unknown = signal.reason;
        if (!(reason instanceof DOMException && reason.name === 'TimeoutError')) throw reason;
        throw new ExternalCallError('unavailable', `GitHub ${where} timed out (caller deadline)`);
      }
      if (timeout.aborted)
        throw new ExternalCallError('unavailable', `GitHub ${where} timed out after ${timeoutMs} ms`);
      throw githubFailure(where, error);
    }
  };
}

interface RequestErrorLike {
  readonly status: number;
  readonly message: string;
  readonly response?: {
    readonly headers?: Readonly<Record<string, string | number | undefined>>;
    readonly data?: unknown;
  };
}

function isRequestError(error: unknown): error is RequestErrorLike {
  return error instanceof Error && typeof (error as { status?: unknown }).status === 'number';
}

/** The ExternalCallError for a failed Octokit call to `where`. */
export function githubFailure(where: string, error: unknown): ExternalCallError {
  if (error instanceof ExternalCallError) return error;
  if (!isRequestError(error))
    return new ExternalCallError(
      'unavailable',
      `GitHub ${where} failed: ${error instanceof Error ? error.message : String(error)}`,
    );
  const headers = new Headers();
  for (const [name, value] of Object.entries(error.response?.headers ?? {}))
    if (value !== undefined) headers.set(name, String(value));
  const text =
    typeof error.response?.data === 'string'
      ? error.response.data
      : JSON.stringify(error.response?.data ?? error.message);
  const status = error.status;
  if (error.response === undefined)
    return new ExternalCallError('unavailable', `GitHub ${where} failed: ${error.message}`);
  if (status === 403 || status === 429) {
    const wait = rateLimitWaitMs(headers);
    if (wait !== undefined)
      return new ExternalCallError('rate_limited', `GitHub ${where} is rate limited (${status}): ${error.message}`, {
        status,
        retryAfterMs: wait,
      });
    if (status === 429 || /secondary rate limit/i.test(error.message)) {
      return new ExternalCallError('rate_limited', `GitHub ${where} hit a secondary rate limit (${status})`, {
        status,
        retryAfterMs: secondaryLimitWaitMs,
      });
    }
  }
  if (status === 410)
    return new ExternalCallError('not_found', `GitHub ${where} answered 410: ${error.message}`, { status });
  return failureFor(`GitHub ${where}`, status, headers, text);
}

/** The wait a rate-limited answer asks for: `retry-after`, or the reset when no calls remain. */
function rateLimitWaitMs(headers: Headers): number | undefined {
  if (headers.get('retry-after')) return retryAfterMs(headers);
  if (headers.get('x-ratelimit-remaining')?.trim() === '0') return retryAfterMs(headers) ?? secondaryLimitWaitMs;
  return undefined;
}
