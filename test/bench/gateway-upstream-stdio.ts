import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { createFakeUpstreamServer, type RecordedCall } from '../../mcp-servers/gateway/testing/fake-upstream.js';

/**
 * Child process of the gateway benchmark: the same fake upstream MCP server as
 * `gateway-upstream-process.ts`, over stdio, so `sre-bot gateway` (a `command` upstream) and
 * `mcp-proxy` (which fronts stdio servers only) proxy the same server. Runs until stdin closes.
 */
const calls: RecordedCall[] = [];
const server = createFakeUpstreamServer({ things: ['payments', 'cart', 'search'] }, calls);
// Recording is for tests; a long benchmark must not grow it.
setInterval(() => void calls.splice(0), 1000).unref();
await server.connect(new StdioServerTransport());
