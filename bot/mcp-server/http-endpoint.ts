import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { errorMessage } from '../errors.js';
import type { Logger } from '../telemetry/logger.js';

/** How to serve the bot's MCP server over streamable HTTP. */
export interface BotMcpHttpOptions {
  createServer: () => McpServer;
  /** Bearer token callers must send (MCP_AUTH_TOKEN). */
  authToken: string;
  port: number;
  host?: string;
  logger: Logger;
}

export interface RunningBotMcpHttp {
  url: string;
  close(): Promise<void>;
}

const digest = (value: string) => createHash('sha256').update(value).digest();

/** Compares digests so the time taken says nothing about the token, its length included. */
function bearerCheck(token: string): (header: string | undefined) => boolean {
  const expected = digest(token);
  return (header) => {
    const match = /^Bearer\s+(.+)$/i.exec(header ?? '');
    return match?.[1] !== undefined && timingSafeEqual(digest(match[1].trim()), expected);
  };
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
}

/**
 * Stateless streamable HTTP at `/mcp` (bearer token required) and `/healthz`. Each POST gets a
 * fresh server and transport; responses stream as SSE so `investigate` progress notifications
 * reach the caller while it runs. GET and DELETE (sessions) are refused: nothing is kept.
 */
export async function startBotMcpHttp(options: BotMcpHttpOptions): Promise<RunningBotMcpHttp> {
  const isAuthorized = bearerCheck(options.authToken);
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (path === '/healthz') return sendJson(res, 200, { status: 'ok' });
    if (path !== '/mcp') return sendJson(res, 404, { error: 'not found: the MCP endpoint is /mcp' });
    if (!isAuthorized(req.headers.authorization))
      return sendJson(
        res,
        401,
        { jsonrpc: '2.0', id: null, error: { code: -32001, message: 'missing or wrong bearer token' } },
        {
          'www-authenticate': 'Bearer',
        },
      );
    if (req.method !== 'POST')
      return sendJson(
        res,
        405,
        { jsonrpc: '2.0', id: null, error: { code: -32000, message: 'stateless server: use POST' } },
        {
          allow: 'POST',
        },
      );
    const server = options.createServer();
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
    res.on('close', () => {
      void transport.close();
      void server.close();
    });
    await server.connect(transport);
    await transport.handleRequest(req, res);
  };
  const http = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      options.logger.error({ event: 'mcp-http-request-fail', err: errorMessage(error) }, 'MCP HTTP request failed');
      if (!res.headersSent)
        sendJson(res, 500, { jsonrpc: '2.0', id: null, error: { code: -32603, message: 'internal error' } });
      else res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(options.port, options.host ?? '127.0.0.1', () => resolve());
  });
  const { address, port } = http.address() as AddressInfo;
  const host = address.includes(':') ? `[${address}]` : address;
  return {
    url: `http://${host}:${port}/mcp`,
    async close() {
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}
