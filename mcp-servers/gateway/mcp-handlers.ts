import { ErrorCode, McpError, type CallToolRequest } from '@modelcontextprotocol/sdk/types.js';
import type { StatelessMcpServer, StatelessMethodHandler } from '../common/stateless-mcp.js';
import type { CallRouter } from './call-router.js';
import type { CallerViews } from './caller-views.js';
import type { CallerConfig } from './config.js';

const INSTRUCTIONS = [
  'One MCP endpoint over every Argo CD, Kubernetes and Kyverno instance you may use.',
  'Federated tools take an "instance" argument; its description lists the instances and their labels.',
  'Leave "instance" out on look-ups (list_*, find_*, get_*) to ask every instance at once: results come per ' +
    'instance, and unreachable instances are listed rather than failing the call.',
  'Tools named instance__tool belong to one third-party server. Write tools need an approval_id.',
].join(' ');

/** The shape checks the SDK applies to tools/call params (name, arguments, _meta). */
function checkCallParams(params: Record<string, unknown>): CallToolRequest['params'] {
  const isObject = (value: unknown): boolean => typeof value === 'object' && value !== null && !Array.isArray(value);
  if (typeof params.name !== 'string')
    throw new McpError(ErrorCode.InvalidParams, 'Invalid tools/call request: params.name must be a string');
  if (params.arguments !== undefined && !isObject(params.arguments))
    throw new McpError(ErrorCode.InvalidParams, 'Invalid tools/call request: params.arguments must be an object');
  if (params._meta !== undefined && !isObject(params._meta))
    throw new McpError(ErrorCode.InvalidParams, 'Invalid tools/call request: params._meta must be an object');
  return params as CallToolRequest['params'];
}

/**
 * The MCP methods one caller is answered with (tools/list from its view, tools/call through the
 * router), built once per caller and reused by all its requests: no SDK Server or transport per
 * request.
 */
export function createMcpHandlers(
  views: CallerViews,
  router: CallRouter,
  version: string,
): (caller: CallerConfig) => StatelessMcpServer {
  const servers = new Map<string, StatelessMcpServer>();
  return (caller) => {
    let server = servers.get(caller.tokenSha256);
    if (!server) {
      server = {
        serverInfo: { name: 'sre-bot-gateway', version },
        capabilities: { tools: { listChanged: false } },
        instructions: INSTRUCTIONS,
        handlers: new Map<string, StatelessMethodHandler>([
          ['tools/list', () => views.for(caller).listed],
          [
            'tools/call',
            (params, signal) => router.call(caller, views.for(caller).view, checkCallParams(params), signal),
          ],
        ]),
      };
      servers.set(caller.tokenSha256, server);
    }
    return server;
  };
}
