// POST/GET /graphql in front of yoga: the bearer token is checked before anything of the request
// is read, parsed or validated (so a caller without a valid token learns no field names), and a
// body above the configured size is refused with 413 before it is buffered whole.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { bearerToken, type Caller, type TokenStore } from '#infra/auth/tokens.ts';
import type { GraphQLServer } from './graphql-server.ts';
import type { SubscriptionSlots } from './subscription-slots.ts';

class BodyTooLarge extends Error {}

async function readLimited(request: IncomingMessage, limit: number): Promise<Buffer> {
  if (Number(request.headers['content-length'] ?? 0) > limit) throw new BodyTooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new BodyTooLarge();
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function sendErrors(response: ServerResponse, status: number, message: string, code: string): void {
  const text = JSON.stringify({ errors: [{ message, extensions: { code } }] });
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    ...(status === 401 ? { 'www-authenticate': 'Bearer' } : {}),
  });
  response.end(text);
}

/** GraphiQL's page and CORS preflights carry no operation and need no token. */
function needsNoToken(request: IncomingMessage): boolean {
  if (request.method === 'OPTIONS') return true;
  return request.method === 'GET' && (request.headers.accept ?? '').includes('text/html');
}

/** The /graphql handler for plain HTTP and SSE, and a handle on the open SSE streams. */
export interface GraphQLRoute {
  readonly handle: (request: IncomingMessage, response: ServerResponse, url: URL) => Promise<void>;
  /** Ends the open SSE streams of these tokens (revoked). */
  closeTokens(tokenIds: ReadonlySet<string>): void;
  /** Token ids that hold an open SSE stream. */
  openTokenIds(): Set<string>;
}

/** The /graphql route for plain HTTP and SSE (WebSockets are attached separately). */
export function createGraphQLRoute(graphql: GraphQLServer, tokens: TokenStore, slots: SubscriptionSlots, maxRequestBytes: number): GraphQLRoute {
  const streams = new Map<ServerResponse, string>();
  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    if (needsNoToken(request)) {
      await graphql.yoga.handle(request, response, {});
      return;
    }
    const header = request.headers.authorization;
    const token = bearerToken(header);
    if (!token) {
      request.resume();
      sendErrors(response, 401, 'Missing bearer token: send "Authorization: Bearer <token>"', 'UNAUTHENTICATED');
      return;
    }
    const caller: Caller | undefined = await tokens.authenticate(token);
    if (!caller) {
      request.resume();
      sendErrors(response, 401, 'Unknown or revoked token', 'UNAUTHENTICATED');
      return;
    }
    // An SSE stream is a subscription: it holds one of the token's slots while it is open.
    let release: (() => void) | undefined;
    if ((request.headers.accept ?? '').includes('text/event-stream')) {
      release = slots.acquire(caller.tokenId);
      if (!release) {
        request.resume();
        sendErrors(response, 429, 'Too many subscriptions open with this token', 'TOO_MANY_SUBSCRIPTIONS');
        return;
      }
      streams.set(response, caller.tokenId);
      response.once('close', () => {
        streams.delete(response);
        release?.();
      });
    }
    if (request.method !== 'POST') {
      await graphql.yoga.handle(request, response, { caller });
      return;
    }
    let body: Buffer;
    try {
      body = await readLimited(request, maxRequestBytes);
    } catch (error) {
      if (!(error instanceof BodyTooLarge)) throw error;
      request.resume();
      sendErrors(response, 413, `Request body larger than ${maxRequestBytes} bytes`, 'PAYLOAD_TOO_LARGE');
      return;
    }
    // whatwg-node takes a request whose body was already read as that body (the way body-parsing
    // frameworks hand it over), so yoga answers straight onto the node response, as for GET; it
    // aborts the request's signal when the client leaves before its answer is complete.
    (request as IncomingMessage & { body?: Buffer }).body = body;
    await graphql.yoga.handle(request, response, { caller });
  };
  return {
    handle,
    closeTokens(tokenIds) {
      for (const [response, tokenId] of streams) if (tokenIds.has(tokenId)) response.destroy();
    },
    openTokenIds: () => new Set(streams.values()),
  };
}
