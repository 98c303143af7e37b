import { context, trace, TraceFlags, type Context } from '@opentelemetry/api';

const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/** The caller's trace from a W3C `traceparent` in MCP `_meta`; invalid or all-zero ids are ignored. */
export function contextFromTraceparent(traceparent: unknown, parent: Context = context.active()): Context {
  if (typeof traceparent !== 'string') return parent;
  const match = TRACEPARENT.exec(traceparent.trim().toLowerCase());
  if (!match) return parent;
  const [, version, traceId = '', spanId = '', flags = '00'] = match;
  if (version === 'ff' || /^0+$/.test(traceId) || /^0+$/.test(spanId)) return parent;
  return trace.setSpanContext(parent, { traceId, spanId, traceFlags: Number.parseInt(flags, 16) & TraceFlags.SAMPLED, isRemote: true });
}

/** The `traceparent` to send upstream for the span active in `ctx`; undefined without a valid span. */
export function traceparentOf(ctx: Context): string | undefined {
  const spanContext = trace.getSpanContext(ctx);
  if (!spanContext || !trace.isSpanContextValid(spanContext)) return undefined;
  return `00-${spanContext.traceId}-${spanContext.spanId}-0${spanContext.traceFlags & TraceFlags.SAMPLED}`;
}
