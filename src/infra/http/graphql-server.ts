// The one yoga instance behind /graphql: schema, context, masked errors (logged with an id the
// caller gets) and metrics. HTTP and SSE reach it through graphql-route.ts, WebSockets through
// graphql-ws.ts; both authenticate the bearer token first.
import { randomUUID } from 'node:crypto';
import { trace } from '@opentelemetry/api';
import { GraphQLError, type GraphQLSchema } from 'graphql';
import { createYoga, type Plugin, type YogaServerInstance } from 'graphql-yoga';
// GraphiQL with its scripts, styles and workers inlined: the page loads nothing from outside.
import { renderGraphiQL } from '@graphql-yoga/render-graphiql';
import { maskError } from '#graphql/errors.ts';
import { checkVariables, storableLiteralsRule } from '#graphql/input-limits.ts';
import { useSharedSubscriptionAnswers } from '#graphql/shared-subscription-results.ts';
import type { GraphQLContext } from '#graphql/context.ts';
import { bearerToken, type Caller } from '#infra/auth/tokens.ts';
import type { Logger } from '#infra/logger.ts';
import type { Metrics } from '#infra/metrics.ts';
import type { Services } from '#infra/services/services.ts';

interface ServerContext {
  /** The caller, checked before yoga sees the request (HTTP) or when the socket connected (WebSocket). */
  readonly caller?: Caller;
  readonly signal?: AbortSignal;
}

/** The GraphQL endpoint, ready to mount on a node HTTP server (see graphql-route.ts, graphql-ws.ts). */
export interface GraphQLServer {
  readonly yoga: YogaServerInstance<ServerContext, GraphQLContext>;
  /** Logs an unexpected error and returns the id the masked error shows the caller. */
  readonly report: (error: unknown) => string;
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
      // The request's span (see traced-route.ts) takes the operation's name.
      const span = trace.getActiveSpan();
      span?.updateName(`graphql ${type} ${name}`);
      span?.setAttributes({ 'graphql.operation.type': type, 'graphql.operation.name': name });
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

/** Refuses unstorable input (NUL characters, oversized lists) before the operation runs. */
function inputLimitsPlugin(): Plugin {
  return {
    onParams({ params }) {
      checkVariables(params.variables);
    },
    onValidate({ addValidationRule }) {
      addValidationRule(storableLiteralsRule);
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
    graphiql: {
      subscriptionsProtocol: 'WS',
      title: 'Lockstep',
      defaultHeaders: JSON.stringify({ Authorization: 'Bearer <your token>' }, null, 2),
    },
    renderGraphiQL,
    maskedErrors: { maskError: (error, message) => maskError(error, message, report) },
    logging: false,
    // graphql-route.ts reads every body itself, refusing one above LOCKSTEP_MAX_REQUEST_BYTES with
    // 413 before yoga sees it; yoga's own (larger) limit would only pipe each body through a
    // transform stream again.
    maxRequestBodySize: false,
    plugins: [inputLimitsPlugin(), metricsPlugin(metrics), useSharedSubscriptionAnswers()],
    context: async (initial): Promise<GraphQLContext> => {
      if (initial.caller) {
        // A WebSocket operation brings its own signal; an HTTP request's aborts when its client leaves.
        const signal = initial.signal ?? (initial.request as Request | undefined)?.signal;
        return { caller: initial.caller, services, ...(signal ? { signal } : {}) };
      }
      const header = initial.request.headers.get('authorization');
      const token = bearerToken(header);
      if (!token) throw unauthenticated('Missing bearer token: send "Authorization: Bearer <token>"');
      const caller = await services.tokens.authenticate(token);
      if (!caller) throw unauthenticated('Unknown or revoked token');
      return { caller, services, signal: initial.request.signal };
    },
  });

  return { yoga, report };
}
