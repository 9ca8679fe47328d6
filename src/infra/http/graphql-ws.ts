// GraphQL subscriptions over WebSocket (graphql-ws, `graphql-transport-ws`) on /graphql. The token
// is checked at connection; each socket and each token hold a bounded number of subscriptions;
// each subscription has its own abort signal, so ending it releases its JetStream consumer at
// once; a bad document is an `error` message on that subscription, never a closed socket; and the
// sockets of a revoked token are closed.
import type { Server } from 'node:http';
import { GraphQLError, type ExecutionArgs } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocket, WebSocketServer } from 'ws';
import { maskError } from '#graphql/errors.ts';
import { checkVariables } from '#graphql/input-limits.ts';
import { bearerToken, type Caller, type TokenStore } from '#infra/auth/tokens.ts';
import type { GraphQLServer } from './graphql-server.ts';
import { abortOnReturn, type SubscriptionSlots } from './subscription-slots.ts';
import { batchWritesPerTurn } from './turn-writes.ts';

/** Close code for a socket whose token was revoked (graphql-ws uses 4403 for Forbidden). */
export const revokedCloseCode = 4403;

type SocketState = {
  caller?: Caller;
  aborter?: AbortController;
  /** Per subscription id: its abort controller and its token slot. */
  subscriptions?: Map<string, { aborter: AbortController; release: () => void }>;
};

interface Executors {
  execute(args: ExecutionArgs): unknown;
  subscribe(args: ExecutionArgs): unknown;
}

/** Limits and hooks of the WebSocket endpoint. */
export interface WebSocketOptions {
  readonly tokens: TokenStore;
  readonly slots: SubscriptionSlots;
  readonly maxPerConnection: number;
  /** Logs an unexpected error and returns the id shown to the client. */
  readonly report: (error: unknown) => string;
}

/** The attached endpoint: close every socket, or the sockets of some tokens. */
export interface WebSocketEndpoint {
  close(): Promise<void>;
  closeTokens(tokenIds: ReadonlySet<string>, reason: string): void;
  /** Token ids that currently hold at least one socket. */
  openTokenIds(): Set<string>;
}

const refusal = (message: string, code: string) => [new GraphQLError(message, { extensions: { code } })];

/** Attaches graphql-ws to `server` at /graphql. */
export function attachGraphQLWebSocket(server: Server, graphql: GraphQLServer, options: WebSocketOptions): WebSocketEndpoint {
  const wss = new WebSocketServer({ server, path: '/graphql' });
  wss.on('connection', (socket, request) => batchWritesPerTurn(socket, request.socket));
  const callers = new WeakMap<WebSocket, Caller>();
  const release = (state: SocketState, id: string) => {
    const held = state.subscriptions?.get(id);
    if (!held) return;
    state.subscriptions?.delete(id);
    held.aborter.abort();
    held.release();
  };

  useServer<Record<string, unknown>, SocketState>(
    {
      execute: (args) => (args.rootValue as Executors).execute(args) as never,
      subscribe: async (args) => {
        const { executors, aborter } = args.rootValue as { executors: Executors; aborter: AbortController };
        const result = await executors.subscribe({ ...args, rootValue: undefined });
        if (result && typeof result === 'object' && Symbol.asyncIterator in result) {
          return abortOnReturn((result as AsyncIterable<unknown>)[Symbol.asyncIterator](), aborter) as never;
        }
        return result as never;
      },
      onConnect: async (ctx) => {
        const params = ctx.connectionParams ?? {};
        const raw = params['Authorization'] ?? params['authorization'] ?? params['token'] ?? ctx.extra.request.headers.authorization;
        const value = typeof raw === 'string' ? raw : undefined;
        const caller = await options.tokens.authenticate(bearerToken(value) ?? value);
        if (!caller) return false;
        Object.assign(ctx.extra, { caller, aborter: new AbortController(), subscriptions: new Map() });
        callers.set(ctx.extra.socket, caller);
        return true;
      },
      onClose: (ctx) => {
        ctx.extra.aborter?.abort();
        for (const id of [...(ctx.extra.subscriptions?.keys() ?? [])]) release(ctx.extra, id);
      },
      onComplete: (ctx, id) => release(ctx.extra, id),
      onError: (_ctx, _id, _payload, errors) => errors.map((error) => maskError(error, 'Unexpected error', options.report)),
      onSubscribe: async (ctx, id, payload) => {
        const { caller, subscriptions } = ctx.extra;
        if (!caller || !subscriptions) return refusal('Not authenticated', 'UNAUTHENTICATED');
        if (subscriptions.size >= options.maxPerConnection) {
          return refusal(`Too many subscriptions on this connection (at most ${options.maxPerConnection})`, 'TOO_MANY_SUBSCRIPTIONS');
        }
        const slot = options.slots.acquire(caller.tokenId);
        if (!slot) return refusal('Too many subscriptions open with this token', 'TOO_MANY_SUBSCRIPTIONS');
        // Reserved before the first await, so concurrent subscribes on one socket count each other.
        const aborter = new AbortController();
        subscriptions.set(id, { aborter, release: slot });
        try {
          const signal = AbortSignal.any([aborter.signal, ...(ctx.extra.aborter ? [ctx.extra.aborter.signal] : [])]);
          checkVariables(payload.variables);
          const enveloped = graphql.yoga.getEnveloped({ caller, signal, params: payload });
          const document = enveloped.parse(payload.query);
          const errors = enveloped.validate(enveloped.schema, document);
          if (errors.length > 0) {
            release(ctx.extra, id);
            return [...errors];
          }
          return {
            schema: enveloped.schema,
            operationName: payload.operationName ?? null,
            document,
            variableValues: payload.variables ?? null,
            contextValue: await enveloped.contextFactory(),
            rootValue: { execute: enveloped.execute, executors: enveloped, aborter },
          } satisfies ExecutionArgs;
        } catch (error) {
          release(ctx.extra, id);
          return [maskError(error, 'Unexpected error', options.report) as GraphQLError];
        }
      },
    },
    wss,
  );

  return {
    async close() {
      for (const client of wss.clients) client.close(1001, 'Lockstep is shutting down');
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
    closeTokens(tokenIds, reason) {
      for (const client of wss.clients) {
        const caller = callers.get(client);
        if (caller && tokenIds.has(caller.tokenId) && client.readyState === WebSocket.OPEN) client.close(revokedCloseCode, reason);
      }
    },
    openTokenIds() {
      const ids = new Set<string>();
      for (const client of wss.clients) {
        const caller = callers.get(client);
        if (caller) ids.add(caller.tokenId);
      }
      return ids;
    },
  };
}
