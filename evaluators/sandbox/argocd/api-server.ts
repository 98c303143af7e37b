import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { timingSafeEqual } from 'node:crypto';
import { applicationEventList, resourceEventList } from './application-events.js';
import { collectLogs, selectPods, type LogQuery } from './application-logs.js';
import type { ArgoInstance } from './argocd-instance.js';
import { ArgoApiError, GrpcCode, applicationNotFound } from './argocd-errors.js';
import {
  applicationManifests,
  clusterList,
  listApplications,
  managedResources,
  projectList,
  revisionMetadata,
} from './read-endpoints.js';
import { buildResourceTree } from './resource-tree.js';

export interface ArgoApiServerOptions {
  instance: ArgoInstance;
  /** Bearer token every request must carry (header or `argocd.token` cookie). */
  token: string;
  /** Added delay before every response (simulates a slow instance). */
  latencyMs?: number;
  host?: string;
}

export interface RunningArgoApiServer {
  url: string;
  close(): Promise<void>;
}

/** The version the fake reports (`/api/version`). */
export const FAKE_ARGOCD_VERSION = 'v3.5.0+sandbox';

type Handler = (params: Record<string, string>, query: URLSearchParams, body: unknown) => Promise<unknown> | unknown;

interface Route {
  method: string;
  pattern: RegExp;
  keys: string[];
  handler: Handler;
  isStream?: boolean;
}

function route(method: string, path: string, handler: Handler, isStream = false): Route {
  const keys: string[] = [];
  const pattern = new RegExp(
    `^${path.replace(/\{(\w+)\}/g, (_, key: string) => {
      keys.push(key);
      return '([^/]+)';
    })}/?$`,
  );
  return { method, pattern, keys, handler, isStream };
}

