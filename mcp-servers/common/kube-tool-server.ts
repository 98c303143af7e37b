import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import type { Tracer } from '@opentelemetry/api';
import { createToolServer } from './create-tool-server.js';
import { createKubeClient, type KubeClient } from './kube-client.js';
import type { KubeServerConfig } from './kube-server-config.js';
import { createSilentServerLogger, type Logger } from './logger.js';
import { SERVER_VERSION } from './server-version.js';
import type { AnyToolDefinition } from './tool-definition.js';

/**
 * Optional collaborators of a server backed by one cluster (kubernetes, kyverno); anything omitted is built from the
 * config.
 */
export interface KubeServerDeps {
  kube?: KubeClient;
  now?: () => Date;
  logger?: Logger;
  tracer?: Tracer;
  /**
   * Offer and allow the server's write tools (servers without any accept it too, so every server takes the same flags).
   */
  enableWrites?: boolean;
}

/** What the tools of a cluster-backed server need: one cluster client and a clock. */
export interface KubeToolDeps {
  kube: KubeClient;
  now: () => Date;
  /** Resources (lowercase plurals) the tools refuse to read (KUBE_DENIED_RESOURCES). */
  deniedResources?: ReadonlySet<string>;
}

/** Builds the tool dependencies: one kube client for the configured context, unless one is given. */
export function createKubeToolDeps(config: KubeServerConfig, overrides: KubeServerDeps = {}): KubeToolDeps {
  return {
    kube:
      overrides.kube ??
      createKubeClient({
        ...(config.kubeconfigPath ? { kubeconfigPath: config.kubeconfigPath } : {}),
        ...(config.context ? { context: config.context } : {}),
        requestTimeoutMs: config.requestTimeoutMs,
      }),
    now: overrides.now ?? (() => new Date()),
    deniedResources: new Set(config.deniedResources ?? []),
  };
}

/** What tells one cluster-backed server from another. */
export interface KubeToolServerIdentity {
  name: string;
  instructions: string;
  tools: readonly AnyToolDefinition<KubeToolDeps>[];
}

/**
 * Creates a cluster-backed MCP server. Cheap enough to call per HTTP request when `deps.kube` is
 * shared; tests and the gateway run it in-process.
 */
export function createKubeToolServer(
  identity: KubeToolServerIdentity,
  config: KubeServerConfig,
  deps: KubeServerDeps = {},
): Server {
  const toolDeps = createKubeToolDeps(config, deps);
  const { kube } = toolDeps;
  return createToolServer({
    name: identity.name,
    version: SERVER_VERSION,
    instructions: identity.instructions,
    tools: identity.tools,
    deps: toolDeps,
    backendProbe: {
      backend: 'kubernetes',
      check: async () =>
        `Kubernetes ${(await kube.version()).gitVersion ?? '(version not reported)'} at ${kube.server} (context ` +
        `${kube.contextName})`,
    },
    enableWrites: deps.enableWrites ?? false,
    logger: deps.logger ?? createSilentServerLogger(),
    ...(deps.tracer ? { tracer: deps.tracer } : {}),
  });
}
