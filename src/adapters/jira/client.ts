// The transport under jira.js. jira.js knows Jira's REST v3 (paths, verbs, parameter spelling), so
// the session calls its functions; but its own transport cannot take a per-call AbortSignal or
// timeout, and its errors drop the response headers, so a 429's `X-RateLimit-Reset` would be lost.
// jira.js accepts any object with `sendRequest`, so this one sends through the shared HTTP helper,
// which bounds every call and maps failures (Retry-After, X-RateLimit-Reset, 401/403, 404, 5xx)
// to the ExternalCallError kinds the engine acts on. Answers are returned unvalidated on purpose:
// the session parses each one with its own zod schema (payloads.ts), the one edge we trust.

import type { Client, SendRequestOptions } from 'jira.js/core';
import { responseJson, sendRequest, type HttpMethod } from '#adapters/shared/http.ts';
import type { JsonValue } from '#domain/json.ts';
import { authorizationHeader, type JiraCredentials } from './settings.ts';

/** Transport tuning; tests shorten the timeout. */
export interface JiraClientOptions {
  readonly timeoutMs?: number;
}

const methods = new Set<string>(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']);

/** A jira.js client for `baseUrl` sending through the shared helper, honouring `signal`. */
export function createJiraClient(baseUrl: string, credentials: JiraCredentials, signal: AbortSignal | undefined, options: JiraClientOptions = {}): Client {
  const base = baseUrl.endsWith('/') ? baseUrl.slice(0, -1) : baseUrl;
  const authorization = authorizationHeader(credentials);
  return {
    async sendRequest<T>(request: SendRequestOptions<T>): Promise<T> {
      const method = (request.method ?? 'GET').toUpperCase();
      if (!methods.has(method)) throw new Error(`jira client: unsupported method ${method}`);
      const url = new URL(`${base}${request.url.startsWith('/') ? '' : '/'}${request.url}`);
      for (const [key, value] of Object.entries(request.searchParams ?? {})) {
        const text = serialise(value);
        if (text !== undefined) url.searchParams.set(key, text);
      }
      const response = await sendRequest({
        url: url.toString(),
        method: method as HttpMethod,
        headers: { authorization, ...request.headers },
        ...(request.body === undefined ? {} : { json: withoutUndefined(request.body) }),
        ...(signal ? { signal } : {}),
        ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
      });
      return responseJson(response) as T;
    },
  };
}

function serialise(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (Array.isArray(value)) return value.length === 0 ? undefined : value.map(String).join(',');
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** A request body as JSON: jira.js passes every optional parameter, most of them undefined. */
function withoutUndefined(body: unknown): JsonValue {
  return JSON.parse(JSON.stringify(body ?? null)) as JsonValue;
}