function isAuthorized(request: IncomingMessage, token: string): boolean {
  const header = request.headers.authorization ?? '';
  const cookie = /(?:^|;\s*)argocd\.token=([^;]+)/.exec(request.headers.cookie ?? '')?.[1];
  const presented = header.startsWith('Bearer ') ? header.slice(7).trim() : cookie;
  if (!presented) return false;
  const a = Buffer.from(presented);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

function numberParam(query: URLSearchParams, key: string): number | undefined {
  const value = query.get(key);
  if (value === null || value === '') return undefined;
  const parsed = Number(value);
  return Number.isFinite(parsed) ? parsed : undefined;
}

function logQuery(query: URLSearchParams, podName?: string): LogQuery {
  const pick = (key: string): string | undefined => query.get(key) || undefined;
  return {
    namespace: pick('namespace'),
    podName: podName ?? pick('podName'),
    container: pick('container'),
    kind: pick('kind'),
    group: pick('group'),
    resourceName: pick('resourceName'),
    tailLines: numberParam(query, 'tailLines'),
    sinceSeconds: numberParam(query, 'sinceSeconds'),
    previous: query.get('previous') === 'true',
    filter: pick('filter'),
    matchCase: query.get('matchCase') === 'true',
  };
}

function routes(instance: ArgoInstance): Route[] {
  const logs = async (name: string, query: URLSearchParams, podName?: string): Promise<unknown[]> => {
    const comparison = await instance.comparison(name);
    const cluster = instance.clusterOf(name);
    if (!cluster) return [];
    const parsed = logQuery(query, podName);
    return collectLogs(cluster, selectPods(comparison, cluster, parsed), parsed, instance.now());
  };
  const bool = (value: unknown): boolean | undefined => (typeof value === 'boolean' ? value : undefined);
  return [
    route('GET', '/api/version', () => ({
      Version: FAKE_ARGOCD_VERSION,
      BuildDate: '2025-01-01T00:00:00Z',
      GitCommit: 'sandbox',
      GitTreeState: 'clean',
      GoVersion: 'go1.24',
      Compiler: 'gc',
      Platform: 'linux/amd64',
      KustomizeVersion: 'v5.5.0',
    })),
    route('GET', '/api/v1/session/userinfo', () => ({ loggedIn: true, username: 'admin', iss: 'argocd' })),
    route('GET', '/api/v1/clusters', (_, query) => {
      const list = clusterList(instance);
      const server = query.get('server');
      const name = query.get('name');
      return {
        ...list,
        items: list.items.filter(
          (item) =>
            (!server || (item as { server: string }).server === server) &&
            (!name || (item as { name: string }).name === name),
        ),
      };
    }),
    route('GET', '/api/v1/clusters/{id}', ({ id = '' }) => {
      const item = clusterList(instance).items.find(
        (candidate) => (candidate as { server: string }).server === id || (candidate as { name: string }).name === id,
      );
      if (!item) throw new ArgoApiError(404, GrpcCode.notFound, `cluster "${id}" not found`);
      return item;
    }),
    route('GET', '/api/v1/projects', () => projectList(instance)),
    route('GET', '/api/v1/projects/{name}', ({ name = '' }) => {
      const project = projectList(instance).items.find((item) => item.metadata.name === name);
      if (!project) throw new ArgoApiError(404, GrpcCode.notFound, `appprojects.argoproj.io "${name}" not found`);
      return project;
    }),
    route('GET', '/api/v1/applications', (_, query) =>
      listApplications(instance, {
        name: query.get('name') || undefined,
        projects: [...query.getAll('projects'), ...query.getAll('project')].filter((value) => value !== ''),
        selector: query.get('selector') || undefined,
        repo: query.get('repo') || undefined,
        appNamespace: query.get('appNamespace') || undefined,
        search: query.get('search') || undefined,
        refresh: query.has('refresh') && query.get('refresh') !== '',
      }),
    ),
    route('GET', '/api/v1/applications/{name}', ({ name = '' }, query) =>
      instance.application(name, query.has('refresh') && query.get('refresh') !== ''),
    ),
    route('GET', '/api/v1/applications/{name}/resource-tree', async ({ name = '' }) =>
      buildResourceTree(await instance.comparison(name), instance.clusterOf(name)),
    ),
    route('GET', '/api/v1/applications/{name}/managed-resources', ({ name = '' }, query) =>
      managedResources(instance, name, {
        namespace: query.get('namespace') || undefined,
        name: query.get('name') || undefined,
        version: query.get('version') || undefined,
        group: query.get('group') || undefined,
        kind: query.get('kind') || undefined,
      }),
    ),
    route('GET', '/api/v1/applications/{name}/events', ({ name = '' }, query) => {
      const record = instance.record(name);
      const resourceName = query.get('resourceName') || undefined;
      const resourceUID = query.get('resourceUID') || undefined;
      const resourceNamespace = query.get('resourceNamespace') || undefined;
      if (!resourceName && !resourceUID) return applicationEventList(record, instance.controllerNamespace);
      const cluster = instance.clusterOf(name);
      return cluster
        ? resourceEventList(cluster, { resourceName, resourceUID, resourceNamespace })
        : { metadata: {}, items: [] };
    }),
    route('GET', '/api/v1/applications/{name}/logs', ({ name = '' }, query) => logs(name, query), true),
    route(
      'GET',
      '/api/v1/applications/{name}/pods/{pod}/logs',
      ({ name = '', pod = '' }, query) => logs(name, query, pod),
      true,
    ),
    route('GET', '/api/v1/applications/{name}/revisions/{revision}/metadata', ({ name = '', revision = '' }) =>
      revisionMetadata(instance, name, revision),
    ),
    route('GET', '/api/v1/applications/{name}/manifests', ({ name = '' }, query) =>
      applicationManifests(instance, name, query.get('revision') || undefined),
    ),
    route('GET', '/api/v1/applications/{name}/resource', async ({ name = '' }, query) => {
      const comparison = await instance.comparison(name);
      const match = comparison.resources.find(
        (resource) =>
          resource.live &&
          resource.status.name === query.get('resourceName') &&
          resource.status.kind === query.get('kind') &&
          (!query.get('namespace') || resource.status.namespace === query.get('namespace')),
      );
      if (!match?.live)
        throw new ArgoApiError(
          404,
          GrpcCode.notFound,
          `${query.get('kind') ?? 'resource'} "${query.get('resourceName') ?? ''}" not found as part of ` +
            `application "${name}"`,
        );
      return { manifest: JSON.stringify(match.live) };
    }),
    route('POST', '/api/v1/applications/{name}/sync', ({ name = '' }, _, body) => {
      const request = (body ?? {}) as {
        revision?: unknown;
        dryRun?: unknown;
        prune?: unknown;
        syncOptions?: { items?: unknown } | unknown;
      };
      const options = Array.isArray(request.syncOptions)
        ? (request.syncOptions as unknown[])
        : Array.isArray((request.syncOptions as { items?: unknown } | undefined)?.items)
          ? (request.syncOptions as { items: unknown[] }).items
          : undefined;
      return instance.sync(name, {
        ...(typeof request.revision === 'string' && request.revision !== '' ? { revision: request.revision } : {}),
        ...(bool(request.dryRun) !== undefined ? { dryRun: bool(request.dryRun) } : {}),
        ...(bool(request.prune) !== undefined ? { prune: bool(request.prune) } : {}),
        ...(options ? { syncOptions: options.filter((option): option is string => typeof option === 'string') } : {}),
        initiatedBy: { username: 'admin' },
      });
    }),
    route('POST', '/api/v1/applications/{name}/rollback', ({ name = '' }, _, body) => {
      const request = (body ?? {}) as { id?: unknown; dryRun?: unknown };
      const id = typeof request.id === 'string' ? Number(request.id) : request.id;
      if (typeof id !== 'number' || !Number.isInteger(id))
        throw new ArgoApiError(400, GrpcCode.invalidArgument, 'rollback requires a history id');
      return instance.rollback(name, id, bool(request.dryRun));
    }),
  ];
}

async function readBody(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ArgoApiError(400, GrpcCode.invalidArgument, 'invalid JSON body');
  }
}

