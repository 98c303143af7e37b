import type { ToolCallRecorder } from '../agent/ports.js';
import type { Store } from '../store/store.js';

/** Audits the pipeline's tool calls into `tool_calls`, linked to the investigation and trace. */
export function storeToolCallRecorder(store: Store, investigationId: string, traceId?: string): ToolCallRecorder {
  return {
    record: (call) =>
      store.toolCalls.record({
        investigationId,
        server: call.server,
        tool: call.tool,
        arguments: call.arguments,
        outcome: call.outcome,
        durationMs: call.durationMs,
        ...(call.instance ? { instance: call.instance } : {}),
        ...(call.error ? { error: call.error } : {}),
        ...(call.structured !== undefined ? { result: call.structured } : {}),
        ...(traceId ? { traceId } : {}),
      }),
  };
}
