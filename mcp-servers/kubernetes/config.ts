import { loadKubeServerConfig, type KubeServerConfig } from '../common/kube-server-config.js';
import type { Env } from '../common/parse-env.js';

/** Configuration of the kubernetes MCP server. */
export type KubernetesServerConfig = KubeServerConfig;

/** Reads KUBECONFIG, KUBE_CONTEXT, KUBE_REQUEST_TIMEOUT_MS, MCP_AUTH_TOKEN and LOG_LEVEL. */
export function loadConfig(env: Env): Readonly<KubernetesServerConfig> {
  return loadKubeServerConfig(env, 'kubernetes');
}
