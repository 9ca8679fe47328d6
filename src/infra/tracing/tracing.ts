// OpenTelemetry traces: one trace follows a change from the webhook or GraphQL request that made
// it, through the outbox and JetStream (W3C trace context in message headers), to the pushes it
// causes. Exported over OTLP/HTTP when OTEL_EXPORTER_OTLP_ENDPOINT is set; a no-op otherwise.
import { context, trace, type Tracer } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';

/** The tracer of one Lockstep process, and how to flush it on shutdown. */
export interface Tracing {
  readonly tracer: Tracer;
  /** Exports what is buffered and stops. */
  shutdown(): Promise<void>;
}

let contextManagerSet = false;

/** Spans follow async calls (a unit of work finds the span it runs in); registered once per process. */
function ensureContextManager(): void {
  if (contextManagerSet) return;
  contextManagerSet = context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
}

/** Tracing to `otlpEndpoint` (base URL; spans go to `/v1/traces`), to `processor` (tests), or nowhere. */
export function createTracing(options: { otlpEndpoint?: string | undefined; processor?: SpanProcessor | undefined }): Tracing {
  const processors: SpanProcessor[] = [];
  if (options.processor) processors.push(options.processor);
  if (options.otlpEndpoint) {
    const url = `${options.otlpEndpoint.replace(/\/+$/, '')}/v1/traces`;
    processors.push(new BatchSpanProcessor(new OTLPTraceExporter({ url })));
  }
  if (processors.length === 0) {
    // No provider registered: the API's tracer records nothing and costs next to nothing.
    return { tracer: trace.getTracer('lockstep'), shutdown: async () => undefined };
  }
  ensureContextManager();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'lockstep' }),
    spanProcessors: processors,
  });
  return { tracer: provider.getTracer('lockstep'), shutdown: () => provider.shutdown() };
}
