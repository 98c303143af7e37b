import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * The Prometheus metrics of an MCP server process: tool calls by server, tool and outcome (`ok`,
 * `tool_error` for an isError result the model can act on, `failed` for a thrown failure), their
 * durations, and the standard Node.js process metrics once the HTTP transport starts. One
 * registry per process: a process runs one server, and `/metrics` of its HTTP transport serves it.
 */
export const toolMetricsRegistry = new Registry();

const toolCalls = new Counter({
  name: 'sre_bot_mcp_tool_calls_total',
  help: 'MCP tools/call requests by server, tool and outcome.',
  labelNames: ['server', 'tool', 'outcome'],
  registers: [toolMetricsRegistry],
});

const toolSeconds = new Histogram({
  name: 'sre_bot_mcp_tool_call_duration_seconds',
  help: 'MCP tool call duration inside the server, backend calls included.',
  labelNames: ['server', 'tool'],
  buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20],
  registers: [toolMetricsRegistry],
});

let isCollectingProcessMetrics = false;

/** Counts one finished tool call. */
export function recordToolCall(
  server: string,
  tool: string,
  outcome: 'ok' | 'tool_error' | 'failed',
  seconds: number,
): void {
  toolCalls.inc({ server, tool, outcome });
  toolSeconds.observe({ server, tool }, seconds);
}

/** Starts the process metrics (standard names) on the registry; repeated calls are no-ops. */
export function collectProcessMetrics(): void {
  if (isCollectingProcessMetrics) return;
  isCollectingProcessMetrics = true;
  collectDefaultMetrics({ register: toolMetricsRegistry });
}
