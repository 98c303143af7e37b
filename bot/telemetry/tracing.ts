import { context, propagation, SpanStatusCode, trace, type Attributes, type Context } from '@opentelemetry/api';

/** The tracer every bot part uses; a no-op until an entry point starts the OpenTelemetry SDK. */
export function botTracer() {
  return trace.getTracer('sre-bot');
}

/** The context a W3C `traceparent` (from job data or MCP `_meta`) continues. */
export function contextFromTraceparent(traceparent: string | undefined, base: Context = context.active()): Context {
  return traceparent ? propagation.extract(base, { traceparent }) : base;
}

/** The `traceparent` of the active span, for passing on (MCP `_meta`); the fallback without one. */
export function activeTraceparent(fallback?: string): string | undefined {
  const carrier: Record<string, string> = {};
  if (trace.getActiveSpan()?.spanContext().traceId) propagation.inject(context.active(), carrier);
  return carrier['traceparent'] ?? fallback;
}

/**
 * Runs `fn` in a span named `name` (a child of `parent`, or of the active context), recording
 * an exception and error status when it throws.
 */
export async function inSpan<T>(
  name: string,
  attributes: Attributes,
  fn: () => Promise<T>,
  parent?: Context,
): Promise<T> {
  return botTracer().startActiveSpan(name, { attributes }, parent ?? context.active(), async (span) => {
    try {
      return await fn();
    } catch (error) {
      span.recordException(error instanceof Error ? error : new Error(String(error)));
      span.setStatus({ code: SpanStatusCode.ERROR });
      throw error;
    } finally {
      span.end();
    }
  });
}
