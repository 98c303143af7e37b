import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server as HttpServer,
  type ServerResponse,
} from 'node:http';
import { hash, timingSafeEqual } from 'node:crypto';
import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { statelessFormOf } from './create-tool-server.js';
import { errorMessage } from './errors.js';
import { answerStatelessPost } from './stateless-mcp.js';
import type { Logger } from './logger.js';
import { listenMcpEndpoint } from './listen.js';
import { collectProcessMetrics, toolMetricsRegistry } from './tool-metrics.js';
import { BodyTooLargeError, jsonRpcError, readJsonBody, sendJson } from './http-body.js';

/** How to serve one MCP server over stateless streamable HTTP. */
export interface HttpTransportOptions {
  /** Builds the MCP server (by `createToolServer`); called once, its stateless form answers every request. */
  createServer: () => Server;
  /** Bearer token callers must present on `/mcp`. */
  authToken: string;
  host?: string;
  /** 0 picks a free port; read the real one from the result. */
  port: number;
  logger: Logger;
  /** Largest accepted request body in bytes. */
  maxBodyBytes?: number;
}

/** A running HTTP endpoint. */
export interface RunningHttpServer {
  url: string;
  port: number;
  close: () => Promise<void>;
}

function digest(value: string): Buffer {
  return hash('sha256', value, 'buffer');
}

/**
 * A check of the `Authorization` header against the configured bearer token. Both sides are
 * compared as SHA-256 digests with `timingSafeEqual`, so the time taken says nothing about the
 * token, its length included; the configured token's digest is computed once, here.
 */
export function createBearerCheck(token: string): (header: string | undefined) => boolean {
  const expected = digest(token);
  return (header) => {
    const match = /^Bearer\s+(.+)$/i.exec(header ?? '');
    if (!match?.[1]) return false;
    return timingSafeEqual(digest(match[1].trim()), expected);
  };
}

/** The path of a request target; the plain `/mcp` almost every request names skips the URL parser. */
function pathOf(target: string | undefined): string {
  return target === '/mcp' ? target : new URL(target ?? '/', 'http://localhost').pathname;
}

class BodyRejected extends Error {}

/**
 * Serves MCP over stateless streamable HTTP at `/mcp` (bearer token required) plus an
 * unauthenticated `/healthz` and `/metrics` (tool calls and process metrics, Prometheus text).
 * GET/DELETE (sessions, server-initiated streams) are refused with 405 because nothing is kept
 * between requests. The server, built by `createToolServer`, is answered through its stateless
 * form: one set of handlers for every request, no SDK `Server` or transport per POST (the one
 * server path of our MCP servers and the gateway).
 */
export async function startHttpTransport(options: HttpTransportOptions): Promise<RunningHttpServer> {
  const maxBodyBytes = options.maxBodyBytes ?? 4 * 1024 * 1024;
  const stateless = statelessFormOf(options.createServer());
  if (!stateless)
    throw new TypeError(
      'startHttpTransport serves servers built by createToolServer (their stateless form); this one is not',
    );
  const isAuthorized = createBearerCheck(options.authToken);
  collectProcessMetrics();
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = pathOf(req.url);
    if (path === '/healthz') {
      sendJson(res, 200, { status: 'ok' });
      return;
    }
    if (path === '/metrics') {
      const body = await toolMetricsRegistry.metrics();
      res.writeHead(200, { 'content-type': toolMetricsRegistry.contentType }).end(body);
      return;
    }
    if (path !== '/mcp') {
      sendJson(res, 404, { error: 'not found: the MCP endpoint is /mcp' });
      return;
    }
    if (!isAuthorized(req.headers.authorization)) {
      sendJson(res, 401, jsonRpcError(-32001, 'missing or wrong bearer token'), { 'www-authenticate': 'Bearer' });
      return;
    }
    if (req.method !== 'POST') {
      sendJson(res, 405, jsonRpcError(-32000, 'method not allowed: this server is stateless, use POST'), {
        allow: 'POST',
      });
      return;
    }
    try {
      await answerStatelessPost(req, res, stateless, async () => {
        try {
          return await readJsonBody(req, maxBodyBytes);
        } catch (error) {
          sendJson(
            res,
            error instanceof BodyTooLargeError ? 413 : 400,
            jsonRpcError(-32700, `parse error: ${errorMessage(error)}`),
          );
          throw new BodyRejected('answered', { cause: error });
        }
      });
    } catch (error) {
      if (!(error instanceof BodyRejected)) throw error;
    }
  };

  const httpServer: HttpServer = createHttpServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      options.logger.error({ event: 'http-request-fail', err: errorMessage(error) }, 'MCP HTTP request failed');
      if (!res.headersSent) sendJson(res, 500, jsonRpcError(-32603, 'internal server error'));
      else res.end();
    });
  });
  return listenMcpEndpoint(httpServer, options.port, options.host ?? '127.0.0.1');
}
