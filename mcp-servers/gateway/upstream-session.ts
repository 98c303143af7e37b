import type { CallToolResult, ListToolsResult, ReadResourceResult } from '@modelcontextprotocol/sdk/types.js';
import type { HttpMcpSession } from './http-session.js';
import type { StdioMcpSession } from './stdio-session.js';

/** One open MCP session with an upstream, whatever carries it. */
export interface UpstreamSession {
  callTool: (params: Record<string, unknown>, signal: AbortSignal) => Promise<CallToolResult>;
  listTools: (cursor: string | undefined, signal: AbortSignal) => Promise<ListToolsResult>;
  /** Whether the upstream declared the resources capability at initialize. */
  offersResources: () => boolean;
  readResource: (uri: string, signal: AbortSignal) => Promise<ReadResourceResult>;
  close: () => Promise<void>;
}

/** A session of the gateway's MCP client, over streamable HTTP or stdio. */
export function sessionOf(session: HttpMcpSession | StdioMcpSession): UpstreamSession {
  return {
    callTool: (params, signal) => session.callTool(params, signal),
    listTools: (cursor, signal) => session.listTools(cursor, signal),
    offersResources: () => session.capabilities.resources !== undefined,
    readResource: (uri, signal) => session.readResource(uri, signal),
    close: () => session.close(),
  };
}
