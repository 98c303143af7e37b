import { z } from 'zod';
import { authTokenVariable, integerVariable, logLevelVariable, parseServerEnv, type Env } from './parse-env.js';

const schema = z.object({
  KUBECONFIG: z.string().optional(),
  KUBE_CONTEXT: z.string().optional(),
  KUBE_REQUEST_TIMEOUT_MS: integerVariable(15_000),
  MCP_AUTH_TOKEN: authTokenVariable,
  LOG_LEVEL: logLevelVariable,
  /** Resources (plural names, comma-separated) the tools refuse to read; `none` for none. */
  KUBE_DENIED_RESOURCES: z.string().default('secrets'),
});

/**
 * Configuration of a server backed by one Kubernetes cluster (kubernetes, kyverno): cluster by kubeconfig/context only.
 */
export interface KubeServerConfig {
  /** Kubeconfig file; unset = the default locations (~/.kube/config or in-cluster). */
  kubeconfigPath?: string;
  /** Context to use; unset = the kubeconfig's current-context. */
  context?: string;
  requestTimeoutMs: number;
  /** Bearer token required over HTTP. */
  authToken?: string;
  logLevel: string;
  /**
   * Resources (lowercase plurals, e.g. `secrets`) get_resource and list_resources refuse to read,
   * whatever RBAC allows. From KUBE_DENIED_RESOURCES (default `secrets`); unset in a literal config
   * (the sandbox) means none.
   */
  deniedResources?: readonly string[];
}

/**
 * Reads KUBECONFIG, KUBE_CONTEXT, KUBE_REQUEST_TIMEOUT_MS, MCP_AUTH_TOKEN, LOG_LEVEL and
 * KUBE_DENIED_RESOURCES; reports every bad one at once.
 */
export function loadKubeServerConfig(env: Env, server: string): Readonly<KubeServerConfig> {
  const parsed = parseServerEnv(schema, env, server);
  return Object.freeze({
    ...(parsed.KUBECONFIG ? { kubeconfigPath: parsed.KUBECONFIG } : {}),
    ...(parsed.KUBE_CONTEXT ? { context: parsed.KUBE_CONTEXT } : {}),
    requestTimeoutMs: parsed.KUBE_REQUEST_TIMEOUT_MS,
    ...(parsed.MCP_AUTH_TOKEN ? { authToken: parsed.MCP_AUTH_TOKEN } : {}),
    logLevel: parsed.LOG_LEVEL,
    deniedResources: parsed.KUBE_DENIED_RESOURCES.split(',')
      .map((name) => name.trim().toLowerCase())
      .filter((name) => name !== '' && name !== 'none'),
  });
}
