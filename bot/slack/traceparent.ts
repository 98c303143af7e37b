import { randomBytes } from 'node:crypto';
import { context, propagation, trace } from '@opentelemetry/api';

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/**
 * The `traceparent` a Slack event's job carries: the active span's context when tracing is on,
 * otherwise a fresh sampled W3C trace context, so the trace id is always there to quote to people.
 */
export function startTraceparent(): string {
  const carrier: Record<string, string> = {};
  if (trace.getActiveSpan()) propagation.inject(context.active(), carrier);
  const injected = carrier['traceparent'];
  if (injected && TRACEPARENT.test(injected)) return injected;
  return `00-${randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}-01`;
}

/** The 32-hex trace id of a traceparent, or undefined when it is malformed. */
export function traceIdOf(traceparent: string | undefined): string | undefined {
  return traceparent ? TRACEPARENT.exec(traceparent)?.[1] : undefined;
}