function send(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}

/**
 * Starts the fake Argo CD API of one instance on loopback (plain HTTP, port 0). Every request
 * except `/api/version` needs the bearer token; errors use Argo CD's `{error, code, message}`.
 */
export async function startArgoApiServer(options: ArgoApiServerOptions): Promise<RunningArgoApiServer> {
  const table = routes(options.instance);
  const sockets = new Set<Socket>();
  const server = createServer((request, response) => {
    void (async () => {
      if (options.latencyMs) await new Promise((resolve) => setTimeout(resolve, options.latencyMs));
      const url = new URL(request.url ?? '/', 'http://localhost');
      const method = request.method ?? 'GET';
      try {
        if (url.pathname !== '/api/version' && !isAuthorized(request, options.token)) {
          throw new ArgoApiError(401, GrpcCode.unauthenticated, 'no session information');
        }
        for (const entry of table) {
          const match = entry.pattern.exec(url.pathname);
          if (!match) continue;
          if (entry.method !== method) continue;
          const params: Record<string, string> = {};
          entry.keys.forEach((key, index) => (params[key] = decodeURIComponent(match[index + 1] ?? '')));
          const appNamespace = url.searchParams.get('appNamespace');
          if (
            params.name !== undefined &&
            url.pathname.startsWith('/api/v1/applications/') &&
            appNamespace &&
            appNamespace !== options.instance.controllerNamespace
          ) {
            throw applicationNotFound(params.name);
          }
          const body = method === 'POST' ? await readBody(request) : undefined;
          const result = await entry.handler(params, url.searchParams, body);
          if (entry.isStream) {
            response.writeHead(200, { 'content-type': 'application/json' });
            for (const item of result as unknown[]) response.write(`${JSON.stringify({ result: item })}\n`);
            response.end();
            return;
          }
          send(response, 200, result);
          return;
        }
        throw new ArgoApiError(404, GrpcCode.notFound, `Not Found: ${method} ${url.pathname}`);
      } catch (error) {
        if (error instanceof ArgoApiError) {
          send(response, error.httpStatus, error.toJSON());
          return;
        }
        const message = error instanceof Error ? error.message : String(error);
        send(response, 500, { error: message, code: GrpcCode.internal, message });
      }
    })();
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, options.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
