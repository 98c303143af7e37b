import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import type { Tracer } from '@opentelemetry/api';
import { createToolServer } from '../common/create-tool-server.js';
import { createKubeClient, type KubeClient } from '../common/kube-client.js';
import { createSilentServerLogger, type Logger } from '../common/logger.js';
import { SERVER_VERSION } from '../common/server-version.js';
import type { KyvernoServerConfig } from './config.js';
import type { KyvernoDeps } from './deps.js';
import { kyvernoTools } from './tools/index.js';

/** Optional collaborators; anything omitted is built from the config. */
export interface KyvernoServerDeps {
  kube?: KubeClient;
  now?: () => Date;
  logger?: Logger;
  tracer?: Tracer;
  /** Kyverno has no write tools; accepted so every server takes the same flags. */
  enableWrites?: boolean;
}

const INSTRUCTIONS =
  'Kyverno policies of one cluster. explain_admission_denial maps a rejected sync/apply to policy, rule and the required change; ' +
  'list_policy_violations reads PolicyReports; list_policies/get_policy show modes and rules; check_manifest dry-runs a manifest through admission.';

/** Builds the tool dependencies (one kube client for the configured context). */
export function createKyvernoDeps(config: KyvernoServerConfig, overrides: KyvernoServerDeps = {}): KyvernoDeps {
  return {
    kube: overrides.kube ?? createKubeClient({ ...(config.kubeconfigPath ? { kubeconfigPath: config.kubeconfigPath } : {}), ...(config.context ? { context: config.context } : {}), requestTimeoutMs: config.requestTimeoutMs }),
    now: overrides.now ?? (() => new Date()),
  };
}

/** Creates the kyverno MCP server; tests and the gateway run it in-process. */
export function createKyvernoServer(config: KyvernoServerConfig, deps: KyvernoServerDeps = {}): Server {
  return createToolServer({
    name: 'sre-bot-kyverno',
    version: SERVER_VERSION,
    instructions: INSTRUCTIONS,
    tools: kyvernoTools,
    deps: createKyvernoDeps(config, deps),
    enableWrites: deps.enableWrites ?? false,
    logger: deps.logger ?? createSilentServerLogger(),
    ...(deps.tracer ? { tracer: deps.tracer } : {}),
  });
}
