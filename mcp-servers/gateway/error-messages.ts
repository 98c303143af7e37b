/** Drops the `MCP error -32603: ` prefixes the SDK adds each time an error crosses a hop. */
export function stripCodePrefix(message: string): string {
  return message.replace(/^(MCP error -?\d+: )+/, '');
}
