// Runs an HTTP route inside a server span that continues the caller's W3C trace context, so the
// units of work it commits (and the events they publish) belong to the request's trace.
import { SpanKind, SpanStatusCode, type Tracer } from '@opentelemetry/api';
import { contextFromHeaders } from '#infra/tracing/trace-context.ts';
import type { Route } from './server.ts';

/** `route` wrapped in a span named `name` (e.g. `POST /graphql`). */
export function tracedRoute(tracer: Tracer, name: string, route: Route): Route {
  return (request, response, url) => {
    const header = (key: string) => {
      const value = request.headers[key];
      return Array.isArray(value) ? value[0] : value;
    };
    const attributes = { 'http.request.method': request.method ?? 'GET', 'url.path': url.pathname };
    return tracer.startActiveSpan(name, { kind: SpanKind.SERVER, attributes }, contextFromHeaders(header), async (span) => {
      try {
        await route(request, response, url);
      } catch (error) {
        span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
        throw error;
      } finally {
        span.setAttribute('http.response.status_code', response.statusCode);
        if (response.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
        span.end();
      }
    });
  };
}
