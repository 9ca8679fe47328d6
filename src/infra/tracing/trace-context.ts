// W3C trace context (`traceparent`, `tracestate`) in and out of carriers: HTTP headers, outbox
// rows and NATS message headers, so a trace crosses the outbox and JetStream intact.
import { context, ROOT_CONTEXT, type Context } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';

const propagator = new W3CTraceContextPropagator();

/** The active span's context as W3C headers (empty when nothing is traced). */
export function currentTraceHeaders(active: Context = context.active()): Record<string, string> {
  const carrier: Record<string, string> = {};
  propagator.inject(active, carrier, { set: (target, key, value) => (target[key] = value) });
  return carrier;
}

/** The context a carrier's W3C headers describe (the root context when it has none). */
export function contextFromHeaders(read: (name: string) => string | undefined): Context {
  return propagator.extract(ROOT_CONTEXT, null, {
    keys: () => ['traceparent', 'tracestate'],
    get: (_carrier, key) => read(key),
  });
}
