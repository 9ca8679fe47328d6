// The tests' GraphQL client: plain HTTP POST for queries and mutations, graphql-ws over a real
// WebSocket for subscriptions. Returns what a front-end app would see.
import { createClient, type Client } from 'graphql-ws';

/** A GraphQL response as sent over the wire. */
export interface GraphQLResponse<T = Record<string, unknown>> {
  readonly status: number;
  readonly data?: T | null;
  readonly errors?: ReadonlyArray<{ message: string; extensions?: Record<string, unknown>; path?: unknown[] }>;
}

/** Talks GraphQL to one Lockstep with one token. */
export interface GraphQLClient {
  request<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>): Promise<GraphQLResponse<T>>;
  /** Like request, but throws when the response carries errors; returns data. */
  run<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>): Promise<T>;
  /** Opens a subscription; events are collected until `close()`. */
  subscribe<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>): Subscription<T>;
}

/** A live subscription. */
export interface Subscription<T> {
  readonly events: T[];
  readonly errors: unknown[];
  /** Resolves once `predicate` holds for some received event (or rejects after `timeoutMs`). */
  next(predicate?: (event: T) => boolean, timeoutMs?: number): Promise<T>;
  close(): Promise<void>;
}

/** A client for `baseUrl` (e.g. http://127.0.0.1:4000) authenticated with `token`. */
export function createGraphQLClient(baseUrl: string, token: string | undefined): GraphQLClient {
  const endpoint = `${baseUrl}/graphql`;
  const request = async <T>(query: string, variables?: Record<string, unknown>): Promise<GraphQLResponse<T>> => {
    const response = await fetch(endpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/graphql-response+json, application/json',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json()) as Omit<GraphQLResponse<T>, 'status'>;
    return { status: response.status, ...body };
  };
  return {
    request,
    async run<T>(query: string, variables?: Record<string, unknown>) {
      const result = await request<T>(query, variables);
      if (result.errors?.length || !result.data) {
        throw new Error(`GraphQL errors (HTTP ${result.status}): ${JSON.stringify(result.errors)}`);
      }
      return result.data;
    },
    subscribe<T>(query: string, variables?: Record<string, unknown>): Subscription<T> {
      const client: Client = createClient({
        url: endpoint.replace(/^http/, 'ws'),
        connectionParams: token ? { Authorization: `Bearer ${token}` } : {},
        retryAttempts: 0,
        lazy: false,
      });
      const events: T[] = [];
      const errors: unknown[] = [];
      let waiters: Array<() => void> = [];
      const notify = () => {
        const current = waiters;
        waiters = [];
        for (const wake of current) wake();
      };
      const dispose = client.subscribe<T>(
        { query, ...(variables ? { variables } : {}) },
        {
          next: (value) => {
            if (value.errors) errors.push(...value.errors);
            if (value.data) events.push(value.data as T);
            notify();
          },
          error: (error) => {
            errors.push(error);
            notify();
          },
          complete: notify,
        },
      );
      return {
        events,
        errors,
        async next(predicate: (event: T) => boolean = () => true, timeoutMs = 10_000) {
          const deadline = Date.now() + timeoutMs;
          for (;;) {
            const found = events.find(predicate);
            if (found) return found;
            if (errors.length > 0) throw new Error(`subscription failed: ${JSON.stringify(errors)}`);
            const remaining = deadline - Date.now();
            if (remaining <= 0) throw new Error(`no matching subscription event within ${timeoutMs} ms`);
            await new Promise<void>((resolve) => {
              const timer = setTimeout(resolve, remaining);
              waiters.push(() => {
                clearTimeout(timer);
                resolve();
              });
            });
          }
        },
        async close() {
          dispose();
          await client.dispose();
        },
      };
    },
  };
}
