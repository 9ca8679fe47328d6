// GraphQL over HTTP (yoga, with GraphiQL and SSE) and over WebSocket (graphql-ws,
// `graphql-transport-ws`), both on /graphql and both authenticated by bearer token.
import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import { GraphQLError, type ExecutionArgs, type GraphQLSchema } from 'graphql';
import { createYoga, type Plugin, type YogaServerInstance } from 'graphql-yoga';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import { maskError } from '#graphql/errors.ts';
import type { GraphQLContext } from '#graphql/context.ts';
import { bearerToken, type Caller } from '#infra/auth/tokens.ts';
import type { Logger } from '#infra/logger.ts';
import type { Metrics } from '#infra/metrics.ts';
import type { Services } from '#infra/services/services.ts';

interface ServerContext {
  /** Set for WebSocket operations: the caller was checked when the socket connected. */
  readonly caller?: Caller;
  readonly signal?: AbortSignal;
}

/** The GraphQL endpoint, ready to mount on a node HTTP server. */
export interface GraphQLServer {
  readonly yoga: YogaServerInstance<ServerContext, GraphQLContext>;
  /** Attaches the WebSocket endpoint to `server`; returns a function that closes every socket. */
  attachWebSocket(server: Server): () => Promise<void>;
}

const unauthenticated = (reason: string) =>
  new GraphQLError(reason, { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });

function metricsPlugin(metrics: Metrics): Plugin {
  return {
    onExecute({ args }) {
      const operation = args.document.definitions.find((d: { kind: string }) => d.kind === 'OperationDefinition');
      const type = operation && 'operation' in operation ? String(operation.operation) : 'unknown';
      const name = (operation && 'name' in operation && operation.name?.value) || 'anonymous';
      metrics.graphqlOperations.inc({ type, name });
      return {
        onExecuteDone({ result }) {
          if ('errors' in result && result.errors) {
            for (const error of result.errors) {
              metrics.graphqlErrors.inc({ type, name, code: String(error.extensions?.['code'] ?? 'UNKNOWN') });
            }
          }
        },
      };
    },
  };
}

/** Builds the yoga instance and the WebSocket bridge over one schema. */
export function createGraphQLServer(schema: GraphQLSchema, services: Services, metrics: Metrics, logger: Logger): GraphQLServer {
  const report = (error: unknown): string => {
    const errorId = randomUUID();
    logger.error({ err: error, errorId }, 'GraphQL operation failed with an internal error');
    return errorId;
  };
  const yoga = createYoga<ServerContext, GraphQLContext>({
    schema,
    graphqlEndpoint: '/graphql',
    landingPage: false,
    graphiql: { subscriptionsProtocol: 'WS', title: 'Lockstep' },
    maskedErrors: { maskError: (error, message) => maskError(error, message, report) },
    logging: false,
    plugins: [metricsPlugin(metrics)],
    context: async (initial): Promise<GraphQLContext> => {
      if (initial.caller) {
        return { caller: initial.caller, services, ...(initial.signal ? { signal: initial.signal } : {}) };
      }
      const header = initial.request.headers.get('authorization');
      const token = bearerToken(header);
      if (!token) throw unauthenticated('Missing bearer token: send "Authorization: Bearer <token>"');
      const caller = await services.tokens.authenticate(token);
      if (!caller) throw unauthenticated('Unknown or revoked token');
      return { caller, services, signal: initial.request.signal };
    },
  });

  function attachWebSocket(server: Server) {
    const wss = new WebSocketServer({ server, path: '/graphql' });
    useServer<Record<string, unknown>, { caller?: Caller; aborter?: AbortController }>(
      {
        execute: (args) => (args.rootValue as { execute: (a: ExecutionArgs) => unknown }).execute(args) as never,
        subscribe: (args) => (args.rootValue as { subscribe: (a: ExecutionArgs) => unknown }).subscribe(args) as never,
        onConnect: async (ctx) => {
          const params = ctx.connectionParams ?? {};
          const raw =
            params['Authorization'] ?? params['authorization'] ?? params['token'] ?? ctx.extra.request.headers.authorization;
          const value = typeof raw === 'string' ? raw : undefined;
          const caller = await services.tokens.authenticate(bearerToken(value) ?? value);
          if (!caller) return false;
          Object.assign(ctx.extra, { caller, aborter: new AbortController() });
          return true;
        },
        onClose: (ctx) => ctx.extra.aborter?.abort(),
        onSubscribe: async (ctx, _id, payload) => {
          const { schema: enveloped, execute, subscribe, contextFactory, parse, validate } = yoga.getEnveloped({
            caller: ctx.extra.caller,
            signal: ctx.extra.aborter?.signal,
            params: payload,
          });
          const args: ExecutionArgs = {
            schema: enveloped,
            operationName: payload.operationName ?? null,
            document: parse(payload.query),
            variableValues: payload.variables ?? null,
            contextValue: await contextFactory(),
            rootValue: { execute, subscribe },
          };
          const errors = validate(args.schema, args.document);
          return errors.length > 0 ? errors : args;
        },
      },
      wss,
    );
    return async () => {
      for (const client of wss.clients) client.close(1001, 'Lockstep is shutting down');
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    };
  }

  return { yoga, attachWebSocket };
}
