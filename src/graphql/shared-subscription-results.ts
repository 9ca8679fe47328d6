// Subscribers of one event who sent the same document and variables and hold the same role get the
// same answer, so the event's selection set is executed once for all of them (graphql-js's own
// per-event executor hook), and the result is kept on the event, so it lives only as long as that.
import {
  GraphQLError,
  createSourceEventStream,
  executeSubscriptionEvent,
  getOperationAST,
  mapSourceToResponseEvent,
  validateSubscriptionArgs,
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
} from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Caller } from '#infra/auth/tokens.ts';
import type { GraphQLContext } from './context.ts';

type PerEventArgs = Parameters<typeof executeSubscriptionEvent>[0];

/** The answer one subscriber computed for an event, for the others with the same key. */
interface SharedAnswer {
  readonly payload: unknown;
  readonly result: ReturnType<typeof executeSubscriptionEvent>;
}

const documentIds = new WeakMap<DocumentNode, string>();
let nextDocumentId = 0;

/** The document's text (the same text parses to the same operations), else its identity. */
function documentKey(document: DocumentNode): string {
  const text = document.loc?.source.body;
  if (text !== undefined) return text;
  let id = documentIds.get(document);
  if (id === undefined) documentIds.set(document, (id = `#${(nextDocumentId += 1)}`));
  return id;
}

/**
 * What may differ between the answers of two subscribers to one event: the operation, its
 * variables, and the caller's role (scope-auth and the admin-only fields read the role and nothing
 * else of the caller; see roleOnly).
 */
function answerKey(args: ExecutionArgs, caller: Caller): string {
  return JSON.stringify([documentKey(args.document), args.operationName ?? null, args.variableValues ?? null, caller.role]);
}

/**
 * The caller as a shared execution sees it: its role alone. A resolver that read more of the
 * caller would make answers differ within one key, so it fails loudly instead of leaking.
 */
function roleOnly(caller: Caller): Caller {
  const refuse = (what: string): never => {
    throw new Error(`a subscription answer is shared by every caller with the role ${caller.role}: it must not read the caller's ${what}`);
  };
  return {
    role: caller.role,
    get tokenId() {
      return refuse('token');
    },
    get name() {
      return refuse('name');
    },
  };
}

/** The operation's variable errors, marked as the caller's (as yoga's own executor marks them). */
function asBadUserInput(error: GraphQLError): GraphQLError {
  return new GraphQLError(error.message, {
    ...(error.nodes ? { nodes: error.nodes } : {}),
    ...(error.source ? { source: error.source } : {}),
    ...(error.positions ? { positions: error.positions } : {}),
    ...(error.path ? { path: error.path } : {}),
    ...(error.originalError ? { originalError: error.originalError } : {}),
    extensions: { ...error.extensions, code: 'BAD_USER_INPUT', http: { status: 400 } },
  });
}

/**
 * The source stream, with an error it throws located at the operation (as yoga's own executor
 * does); a plain wrapper rather than a generator, as it runs for every event of every subscriber.
 */
function locatingErrors<T>(stream: AsyncIterable<T>, document: DocumentNode, operationName: string | null | undefined): AsyncIterable<T> {
  const iterator = stream[Symbol.asyncIterator]();
  const locate = (cause: unknown): GraphQLError => {
    const operation = getOperationAST(document, operationName);
    const original = cause instanceof Error ? cause : new Error(String(cause));
    return new GraphQLError(original.message, { originalError: original, ...(operation ? { nodes: [operation] } : {}) });
  };
  const rethrow = (error: unknown): never => {
    if (error instanceof AggregateError) throw new AggregateError(error.errors.map(locate), error.message);
    throw locate(error);
  };
  const wrapped: AsyncIterator<T> = {
    next: () => iterator.next().then(undefined, rethrow),
    return: async (value?: unknown) => (await iterator.return?.(value)) ?? { done: true, value: undefined },
    throw: async (error?: unknown) => {
      if (iterator.throw) return iterator.throw(error);
      throw error;
    },
  };
  return { [Symbol.asyncIterator]: () => wrapped };
}

/**
 * Subscribe as graphql-js does, except that each event's answer is computed once per answer key
 * while the event lasts (see GraphQLContext.event); an event without one, or a subscription that
 * yields a payload of its own, is executed for its subscriber alone.
 */
export function subscribeSharingAnswers(args: ExecutionArgs): ReturnType<typeof mapSourceToResponseEvent> | ExecutionResult | Promise<ReturnType<typeof mapSourceToResponseEvent> | ExecutionResult> {
  const validated = validateSubscriptionArgs(args);
  if (!('schema' in validated)) return { errors: validated.map(asBadUserInput) };
  const context = args.contextValue as GraphQLContext;
  const key = `answer|${answerKey(args, context.caller)}`;
  const executeOnce = (perEvent: PerEventArgs) => {
    const event = (perEvent.contextValue as GraphQLContext).event;
    if (!event) return executeSubscriptionEvent(perEvent);
    const shared = event.shared<SharedAnswer>(key, () => ({
      payload: perEvent.rootValue,
      result: executeSubscriptionEvent({
        ...perEvent,
        contextValue: { caller: roleOnly(context.caller), services: context.services, event } satisfies GraphQLContext,
      }),
    }));
    return shared.payload === perEvent.rootValue ? shared.result : executeSubscriptionEvent(perEvent);
  };
  const respond = (stream: Awaited<ReturnType<typeof createSourceEventStream>>) =>
    Symbol.asyncIterator in stream
      ? mapSourceToResponseEvent(validated, locatingErrors(stream, args.document, args.operationName), executeOnce)
      : stream;
  const stream = createSourceEventStream(validated);
  return stream instanceof Promise ? stream.then(respond) : respond(stream);
}

/** The envelop plugin that makes every subscription (WebSocket and SSE) share answers. */
export function useSharedSubscriptionAnswers(): Plugin {
  return {
    onSubscribe({ setSubscribeFn }) {
      setSubscribeFn(subscribeSharingAnswers as Parameters<typeof setSubscribeFn>[0]);
    },
  };
}
