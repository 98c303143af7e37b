import { createServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import { answerStatelessPost, type StatelessMcpServer } from '../common/stateless-mcp.js';
import { sha256Hex } from './caller-policy.js';
import type { CallerConfig } from './config.js';
import type { RequestAuthenticator } from './request-auth.js';
import { errorMessage } from './errors.js';
import type { Logger } from './logger.js';
import { listenMcpEndpoint } from '../common/listen.js';
import { BodyTooLargeError, jsonRpcError, readJsonBody, sendJson } from '../common/http-body.js';

/** What the HTTP front needs from the gateway. */
export interface HttpFrontOptions {
  /** Static bearer tokens and, when configured, OAuth access tokens. */
  auth: RequestAuthenticator;
  /** The MCP handlers one caller is answered with (stateless: nothing survives a request; may be cached per caller). */
  mcpServerFor: (caller: CallerConfig) => StatelessMcpServer;
  readiness: () => { ready: boolean; body: Record<string, unknown> };
  metrics: () => Promise<{ contentType: string; body: string }>;
  /** When set, `/metrics` needs a bearer token with this SHA-256. */
  metricsTokenSha256?: string;
  maxBodyBytes: number;
  logger: Logger;
}

/** Whether a request may read /metrics: always without a configured token, else only with that token. */
function isMetricsReader(authorization: string | undefined, tokenSha256: string | undefined): boolean {
  if (tokenSha256 === undefined) return true;
  const token = /^Bearer (.+)$/i.exec(authorization ?? '')?.[1];
  if (token === undefined) return false;
  return timingSafeEqual(Buffer.from(sha256Hex(token)), Buffer.from(tokenSha256));
}

/** A listening HTTP server. */
export interface ListeningServer {
  url: string;
  port: number;
  close: () => Promise<void>;
}

/**
 * The gateway's HTTP front: `POST /mcp` (stateless streamable HTTP answered with JSON, bearer
 * token required, unknown token → 401), `GET /healthz` (process alive),
 * `GET /readyz` (503 until at least one upstream answers), `GET /metrics` (Prometheus; with
 * `metrics.tokenSha256` configured, only for that bearer token) and, with
 * OAuth configured, `GET /.well-known/oauth-protected-resource[/mcp]` (RFC 9728).
 */
export async function startHttpFront(options: HttpFrontOptions, host: string, port: number): Promise<ListeningServer> {
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (path === '/healthz') return sendJson(res, 200, { status: 'ok' });
    if (path === '/readyz') {
      const { ready, body } = options.readiness();
      return sendJson(res, ready ? 200 : 503, body);
    }
    if (path === '/metrics') {
      if (!isMetricsReader(req.headers.authorization, options.metricsTokenSha256))
        return sendJson(res, 401, { error: 'metrics need the metrics bearer token' }, { 'www-authenticate': 'Bearer' });
      const { contentType, body } = await options.metrics();
      res.writeHead(200, { 'content-type': contentType }).end(body);
      return;
    }
    const metadata = options.auth.resourceMetadata(path);
    if (metadata) return sendJson(res, 200, metadata, { 'cache-control': 'max-age=300' });
    if (path !== '/mcp') return sendJson(res, 404, { error: 'not found: the MCP endpoint is /mcp' });
    const outcome = await options.auth.authenticate(req.headers.authorization);
    if (outcome.kind === 'refused')
      return sendJson(res, outcome.status, jsonRpcError(-32001, outcome.message), {
        'www-authenticate': outcome.challenge,
      });
    const { caller } = outcome;
    if (req.method !== 'POST')
      return sendJson(res, 405, jsonRpcError(-32000, 'method not allowed: the gateway is stateless, use POST'), {
        allow: 'POST',
      });
    let rejected = false;
    await answerStatelessPost(req, res, options.mcpServerFor(caller), async () => {
      try {
        return await readJsonBody(req, options.maxBodyBytes);
      } catch (error) {
        rejected = true;
        if (error instanceof BodyTooLargeError) sendJson(res, 413, jsonRpcError(-32600, error.message));
        else sendJson(res, 400, jsonRpcError(-32700, `parse error: ${errorMessage(error)}`));
        throw error;
      }
    }).catch((error: unknown) => {
      if (!rejected) throw error;
    });
  };

  const httpServer: HttpServer = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      options.logger.error({ event: 'http-request-fail', err: errorMessage(error) }, 'gateway HTTP request failed');
      if (!res.headersSent) sendJson(res, 500, jsonRpcError(-32603, 'internal server error'));
      else res.end();
    });
  });
  httpServer.keepAliveTimeout = 65_000;
  return listenMcpEndpoint(httpServer, port, host);
}
