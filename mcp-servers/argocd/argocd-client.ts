import { createBackendHttp, type BackendRequest, type BackendResponse } from '../common/backend-http.js';
import { McpServerError, errorMessage, isNetworkError } from '../common/errors.js';
import type {
  Application,
  ArgoEvent,
  LogEntry,
  ResourceDiff,
  ResourceTree,
  RevisionMetadata,
} from './argocd-shapes.js';

/** Options of the application logs endpoint. */
export interface ApplicationLogOptions {
  podName?: string;
  container?: string;
  namespace?: string;
  kind?: string;
  group?: string;
  resourceName?: string;
  tailLines?: number;
  sinceSeconds?: number;
  previous?: boolean;
  filter?: string;
}

/** The Argo CD REST calls the tools make. One instance talks to one Argo CD, chosen by configuration. */
export interface ArgocdClient {
  readonly baseUrl: string;
  listApplications(query?: { project?: string; selector?: string }): Promise<Application[]>;
  /** Undefined when the application does not exist (or is not visible to the token). */
  getApplication(name: string): Promise<Application | undefined>;
  resourceTree(name: string): Promise<ResourceTree>;
  managedResources(name: string): Promise<ResourceDiff[]>;
  /** The app's source rendered at `revision` (Argo CD's repo server); a render failure is `invalid_input`. */
  manifests(name: string, revision: string): Promise<RenderedManifests>;
  events(
    name: string,
    query?: { resourceName?: string; resourceNamespace?: string; resourceUID?: string },
  ): Promise<ArgoEvent[]>;
  logs(name: string, options: ApplicationLogOptions): Promise<LogEntry[]>;
  revisionMetadata(name: string, revision: string): Promise<RevisionMetadata | undefined>;
  sync(name: string, request: { dryRun: boolean; revision?: string; prune?: boolean }): Promise<Application>;
  rollback(name: string, request: { id: number; dryRun: boolean; prune?: boolean }): Promise<Application>;
  /** `GET /api/version`: the cheapest call that proves the API server answers. */
  version(): Promise<{ Version?: string }>;
}

/** `repositoryManifestResponse`: the rendered objects (JSON strings) at one revision. */
export interface RenderedManifests {
  manifests: string[];
  namespace?: string;
  revision?: string;
  sourceType?: string;
}

/** Where the client connects: configuration only, never tool input. */
export interface ArgocdClientConfig {
  url: string;
  token: string;
  requestTimeoutMs?: number;
  /** Replaces the built-in keep-alive node:http transport (e.g. to go through a proxy-aware fetch). */
  fetch?: typeof fetch;
}

/** Sends one request to a path of the Argo CD base URL and buffers the answer. */
type Transport = (path: string, init: Omit<BackendRequest, 'path'>) => Promise<BackendResponse>;

/**
 * Requests over the servers' shared pooled backend client (undici, keep-alive): the global fetch
 * costs several times the CPU per request (web streams), which a fan-out over many instances pays
 * per instance.
 */
function createPooledTransport(baseUrl: string): Transport {
  const http = createBackendHttp(new URL(baseUrl));
  return (path, init) => {
    // Through the WHATWG parser, so the path is normalised (dot segments, escapes) as for a URL request.
    const { pathname, search } = new URL(`${baseUrl}${path}`);
    return http.send({ ...init, path: `${pathname}${search}` });
  };
}

/** Adapts an injected fetch to the buffered transport shape. */
function fetchTransport(baseUrl: string, doFetch: typeof fetch): Transport {
  return async (path, init) => {
    const signal = AbortSignal.timeout(init.timeoutMs);
    const response = await doFetch(`${baseUrl}${path}`, {
      method: init.method,
      headers: init.headers,
      ...(init.body === undefined ? {} : { body: init.body }),
      signal,
    });
    return { status: response.status, statusText: response.statusText, text: await response.text() };
  };
}

/** A non-outage error answer from Argo CD (4xx), with its HTTP status. */
export class ArgocdStatusError extends McpServerError {
  readonly status: number;
  constructor(status: number, message: string) {
    super(
      status === 404
        ? 'not_found'
        : status === 403
          ? 'forbidden'
          : status === 409
            ? 'conflict'
            : status === 400
              ? 'invalid_input'
              : 'backend_error',
      message,
    );
    this.status = status;
  }
}

