import type { RequestOptions } from 'node:https';
import { createBackendHttp, type BackendHttp, type BackendTls } from './backend-http.js';
import { KubeConfig } from '@kubernetes/client-node';
import { McpServerError, errorMessage, isNetworkError } from './errors.js';
import { apiVersionOf, findWellKnownType, type KubeObject, type ResourceType } from './kube-types.js';

/** Options of list calls. */
export interface ListOptions {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
}

/** Options of pod log reads (server-side bounds first, so huge logs never cross the wire). */
export interface PodLogOptions {
  container?: string;
  previous?: boolean;
  tailLines?: number;
  limitBytes?: number;
  sinceSeconds?: number;
}

/** A Kubernetes API error response (Status object) that is not an outage. */
export class KubeStatusError extends McpServerError {
  readonly status: number;
  readonly reason: string;
  constructor(status: number, reason: string, message: string) {
    super(
      status === 404
        ? 'not_found'
        : status === 403 || status === 401
          ? 'forbidden'
          : status === 409
            ? 'conflict'
            : 'backend_error',
      message,
    );
    this.status = status;
    this.reason = reason;
  }
}

/**
 * The read/write surface the kubernetes and kyverno tools need, as plain JSON. One instance talks
 * to one cluster, chosen by configuration only — never by tool arguments.
 */
export interface KubeClient {
  readonly contextName: string;
  list(type: ResourceType, options?: ListOptions): Promise<KubeObject[]>;
  /** Undefined when the object does not exist. */
  get(type: ResourceType, namespace: string | undefined, name: string): Promise<KubeObject | undefined>;
  podLogs(namespace: string, pod: string, options?: PodLogOptions): Promise<string>;
  create(type: ResourceType, object: KubeObject, options?: { dryRun?: boolean }): Promise<KubeObject>;
  /** Replaces an existing object (PUT); the object must carry the current resourceVersion. */
  replace(type: ResourceType, object: KubeObject, options?: { dryRun?: boolean }): Promise<KubeObject>;
  /** JSON merge patch (RFC 7386), or a strategic merge patch where the type supports it. */
  patch(
    type: ResourceType,
    namespace: string | undefined,
    name: string,
    patch: unknown,
    options?: { dryRun?: boolean; subresource?: string },
  ): Promise<KubeObject>;
  /** Resolves a kind/plural/short name to its API type, using discovery for CRDs. */
  resolveType(kind: string, apiVersion?: string): Promise<ResourceType | undefined>;
  /** `GET /version`: the cheapest call that proves the API server answers. */
  version(): Promise<{ gitVersion?: string }>;
  /** Host (and port) of the API server. */
  readonly server: string;
}

/** Where the kube client gets its cluster and credentials: configuration, never tool input. */
export interface KubeClientConfig {
  kubeconfigPath?: string;
  context?: string;
  requestTimeoutMs?: number;
}

/** Loads the kubeconfig (path or default locations) and selects the context. */
export function loadKubeConfig(config: KubeClientConfig): KubeConfig {
  const kubeConfig = new KubeConfig();
  try {
    if (config.kubeconfigPath) kubeConfig.loadFromFile(config.kubeconfigPath);
    else kubeConfig.loadFromDefault();
  } catch (error) {
    throw new McpServerError(
      'config_invalid',
      `cannot read kubeconfig ${config.kubeconfigPath ?? '(default)'}: ${errorMessage(error)}`,
      { cause: error },
    );
  }
  if (config.context) {
    if (!kubeConfig.getContextObject(config.context)) {
      const known = kubeConfig
        .getContexts()
        .map((context) => context.name)
        .join(', ');
      throw new McpServerError(
        'config_invalid',
        `KUBE_CONTEXT '${config.context}' is not in the kubeconfig (contexts: ${known || 'none'})`,
      );
    }
    kubeConfig.setCurrentContext(config.context);
  }
  if (!kubeConfig.getCurrentCluster())
    throw new McpServerError('config_invalid', 'the kubeconfig has no current cluster; set KUBE_CONTEXT');
  return kubeConfig;
}

function collectionPath(type: ResourceType, namespace: string | undefined): string {
  const base = type.group ? `/apis/${type.group}/${type.version}` : `/api/${type.version}`;
  return type.namespaced && namespace
    ? `${base}/namespaces/${encodeURIComponent(namespace)}/${type.plural}`
    : `${base}/${type.plural}`;
}

