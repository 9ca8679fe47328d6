// The one way connectors call external systems over HTTP. Every connector needs the same three
// things from a call: a bounded wait (a hung server must not hold a worker), a JSON body, and a
// failure turned into the ExternalCallError kind the sync engine acts on (wait and retry, stop and
// ask for new credentials, give up). Retrying is the engine's job (with backoff, across restarts),
// so nothing here retries. Private and loopback targets are refused (outbound-targets.ts).

import { ExternalCallError } from '#domain/project/connector.ts';
import type { JsonValue } from '#domain/json.ts';
import { privateTargetProblem } from './outbound-targets.ts';

/** How long a call may take, headers and body included, unless the caller says otherwise. */
export const defaultTimeoutMs = 10_000;

/** How long to wait after a 429 that does not say how long. */
export const defaultRetryAfterMs = 30_000;

const excerptLength = 200;

/** HTTP methods connectors use. */
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** One outbound call. */
export interface HttpRequest {
  readonly url: string;
  /** GET without a body, POST with one. */
  readonly method?: HttpMethod;
  readonly headers?: Readonly<Record<string, string>>;
  /** Sent as JSON with `content-type: application/json`. */
  readonly json?: JsonValue;
  /** A body already serialised (because a signature covers its exact bytes); sent as is. */
  readonly body?: string;
  /** The caller's cancellation: its abort reason is rethrown unchanged, unless it is a timeout. */
  readonly signal?: AbortSignal;
  readonly timeoutMs?: number;
  /** The wait reported for a 429 that gives no Retry-After or X-RateLimit-Reset. */
  readonly fallbackRetryAfterMs?: number;
}

/** A 2xx answer, body read. */
export interface HttpResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
}

/** Sends `request`; resolves with a 2xx answer, throws ExternalCallError for anything else. */
export async function sendRequest(request: HttpRequest): Promise<HttpResponse> {
  const method = request.method ?? (request.json !== undefined || request.body !== undefined ? 'POST' : 'GET');
  const where = `${method} ${describeUrl(request.url)}`;
  const timeoutMs = request.timeoutMs ?? defaultTimeoutMs;
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = request.signal ? AbortSignal.any([request.signal, timeout]) : timeout;
  const headers = new Headers(request.headers);
  let body = request.body;
  if (request.json !== undefined) {
    body = JSON.stringify(request.json);
    if (!headers.has('content-type')) headers.set('content-type', 'application/json');
  }
  if (!headers.has('accept')) headers.set('accept', 'application/json');
  const refusal = await privateTargetProblem(request.url);
  if (refusal) throw new ExternalCallError('rejected', `${where} refused: ${refusal}`);
  let status: number;
  let responseHeaders: Headers;
  let text: string;
  try {
    const response = await fetch(request.url, { method, headers, signal, ...(body === undefined ? {} : { body }) });
    status = response.status;
    responseHeaders = response.headers;
    text = await response.text();
  } catch (error) {
    if (request.signal?.aborted) {
      // A caller's deadline (AbortSignal.timeout) is still a slow side; any other abort is the
      // caller's own cancellation (shutdown) and goes back unchanged.
      const reason: unknown = request.signal.reason;
      if (!(reason instanceof DOMException && reason.name === 'TimeoutError')) throw reason;
      throw new ExternalCallError('unavailable', `${where} timed out (caller deadline)`);
    }
    if (timeout.aborted) throw new ExternalCallError('unavailable', `${where} timed out after ${timeoutMs} ms`);
    throw new ExternalCallError('unavailable', `${where} failed: ${networkProblem(error)}`);
  }
  if (status >= 200 && status < 300) return { status, headers: responseHeaders, text };
  throw failureFor(where, status, responseHeaders, text, request.fallbackRetryAfterMs ?? defaultRetryAfterMs);
}

/** The answer's body as JSON, or undefined when it is empty or not JSON. */
export function responseJson(response: HttpResponse): unknown {
  if (response.text.trim() === '') return undefined;
  try {
    return JSON.parse(response.text) as unknown;
  } catch {
    return undefined;
  }
}

/** The ExternalCallError for a non-2xx answer to `where` (e.g. `POST https://host/path`). */
export function failureFor(where: string, status: number, headers: Headers, text: string, fallbackRetryAfterMs = defaultRetryAfterMs): ExternalCallError {
  const message = `${where} answered ${status}${excerpt(text)}`;
  if (status === 429) {
    return new ExternalCallError('rate_limited', message, { status, retryAfterMs: retryAfterMs(headers) ?? fallbackRetryAfterMs });
  }
  if (status === 401 || status === 403) return new ExternalCallError('unauthorized', message, { status });
  if (status === 404) return new ExternalCallError('not_found', message, { status });
  if (status >= 500) {
    const wait = retryAfterMs(headers);
    return new ExternalCallError('unavailable', message, wait === undefined ? { status } : { status, retryAfterMs: wait });
  }
  return new ExternalCallError('rejected', message, { status });
}

/**
 * The wait a rate-limited answer asks for, in ms: `Retry-After` (seconds or HTTP-date), else
 * `X-RateLimit-Reset` (epoch seconds; small values are read as seconds from now). Never negative.
 */
export function retryAfterMs(headers: Headers, nowMs: number = Date.now()): number | undefined {
  const retryAfter = headers.get('retry-after')?.trim();
  if (retryAfter) {
    if (/^\d+(\.\d+)?$/.test(retryAfter)) return Math.round(Number(retryAfter) * 1000);
    const at = Date.parse(retryAfter);
    if (!Number.isNaN(at)) return Math.max(0, at - nowMs);
  }
  const reset = headers.get('x-ratelimit-reset')?.trim();
  if (reset && /^\d+(\.\d+)?$/.test(reset)) {
    const seconds = Number(reset);
    // Epoch seconds are past 1e9 since 2001; anything smaller can only be a delay.
    if (seconds < 1e9) return Math.round(seconds * 1000);
    return Math.max(0, Math.round(seconds * 1000 - nowMs));
  }
  return undefined;
}

/** Origin and path only: query strings may carry secrets and must not reach logs. */
function describeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.origin}${parsed.pathname}`;
  } catch {
    return '(invalid URL)';
  }
}

function excerpt(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat === '') return '';
  return `: ${flat.length > excerptLength ? `${flat.slice(0, excerptLength)}…` : flat}`;
}

function networkProblem(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause: unknown = error.cause;
  if (cause instanceof Error) {
    const code = (cause as Error & { code?: unknown }).code;
    return typeof code === 'string' && !cause.message.includes(code) ? `${code} ${cause.message}` : cause.message;
  }
  return error.message;
}
