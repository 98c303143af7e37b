import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import type { Tracer } from '@opentelemetry/api';
import { loadConfig as loadArgocdConfig } from './argocd/config.js';
import { createArgocdDeps, createArgocdServer } from './argocd/server.js';
import type { Logger } from './common/logger.js';
import type { Env } from './common/parse-env.js';
import { loadConfig as loadKubernetesConfig } from './kubernetes/config.js';
import { createKubernetesDeps, createKubernetesServer } from './kubernetes/server.js';
import { loadConfig as loadKyvernoConfig } from './kyverno/config.js';
import { createKyvernoDeps, createKyvernoServer } from './kyverno/server.js';
import type { McpServerName } from './tool-names.js';

/** Settings every server reads besides its backend. */
export interface CommonServerSettings {
  authToken?: string;
  logLevel: string;
}

/** How to run one of our servers: read its env once, then build a server per connection/request. */
export interface McpServerEntry {
  name: McpServerName;
  /** Env variables the server reads (for help text and error messages). */
  variables: readonly string[];
  /**
   * Parses the env and builds the backend client once; the returned factory makes a fresh MCP
   * server per call (stateless HTTP builds one per request) that shares that client.
   */
  prepare(
    env: Env,
    options: { logger: Logger; enableWrites: boolean; tracer?: Tracer },
  ): { settings: CommonServerSettings; createServer: () => Server };
}

/** Our three MCP servers by name. */
export const mcpServerCatalog: Readonly<Record<McpServerName, McpServerEntry>> = Object.freeze({
  kubernetes: {
    name: 'kubernetes',
    variables: ['KUBECONFIG', 'KUBE_CONTEXT', 'KUBE_REQUEST_TIMEOUT_MS', 'MCP_AUTH_TOKEN', 'LOG_LEVEL'],
    prepare(env, options) {
      const config = loadKubernetesConfig(env);
      const deps = createKubernetesDeps(config);
      return { settings: config, createServer: () => createKubernetesServer(config, { ...deps, ...options }) };
    },
  },
  argocd: {
    name: 'argocd',
    variables: ['ARGOCD_URL', 'ARGOCD_TOKEN', 'ARGOCD_REQUEST_TIMEOUT_MS', 'MCP_AUTH_TOKEN', 'LOG_LEVEL'],
    prepare(env, options) {
      const config = loadArgocdConfig(env);
      const deps = createArgocdDeps(config);
      return { settings: config, createServer: () => createArgocdServer(config, { ...deps, ...options }) };
    },
  },
  kyverno: {
    name: 'kyverno',
    variables: ['KUBECONFIG', 'KUBE_CONTEXT', 'KUBE_REQUEST_TIMEOUT_MS', 'MCP_AUTH_TOKEN', 'LOG_LEVEL'],
    prepare(env, options) {
      const config = loadKyvernoConfig(env);
      const deps = createKyvernoDeps(config);
      return { settings: config, createServer: () => createKyvernoServer(config, { ...deps, ...options }) };
    },
  },
});
