import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { createKubeToolDeps, createKubeToolServer, type KubeServerDeps } from '../common/kube-tool-server.js';
import type { KubernetesServerConfig } from './config.js';
import type { KubernetesDeps } from './deps.js';
import { kubernetesTools } from './tools/index.js';

/**
 * Optional collaborators; anything omitted is built from the config. `enableWrites` offers rollout_restart and
 * scale_workload.
 */
export type KubernetesServerDeps = KubeServerDeps;

const INSTRUCTIONS =
  'Read-only troubleshooting of one Kubernetes cluster. Start with find_workloads (locate by name) or ' +
  'get_namespace_health, then describe_workload ' +
  ('(one call: rollout, pods, events, missing ConfigMaps/Secrets, crash logs), get_pod_logs (previous=true for ' +
    'crashes), check_service, get_rollout_history.');

/** Builds the tool dependencies (one kube client for the configured context). */
export function createKubernetesDeps(
  config: KubernetesServerConfig,
  overrides: KubernetesServerDeps = {},
): KubernetesDeps {
  return createKubeToolDeps(config, overrides);
}

/**
 * Creates the kubernetes MCP server. Cheap enough to call per HTTP request when `deps.kube` is
 * shared; tests and the gateway run it in-process.
 */
export function createKubernetesServer(config: KubernetesServerConfig, deps: KubernetesServerDeps = {}): Server {
  return createKubeToolServer(
    { name: 'sre-bot-kubernetes', instructions: INSTRUCTIONS, tools: kubernetesTools },
    config,
    deps,
  );
}
