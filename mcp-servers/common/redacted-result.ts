import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { trace, type Span } from '@opentelemetry/api';
import {
  createRedactionScope,
  createRedactionScopes,
  redactText,
  redactValue,
  type RedactionScope,
} from '../../redaction/index.js';
import type { ToolOutput } from './tool-definition.js';

/**
 * The wire result: the text for the model, and the same facts as structuredContent, both redacted
 * so no tool can hand a secret to a client. The structured side goes first: what its keys give
 * away (an env value, a Secret's data) is then also replaced where the text shows it bare.
 */
export function toResult(output: ToolOutput): CallToolResult {
  const structured = output.structured ? redactValue(output.structured) : undefined;
  return {
    content: [{ type: 'text', text: redactText(output.text) }],
    ...(structured ? { structuredContent: structured } : {}),
    ...(output.isError ? { isError: true } : {}),
  };
}

/**
 * One redaction scope per trace, shared by every server built in this process: an investigation's
 * calls carry its `traceparent`, so a secret one call removed by its key (an env value, a Secret's
 * data) is also replaced when a later call shows it bare (a log line, an event).
 */
const redactionScopes = createRedactionScopes();

/** The call's trace's scope; a call without a trace gets one of its own (it shares nothing with others). */
export function scopeOf(span: Span): RedactionScope {
  const context = span.spanContext();
  return trace.isSpanContextValid(context) ? redactionScopes.scopeFor(context.traceId) : createRedactionScope();
}