function objectPath(type: ResourceType, namespace: string | undefined, name: string): string {
  return `${collectionPath(type, type.namespaced ? namespace : undefined)}/${encodeURIComponent(name)}`;
}

interface RawResponse {
  status: number;
  body: string;
}

/** Creates a kube client over the kubeconfig's current (or configured) context. */
export function createKubeClient(config: KubeClientConfig): KubeClient {
  const kubeConfig = loadKubeConfig(config);
  const cluster = kubeConfig.getCurrentCluster();
  // loadKubeConfig guarantees a current cluster.
  const server = new URL(cluster?.server ?? '');
  const timeout = config.requestTimeoutMs ?? 15_000;
  const discovered = new Map<string, ResourceType[]>();

  let http: Promise<BackendHttp> | undefined;
  const basePath = server.pathname.replace(/\/$/, '');
  /** The kubeconfig's TLS material, credentials and impersonation headers, as node:https options. */
  const kubeOptions = async (): Promise<RequestOptions & { headers?: Record<string, string> }> => {
    const options: RequestOptions & { headers?: Record<string, string> } = {};
    await kubeConfig.applyToHTTPSOptions(options);
    return options;
  };
  // One pool per client; its TLS material is read once, with the first request.
  const pool = (): Promise<BackendHttp> =>
    (http ??= kubeOptions().then(({ ca, cert, key, rejectUnauthorized, servername }) =>
      createBackendHttp(server, {
        ...(ca ? { ca } : {}),
        ...(cert ? { cert } : {}),
        ...(key ? { key } : {}),
        ...(rejectUnauthorized === undefined ? {} : { rejectUnauthorized }),
        ...(servername ? { servername } : {}),
      } as BackendTls),
    ));

  async function send(
    method: string,
    path: string,
    body?: unknown,
    contentType = 'application/json',
  ): Promise<RawResponse> {
    // Credentials per request: exec and token-file users refresh their tokens.
    const options = await kubeOptions();
    const headers: Record<string, string> = { accept: 'application/json, */*' };
    for (const [name, value] of Object.entries(options.headers ?? {})) headers[name.toLowerCase()] = String(value);
    if (options.auth) headers.authorization = `Basic ${Buffer.from(options.auth).toString('base64')}`;
    const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
    if (payload !== undefined) headers['content-type'] = contentType;
    try {
      const response = await (
        await pool()
      ).send({
        method,
        path: `${basePath}${path}`,
        headers,
        ...(payload === undefined ? {} : { body: payload }),
        timeoutMs: timeout,
      });
      return { status: response.status, body: response.text };
    } catch (error) {
      if (isNetworkError(error)) {
        throw new McpServerError(
          'backend_unavailable',
          `Kubernetes API ${server.host} (context ${kubeConfig.getCurrentContext()}) is unreachable: ` +
            `${errorMessage(error)}`,
          { cause: error },
        );
      }
      throw new McpServerError('backend_error', `Kubernetes API request failed: ${errorMessage(error)}`, {
        cause: error,
      });
    }
  }

  function fail(response: RawResponse, what: string): never {
    let message = response.body.slice(0, 2_000);
    let reason = '';
    try {
      const status = JSON.parse(response.body) as { message?: string; reason?: string };
      message = status.message ?? message;
      reason = status.reason ?? '';
    } catch {
      // A non-JSON body (proxy error page): keep the raw text.
    }
    if (response.status >= 500 || response.status === 429) {
      throw new McpServerError(
        'backend_unavailable',
        `Kubernetes API answered ${response.status} for ${what}: ${message}`,
      );
    }
    throw new KubeStatusError(response.status, reason, message || `${what}: HTTP ${response.status}`);
  }

  async function json(
    method: string,
    path: string,
    what: string,
    body?: unknown,
    contentType?: string,
  ): Promise<unknown> {
    const response = await send(method, path, body, contentType);
    if (response.status < 200 || response.status >= 300) fail(response, what);
    return JSON.parse(response.body) as unknown;
  }

  async function discover(groupVersion: string): Promise<ResourceType[]> {
    const cached = discovered.get(groupVersion);
    if (cached) return cached;
    const path = groupVersion.includes('/') ? `/apis/${groupVersion}` : `/api/${groupVersion}`;
    const response = await send('GET', path);
    if (response.status !== 200) return [];
    const list = JSON.parse(response.body) as {
      resources?: Array<{ name: string; kind: string; namespaced: boolean }>;
    };
    const [group, version] = groupVersion.includes('/')
      ? (groupVersion.split('/') as [string, string])
      : ['', groupVersion];
    const types = (list.resources ?? [])
      .filter((resource) => !resource.name.includes('/'))
      .map((resource) => ({
        group,
        version,
        kind: resource.kind,
        plural: resource.name,
        namespaced: resource.namespaced,
      }));
    discovered.set(groupVersion, types);
    return types;
  }

  return {
    contextName: kubeConfig.getCurrentContext(),
    server: server.host,
    version: async () => (await json('GET', '/version', 'the API server version')) as { gitVersion?: string },
    async list(type, options = {}) {
      const query = new URLSearchParams();
      if (options.labelSelector) query.set('labelSelector', options.labelSelector);
      if (options.fieldSelector) query.set('fieldSelector', options.fieldSelector);
      if (options.limit) query.set('limit', String(options.limit));
      const suffix = query.size > 0 ? `?${query.toString()}` : '';
      const result = (await json(
        'GET',
        `${collectionPath(type, options.namespace)}${suffix}`,
        `list ${type.plural}`,
      )) as { items?: KubeObject[] };
      const apiVersion = apiVersionOf(type);
      // List items omit apiVersion/kind; restore them so formatters can rely on both.
      return (result.items ?? []).map((item) => ({
        ...item,
        apiVersion: item.apiVersion ?? apiVersion,
        kind: item.kind ?? type.kind,
      }));
    },
    async get(type, namespace, name) {
      const response = await send('GET', objectPath(type, namespace, name));
      if (response.status === 404) return undefined;
      if (response.status !== 200) fail(response, `get ${type.kind} ${name}`);
      return JSON.parse(response.body) as KubeObject;
    },
    async podLogs(namespace, pod, options = {}) {
      const query = new URLSearchParams();
      if (options.container) query.set('container', options.container);
      if (options.previous) query.set('previous', 'true');
      if (options.tailLines !== undefined) query.set('tailLines', String(options.tailLines));
      if (options.limitBytes !== undefined) query.set('limitBytes', String(options.limitBytes));
      if (options.sinceSeconds !== undefined) query.set('sinceSeconds', String(options.sinceSeconds));
      const response = await send(
        'GET',
        `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(pod)}/log?${query.toString()}`,
      );
      if (response.status !== 200) fail(response, `logs of pod ${pod}`);
      return response.body;
    },
    async create(type, object, options = {}) {
      const query = options.dryRun ? '?dryRun=All' : '';
      return (await json(
        'POST',
        `${collectionPath(type, object.metadata.namespace)}${query}`,
        `create ${type.kind} ${object.metadata.name}`,
        object,
      )) as KubeObject;
    },
    async replace(type, object, options = {}) {
      const query = options.dryRun ? '?dryRun=All' : '';
      return (await json(
        'PUT',
        `${objectPath(type, object.metadata.namespace, object.metadata.name)}${query}`,
        `replace ${type.kind} ${object.metadata.name}`,
        object,
      )) as KubeObject;
    },
    async patch(type, namespace, name, patch, options = {}) {
      const query = options.dryRun ? '?dryRun=All' : '';
      const sub = options.subresource ? `/${options.subresource}` : '';
      return (await json(
        'PATCH',
        `${objectPath(type, namespace, name)}${sub}${query}`,
        `patch ${type.kind} ${name}`,
        patch,
        'application/merge-patch+json',
      )) as KubeObject;
    },
    async resolveType(kind, apiVersion) {
      const known = findWellKnownType(kind, apiVersion);
      if (known) return known;
      const wanted = kind.toLowerCase();
      const matches = (types: ResourceType[]) =>
        types.find((type) => type.kind.toLowerCase() === wanted || type.plural === wanted);
      if (apiVersion) return matches(await discover(apiVersion));
      const groups = (await json('GET', '/apis', 'API discovery')) as {
        groups?: Array<{ preferredVersion?: { groupVersion: string } }>;
      };
      for (const group of groups.groups ?? []) {
        if (!group.preferredVersion) continue;
        const found = matches(await discover(group.preferredVersion.groupVersion));
        if (found) return found;
      }
      return undefined;
    },
  };
}