/** Creates an Argo CD REST client with bearer-token auth, mapping failures to our error codes. */
export function createArgocdClient(config: ArgocdClientConfig): ArgocdClient {
  const baseUrl = config.url.replace(/\/+$/, '');
  const send = config.fetch ? fetchTransport(baseUrl, config.fetch) : createPooledTransport(baseUrl);
  const timeout = config.requestTimeoutMs ?? 15_000;
  const host = new URL(baseUrl).host;

  const headers = { authorization: `Bearer ${config.token}`, accept: 'application/json' };
  const jsonBodyHeaders = { ...headers, 'content-type': 'application/json' };

  async function request(method: string, path: string, body?: unknown): Promise<BackendResponse> {
    let response: BackendResponse;
    try {
      response = await send(path, {
        method,
        headers: body === undefined ? headers : jsonBodyHeaders,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        timeoutMs: timeout,
      });
    } catch (error) {
      if (
        isNetworkError(error) ||
        (error instanceof Error && (error.name === 'TimeoutError' || error.message === 'fetch failed'))
      ) {
        throw new McpServerError(
          'backend_unavailable',
          `Argo CD at ${host} is unreachable: ${errorMessage((error as { cause?: unknown }).cause ?? error)}`,
          { cause: error },
        );
      }
      throw new McpServerError('backend_error', `Argo CD request failed: ${errorMessage(error)}`, { cause: error });
    }
    if (response.status >= 200 && response.status < 300) return response;
    const text = response.text;
    let message = text.slice(0, 1_000);
    try {
      const parsed = JSON.parse(text) as { message?: string; error?: string };
      message = parsed.message ?? parsed.error ?? message;
    } catch {
      // Non-JSON error page: keep the text.
    }
    if (response.status >= 500 || response.status === 429) {
      throw new McpServerError(
        'backend_unavailable',
        `Argo CD at ${host} answered ${response.status}: ${message || response.statusText}`,
      );
    }
    if (response.status === 401)
      throw new McpServerError(
        'backend_error',
        `Argo CD at ${host} rejected the configured token (401); the operator must renew ARGOCD_TOKEN`,
      );
    throw new ArgocdStatusError(response.status, message || `HTTP ${response.status}`);
  }

  async function json<T>(method: string, path: string, body?: unknown): Promise<T> {
    const { text } = await request(method, path, body);
    try {
      return JSON.parse(text) as T;
    } catch (error) {
      throw new McpServerError(
        'backend_error',
        `Argo CD at ${host} answered ${method} ${path.split('?')[0] ?? path} with a body that is not JSON`,
        { cause: error },
      );
    }
  }

  async function maybe<T>(promise: Promise<T>): Promise<T | undefined> {
    try {
      return await promise;
    } catch (error) {
      // Argo CD answers 403 for apps the token cannot see as well as for missing ones.
      if (error instanceof ArgocdStatusError && (error.status === 404 || error.status === 403)) return undefined;
      throw error;
    }
  }

  const app = (name: string) => `/api/v1/applications/${encodeURIComponent(name)}`;
  return {
    baseUrl,
    async listApplications(query = {}) {
      const params = new URLSearchParams();
      if (query.project) params.append('projects', query.project);
      if (query.selector) params.set('selector', query.selector);
      const list = await json<{ items?: Application[] | null }>(
        'GET',
        `/api/v1/applications${params.size ? `?${params.toString()}` : ''}`,
      );
      return list.items ?? [];
    },
    getApplication: (name) => maybe(json<Application>('GET', app(name))),
    resourceTree: (name) => json<ResourceTree>('GET', `${app(name)}/resource-tree`),
    async managedResources(name) {
      return (await json<{ items?: ResourceDiff[] | null }>('GET', `${app(name)}/managed-resources`)).items ?? [];
    },
    async manifests(name, revision) {
      try {
        const path = `${app(name)}/manifests?revision=${encodeURIComponent(revision)}`;
        const rendered = await json<RenderedManifests & { manifests?: string[] | null }>('GET', path);
        return { ...rendered, manifests: rendered.manifests ?? [] };
      } catch (error) {
        // Argo CD answers a manifest generation failure (bad YAML, kustomize error) with a 500.
        if (error instanceof McpServerError && /failed to generate manifest/.test(error.message))
          throw new McpServerError('invalid_input', error.message.replace(/^Argo CD at \S+ answered 500: /, ''), {
            cause: error,
          });
        throw error;
      }
    },
    async events(name, query = {}) {
      const params = new URLSearchParams(
        Object.entries(query).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
      );
      return (
        (
          await json<{ items?: ArgoEvent[] | null }>(
            'GET',
            `${app(name)}/events${params.size ? `?${params.toString()}` : ''}`,
          )
        ).items ?? []
      );
    },
    async logs(name, options) {
      const params = new URLSearchParams({ follow: 'false' });
      for (const [key, value] of Object.entries(options)) if (value !== undefined) params.set(key, String(value));
      const { text } = await request('GET', `${app(name)}/logs?${params.toString()}`);
      const entries: LogEntry[] = [];
      for (const line of text.split('\n')) {
        if (!line.trim()) continue;
        try {
          const parsed = JSON.parse(line) as { result?: LogEntry; error?: { message?: string } };
          if (parsed.error?.message)
            throw new McpServerError('backend_error', `Argo CD log stream error: ${parsed.error.message}`);
          if (parsed.result && !parsed.result.last) entries.push(parsed.result);
        } catch (error) {
          if (error instanceof McpServerError) throw error;
          // A partial trailing line of the stream: ignore it.
        }
      }
      return entries;
    },
    version: () => json<{ Version?: string }>('GET', '/api/version'),
    revisionMetadata: (name, revision) =>
      maybe(json<RevisionMetadata>('GET', `${app(name)}/revisions/${encodeURIComponent(revision)}/metadata`)),
    sync: (name, body) => json<Application>('POST', `${app(name)}/sync`, { name, ...body }),
    rollback: (name, body) => json<Application>('POST', `${app(name)}/rollback`, { name, ...body }),
  };
}
