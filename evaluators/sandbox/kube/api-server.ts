/**
 * The HTTPS Kubernetes API server of one simulated cluster: bearer-token auth (401 Status
 * otherwise), discovery, and the REST surface of resource-requests.ts. kubectl and
 * @kubernetes/client-node talk to it unchanged.
 */
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AdmissionDeniedError, KubeApiError, type SimulatedCluster } from './cluster-api.js';
import { apiGroup, apiGroupList, apiResourceList, coreApiVersions, versionInfo } from './discovery.js';
import { openApiDocument, openApiIndex } from './openapi.js';
import { handleResourceRequest, type RequestContext } from './resource-requests.js';
import { statusBody } from './status.js';

/** Options of startKubeApiServer. */
export interface KubeApiServerOptions {
  cluster: SimulatedCluster;
  /** Bearer token every request must carry. */
  token: string;
  tls: { certPem: string; keyPem: string };
  /** Added latency per request (fault injection), ms. */
  latencyMs?: number;
  /**
   * Resources (plural names, e.g. `secrets`) the token may not touch: every request on them gets
   * 403 Forbidden, as from an RBAC role that grants nothing on them.
   */
  deniedResources?: readonly string[];
}

/** A running API server. */
export interface KubeApiServer {
  url: string;
  close(): Promise<void>;
}

/** Starts the server on 127.0.0.1 with a free port. */
export async function startKubeApiServer(options: KubeApiServerOptions): Promise<KubeApiServer> {
  const server: Server = createServer({ cert: options.tls.certPem, key: options.tls.keyPem }, (request, response) => {
    void handle(options, request, response);
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `https://127.0.0.1:${port}`;
  return {
    url,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function sendJson(response: ServerResponse, code: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(code, {
    'Content-Type': 'application/json',
    'Cache-Control': 'no-cache, private',
    'Content-Length': Buffer.byteLength(text),
  });
  response.end(text);
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function handle(
  options: KubeApiServerOptions,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  try {
    if (options.latencyMs && options.latencyMs > 0)
      await new Promise((resolve) => setTimeout(resolve, options.latencyMs));
    const authorization = request.headers.authorization ?? '';
    if (authorization !== `Bearer ${options.token}`) {
      sendJson(response, 401, statusBody(401, 'Unauthorized', 'Unauthorized'));
      return;
    }
    const url = new URL(request.url ?? '/', 'https://127.0.0.1');
    const path = url.pathname.replace(/\/+$/, '') || '/';
    const method = request.method ?? 'GET';
    const host = request.headers.host ?? '127.0.0.1';
    if (method === 'GET') {
      const discovery = discoveryDocument(path, host);
      if (discovery !== undefined) {
        if (discovery === null)
          sendJson(response, 404, statusBody(404, 'NotFound', 'the server could not find the requested resource'));
        else sendJson(response, 200, discovery);
        return;
      }
    }
    const resource = resourceOf(path);
    if (resource && options.deniedResources?.includes(resource)) {
      const message =
        `${resource} is forbidden: the sandbox token cannot ` + `${method.toLowerCase()} resource "${resource}"`;
      sendJson(response, 403, statusBody(403, 'Forbidden', message));
      return;
    }
    const body = method === 'GET' || method === 'HEAD' ? '' : await readBody(request);
    const context: RequestContext = {
      cluster: options.cluster,
      method,
      path,
      query: url.searchParams,
      headers: request.headers,
      body,
      request,
      response,
    };
    await handleResourceRequest(context);
  } catch (error) {
    if (response.headersSent) {
      response.end();
      return;
    }
    if (error instanceof AdmissionDeniedError) {
      sendJson(response, 400, statusBody(400, '', error.message));
      return;
    }
    if (error instanceof KubeApiError) {
      sendJson(response, error.status, statusBody(error.status, error.reason, error.message));
      return;
    }
    sendJson(
      response,
      500,
      statusBody(
        500,
        'InternalError',
        `Internal error occurred: ${error instanceof Error ? error.message : String(error)}`,
      ),
    );
  }
}

/** The plural resource a REST path addresses (`/api/v1/namespaces/x/secrets/y` → `secrets`). */
function resourceOf(path: string): string | undefined {
  const segments = path.split('/').filter(Boolean);
  const rest = segments[0] === 'api' ? segments.slice(2) : segments[0] === 'apis' ? segments.slice(3) : [];
  if (rest[0] === 'namespaces' && rest.length >= 3) return rest[2];
  return rest[0];
}

/** A discovery document, null for an unknown discovery path, undefined for non-discovery paths. */
function discoveryDocument(path: string, host: string): unknown {
  if (path === '/version') return versionInfo();
  if (path === '/api') return coreApiVersions(host);
  if (path === '/apis') return apiGroupList();
  if (path === '/healthz' || path === '/livez' || path === '/readyz') return 'ok';
  if (path === '/api/v1') return apiResourceList('', 'v1') ?? null;
  const segments = path.split('/').filter(Boolean);
  if (segments[0] === 'apis' && segments.length === 2) return apiGroup(segments[1] ?? '') ?? null;
  if (segments[0] === 'apis' && segments.length === 3)
    return apiResourceList(segments[1] ?? '', segments[2] ?? '') ?? null;
  if (segments[0] === 'openapi') {
    if (segments[1] !== 'v3') return null;
    return segments.length === 2 ? openApiIndex() : (openApiDocument(segments.slice(2).join('/')) ?? null);
  }
  return undefined;
}
