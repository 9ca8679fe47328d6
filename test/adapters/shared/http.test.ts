import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultRetryAfterMs, responseJson, retryAfterMs, sendRequest } from '#adapters/shared/http.ts';
import { externalFailure } from '#test/support/failures.ts';

type Handler = (request: IncomingMessage, body: string, response: ServerResponse) => void;

// One loopback server; each test names the answer it wants in the path.
const handlers = new Map<string, Handler>();
let server: Server;
let base: string;

function route(path: string, handler: Handler): string {
  handlers.set(path, handler);
  return `${base}${path}`;
}

function answer(status: number, headers: Record<string, string> = {}, body = ''): Handler {
  return (_request, _body, response) => {
    response.writeHead(status, headers);
    response.end(body);
  };
}


beforeAll(async () => {
  server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const handler = handlers.get(new URL(request.url ?? '/', 'http://x').pathname) ?? answer(599);
      handler(request, Buffer.concat(chunks).toString('utf8'), response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('sendRequest', () => {
  it('sends a JSON body and returns a 2xx answer', async () => {
    const url = route('/echo', (request, body, response) => {
      response.writeHead(201, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ method: request.method, type: request.headers['content-type'], got: JSON.parse(body) as unknown }));
    });
    const response = await sendRequest({ url, json: { a: [1, 'two'] } });
    expect(response.status).toBe(201);
    expect(responseJson(response)).toEqual({ method: 'POST', type: 'application/json', got: { a: [1, 'two'] } });
  });

  it('reads a non-JSON or empty answer as no JSON', async () => {
    expect(responseJson(await sendRequest({ url: route('/plain', answer(200, {}, 'ok')) }))).toBeUndefined();
    expect(responseJson(await sendRequest({ url: route('/empty', answer(204)) }))).toBeUndefined();
  });

  it('maps 429 with Retry-After in seconds to rate_limited with that wait', async () => {
    const error = await externalFailure(sendRequest({ url: route('/429s', answer(429, { 'retry-after': '7' })) }));
    expect(error.kind).toBe('rate_limited');
    expect(error.status).toBe(429);
    expect(error.retryAfterMs).toBe(7000);
    expect(error.isTransient()).toBe(true);
  });

  it('maps 429 with Retry-After as an HTTP-date to the time until then', async () => {
    const at = new Date(Date.now() + 120_000).toUTCString();
    const error = await externalFailure(sendRequest({ url: route('/429d', answer(429, { 'retry-after': at })) }));
    expect(error.kind).toBe('rate_limited');
    expect(error.retryAfterMs).toBeGreaterThan(115_000);
    expect(error.retryAfterMs).toBeLessThanOrEqual(120_000);
  });

  it('maps 429 with X-RateLimit-Reset, or nothing, to a wait', async () => {
    const reset = String(Math.floor(Date.now() / 1000) + 60);
    const byReset = await externalFailure(sendRequest({ url: route('/429r', answer(429, { 'x-ratelimit-reset': reset })) }));
    expect(byReset.retryAfterMs).toBeGreaterThan(55_000);
    expect(byReset.retryAfterMs).toBeLessThanOrEqual(60_000);
    const bare = await externalFailure(sendRequest({ url: route('/429', answer(429)) }));
    expect(bare.retryAfterMs).toBe(defaultRetryAfterMs);
    const custom = await externalFailure(sendRequest({ url: `${base}/429`, fallbackRetryAfterMs: 1234 }));
    expect(custom.retryAfterMs).toBe(1234);
  });

  it('maps 401 and 403 to unauthorized, 404 to not_found, 5xx to unavailable', async () => {
    expect((await externalFailure(sendRequest({ url: route('/401', answer(401)) }))).kind).toBe('unauthorized');
    expect((await externalFailure(sendRequest({ url: route('/403', answer(403)) }))).kind).toBe('unauthorized');
    expect((await externalFailure(sendRequest({ url: route('/404', answer(404)) }))).kind).toBe('not_found');
    const unavailable = await externalFailure(sendRequest({ url: route('/500', answer(500, {}, 'boom')) }));
    expect(unavailable.kind).toBe('unavailable');
    expect(unavailable.status).toBe(500);
    expect(unavailable.isTransient()).toBe(true);
    expect((await externalFailure(sendRequest({ url: route('/503', answer(503, { 'retry-after': '3' })) }))).retryAfterMs).toBe(3000);
  });

  it('maps other 4xx to rejected, naming the status and an excerpt of the body but not the query', async () => {
    const url = route('/422', answer(422, {}, `{"error": "title is ${'very '.repeat(100)}long"}`));
    const error = await externalFailure(sendRequest({ url: `${url}?secret=hush`, json: {} }));
    expect(error.kind).toBe('rejected');
    expect(error.isTransient()).toBe(false);
    expect(error.message).toContain(`POST ${base}/422 answered 422: {"error": "title is very`);
    expect(error.message.length).toBeLessThan(300);
    expect(error.message).not.toContain('hush');
  });

  it('maps a timeout to unavailable', async () => {
    const url = route('/slow', (_request, _body, response) => {
      setTimeout(() => response.end('late'), 2000).unref();
    });
    const error = await externalFailure(sendRequest({ url, timeoutMs: 100 }));
    expect(error.kind).toBe('unavailable');
    expect(error.message).toContain('timed out after 100 ms');
  });

  it('maps a refused connection to unavailable', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const error = await externalFailure(sendRequest({ url: `http://127.0.0.1:${port}/` }));
    expect(error.kind).toBe('unavailable');
    expect(error.message).toContain('ECONNREFUSED');
  });

  it("rethrows the caller's own abort instead of calling it an outage", async () => {
    const url = route('/slow-abort', (_request, _body, response) => {
      setTimeout(() => response.end('late'), 2000).unref();
    });
    const controller = new AbortController();
    const reason = new Error('shutting down');
    setTimeout(() => controller.abort(reason), 50);
    await expect(sendRequest({ url, signal: controller.signal })).rejects.toBe(reason);
  });
});

describe('a caller deadline', () => {
  it('counts as the side being slow: unavailable', async () => {
    const url = route('/slow-deadline', (_request, _body, response) => {
      setTimeout(() => response.end('late'), 2000).unref();
    });
    const error = await externalFailure(sendRequest({ url, signal: AbortSignal.timeout(50) }));
    expect(error.kind).toBe('unavailable');
  });
});

describe('retryAfterMs', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');

  it('reads seconds, HTTP-dates, epoch resets and small reset deltas, never negative', () => {
    expect(retryAfterMs(new Headers({ 'retry-after': '0' }), now)).toBe(0);
    expect(retryAfterMs(new Headers({ 'retry-after': 'Thu, 01 Jan 2026 00:00:30 GMT' }), now)).toBe(30_000);
    expect(retryAfterMs(new Headers({ 'retry-after': 'Wed, 31 Dec 2025 23:59:00 GMT' }), now)).toBe(0);
    expect(retryAfterMs(new Headers({ 'x-ratelimit-reset': String(now / 1000 + 5) }), now)).toBe(5000);
    expect(retryAfterMs(new Headers({ 'x-ratelimit-reset': '12' }), now)).toBe(12_000);
    expect(retryAfterMs(new Headers({ 'retry-after': 'soon' }), now)).toBeUndefined();
    expect(retryAfterMs(new Headers(), now)).toBeUndefined();
  });
});
