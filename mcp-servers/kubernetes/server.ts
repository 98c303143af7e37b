import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import type { Tracer } from '@opentelemetry/api';
import { createToolServer } from '../common/create-tool-server.js';
import { createKubeClient, type KubeClient } from '../common/kube-client.js';
import { createSilentServerLogger, type Logger } from '../common/logger.js';
import { SERVER_VERSION } from '../common/server-version.js';
import type { KubernetesServerConfig } from './config.js';
import type { KubernetesDeps } from './deps.js';
import { kubernetesTools } from './tools/index.js';

/** Optional collaborators; anything omitted is built from the config. */
export interface KubernetesServerDeps {
  kube?: KubeClient;
  now?: () => Date;
  logger?: Logger;
  tracer?: Tracer;
  /** Offer and allow the write tools (rollout_restart, scale_workload). */
  enableWrites?: boolean;
}

const INSTRUCTIONS =
  'Read-only troubleshooting of one Kubernetes cluster. Start with find_workloads (locate by name) or get_namespace_health, then describe_workload ' +
  '(one call: rollout, pods, events, missing ConfigMaps/Secrets, crash logs), get_pod_logs (previous=true for crashes), check_service, get_rollout_history.';

/** Builds the tool dependencies (one kube client for the configured context). */
export function createKubernetesDeps(config: KubernetesServerConfig, overrides: KubernetesServerDeps = {}): KubernetesDeps {
  return {
    kube: overrides.kube ?? createKubeClient({ ...(config.kubeconfigPath ? { kubeconfigPath: config.kubeconfigPath } : {}), ...(config.context ? { context: config.context } : {}), requestTimeoutMs: config.requestTimeoutMs }),
    now: overrides.now ?? (() => new Date()),
  };
}

/**
 * Creates the kubernetes MCP server. Cheap enough to call per HTTP request when `deps.kube` is
 * shared; tests and the gateway run it in-process.
 */
export function createKubernetesServer(config: KubernetesServerConfig, deps: KubernetesServerDeps = {}): Server {
  return createToolServer({
    name: 'sre-bot-kubernetes',
    version: SERVER_VERSION,
    instructions: INSTRUCTIONS,
    tools: kubernetesTools,
    deps: createKubernetesDeps(config, deps),
    enableWrites: deps.enableWrites ?? false,
    logger: deps.logger ?? createSilentServerLogger(),
    ...(deps.tracer ? { tracer: deps.tracer } : {}),
  });
}
