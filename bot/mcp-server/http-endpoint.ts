import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
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

/** A JSON-RPC error body (the transport's own shape), with an HTTP status. */
function sendRpcError(res: ServerResponse, status: number, code: number, message: string, headers = {}): void {
  sendJson(res, status, { jsonrpc: '2.0', id: null, error: { code, message } }, headers);
}

interface Session {
  transport: StreamableHTTPServerTransport;
  server: McpServer;
  lastSeen: number;
}

/** Sessions left idle this long are closed (a client that vanished without DELETE). */
const IDLE_SESSION_MS = 30 * 60_000;

/**
 * Streamable HTTP at `/mcp` (bearer token required) and `/healthz`, with MCP sessions: an
 * `initialize` POST opens a session (its own server and transport, id in `Mcp-Session-Id`), later
 * POSTs, the GET stream and DELETE go to it. Sessions are what lets `notifications/cancelled`
 * reach the request it names, so a client that cancels `investigate` stops the investigation.
 * Responses stream as SSE so progress reaches the caller while it runs; an unknown session is a
 * 404 (the client initializes again), an idle one is closed after 30 minutes.
 */
export async function startBotMcpHttp(options: BotMcpHttpOptions): Promise<RunningBotMcpHttp> {
  const isAuthorized = bearerCheck(options.authToken);
  const sessions = new Map<string, Session>();

  async function openSession(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const server = options.createServer();
    const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
      sessionIdGenerator: randomUUID,
      onsessioninitialized: (id) => {
        sessions.set(id, { transport, server, lastSeen: Date.now() });
      },
    });
    transport.onclose = () => {
      if (transport.sessionId) sessions.delete(transport.sessionId);
      void server.close();
    };
    await server.connect(transport);
    await transport.handleRequest(req, res);
  }

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (path === '/healthz') return sendJson(res, 200, { status: 'ok' });
    if (path !== '/mcp') return sendJson(res, 404, { error: 'not found: the MCP endpoint is /mcp' });
    if (!isAuthorized(req.headers.authorization))
      return sendRpcError(res, 401, -32001, 'missing or wrong bearer token', { 'www-authenticate': 'Bearer' });
    const header = req.headers['mcp-session-id'];
    const sessionId = Array.isArray(header) ? header[0] : header;
    if (sessionId) {
      const session = sessions.get(sessionId);
      if (!session) return sendRpcError(res, 404, -32001, 'session not found: send initialize again');
      session.lastSeen = Date.now();
      return session.transport.handleRequest(req, res);
    }
    if (req.method !== 'POST') return sendRpcError(res, 400, -32000, 'no session: POST initialize first');
    return openSession(req, res);
  };
  const sweep = setInterval(() => {
    const cutoff = Date.now() - IDLE_SESSION_MS;
    for (const session of sessions.values()) if (session.lastSeen < cutoff) void session.transport.close();
  }, 60_000);
  sweep.unref();
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
      clearInterval(sweep);
      await Promise.all([...sessions.values()].map((session) => session.transport.close()));
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}
