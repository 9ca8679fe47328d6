// The console talks to Lockstep only through the public GraphQL API, with the signed-in person's
// token: queries and mutations over HTTP, live views over graphql-ws on the same port.
import { createClient, type Client } from 'graphql-ws';

/** An answer with GraphQL errors: their messages, joined, and the first error's code. */
export class ApiError extends Error {
  readonly code: string | undefined;
  constructor(message: string, code: string | undefined) {
    super(message);
    this.code = code;
  }
}

interface GraphQLAnswer<T> {
  readonly data?: T | null;
  readonly errors?: ReadonlyArray<{ readonly message: string; readonly extensions?: { readonly code?: string } }>;
}

export interface Api {
  run<T>(query: string, variables?: Record<string, unknown>): Promise<T>;
  /** Calls `next` with each event of a subscription until the returned function is called. */
  subscribe<T>(query: string, variables: Record<string, unknown>, next: (data: T) => void): () => void;
  close(): void;
}

export function createApi(token: string): Api {
  let socket: Client | undefined;
  const openSocket = (): Client => {
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    socket ??= createClient({
      url: `${scheme}://${location.host}/graphql`,
      connectionParams: { authorization: `Bearer ${token}` },
      retryAttempts: Number.POSITIVE_INFINITY,
      shouldRetry: () => true,
    });
    return socket;
  };
  return {
    async run<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
      const response = await fetch('/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query, variables }),
      });
      let answer: GraphQLAnswer<T>;
      try {
        answer = (await response.json()) as GraphQLAnswer<T>;
      } catch {
        throw new ApiError(`Lockstep answered ${response.status} without a GraphQL body`, undefined);
      }
      const first = answer.errors?.[0];
      if (first) throw new ApiError(answer.errors?.map((error) => error.message).join('; ') ?? first.message, first.extensions?.code);
      if (!answer.data) throw new ApiError(`Lockstep answered ${response.status} without data`, undefined);
      return answer.data;
    },
    subscribe<T>(query: string, variables: Record<string, unknown>, next: (data: T) => void): () => void {
      return openSocket().subscribe<T>(
        { query, variables },
        {
          next: (event) => {
            if (event.data) next(event.data as T);
          },
          error: () => {},
          complete: () => {},
        },
      );
    },
    close: () => void socket?.dispose(),
  };
}
