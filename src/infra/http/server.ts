// The one HTTP port: GraphQL (HTTP, SSE, WebSocket) on /graphql, /healthz, /metrics. Requests are
// counted and timed here; streaming responses are counted but not timed; a request that fails is
// answered 500 and its cause logged.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Logger } from '#infra/logger.ts';
import type { Metrics } from '#infra/metrics.ts';

/** A route handler; return false to fall through to 404. */
export type Route = (request: IncomingMessage, response: ServerResponse, url: URL) => Promise<void> | void;

/** Routes by exact path or by prefix (entries ending in `/*`). */
export function createHttpServer(routes: Record<string, Route>, metrics: Metrics, logger?: Logger): Server {
  const entries = Object.entries(routes);
  const match = (pathname: string): [string, Route] | undefined =>
    entries.find(([path]) => (path.endsWith('/*') ? pathname.startsWith(path.slice(0, -1)) : pathname === path));

  return createServer(async (request, response) => {
    const url = new URL(request.url ?? '/', 'http://lockstep.invalid');
    const found = match(url.pathname);
    const route = found?.[0] ?? 'unmatched';
    const stopTimer = metrics.httpDuration.startTimer({ method: request.method ?? 'GET', route });
    response.once('finish', () => {
      metrics.httpRequests.inc({ method: request.method ?? 'GET', route, status: String(response.statusCode) });
      if (!String(response.getHeader('content-type') ?? '').includes('text/event-stream')) stopTimer();
    });
    try {
      if (!found) {
        sendJson(response, 404, { error: `No route for ${request.method} ${url.pathname}` });
        return;
      }
      await found[1](request, response, url);
    } catch (error) {
      // The client only learns "Internal error"; the operator gets the cause.
      logger?.error({ err: error, route, method: request.method }, 'request failed');
      if (!response.headersSent) sendJson(response, 500, { error: 'Internal error' });
      else response.destroy(error instanceof Error ? error : undefined);
    }
  });
}

/** Writes a JSON response. */
export function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}
