/** Span attribute keys the gateway sets (OpenTelemetry MCP / GenAI conventions plus our own). */
export const SpanAttributes = Object.freeze({
  operationName: 'gen_ai.operation.name',
  toolName: 'gen_ai.tool.name',
  mcpMethod: 'mcp.method.name',
  principal: 'sre_bot.gateway.principal',
  instance: 'sre_bot.gateway.instance',
  fanOutMode: 'sre_bot.gateway.fan_out',
  fanOutInstances: 'sre_bot.gateway.fan_out.instances',
  unreachable: 'sre_bot.gateway.unreachable',
  outcome: 'sre_bot.gateway.outcome',
  isError: 'mcp.tool.is_error',
});
