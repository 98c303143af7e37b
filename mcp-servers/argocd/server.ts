import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import type { Tracer } from '@opentelemetry/api';
import { createToolServer } from '../common/create-tool-server.js';
import { createSilentServerLogger, type Logger } from '../common/logger.js';
import { SERVER_VERSION } from '../common/server-version.js';
import { createArgocdClient, type ArgocdClient } from './argocd-client.js';
import type { ArgocdServerConfig } from './config.js';
import type { ArgocdDeps } from './deps.js';
import { argocdTools } from './tools/index.js';

/** Optional collaborators; anything omitted is built from the config. */
export interface ArgocdServerDeps {
  argocd?: ArgocdClient;
  now?: () => Date;
  logger?: Logger;
  tracer?: Tracer;
  /** Offer and allow the write tools (sync_application, rollback_application). */
  enableWrites?: boolean;
}

const INSTRUCTIONS =
  'Read-only troubleshooting of one Argo CD instance. Find the app with list_applications, then get_application ' +
  '(status, last sync error, history with commits) ' +
  ('answers most questions in one call; get_application_diff shows git vs cluster, get_application_tree the ' +
    'unhealthy resources, get_application_logs pod logs.');

/** Builds the tool dependencies (one Argo CD client for the configured instance). */
export function createArgocdDeps(config: ArgocdServerConfig, overrides: ArgocdServerDeps = {}): ArgocdDeps {
  return {
    argocd:
      overrides.argocd ??
      createArgocdClient({ url: config.url, token: config.token, requestTimeoutMs: config.requestTimeoutMs }),
    now: overrides.now ?? (() => new Date()),
  };
}

/** Creates the argocd MCP server; tests and the gateway run it in-process. */
export function createArgocdServer(config: ArgocdServerConfig, deps: ArgocdServerDeps = {}): Server {
  const toolDeps = createArgocdDeps(config, deps);
  const host = new URL(config.url).host;
  return createToolServer({
    name: 'sre-bot-argocd',
    version: SERVER_VERSION,
    instructions: INSTRUCTIONS,
    tools: argocdTools,
    deps: toolDeps,
    backendProbe: {
      backend: 'argocd',
      check: async () => `Argo CD ${(await toolDeps.argocd.version()).Version ?? '(version not reported)'} at ${host}`,
    },
    enableWrites: deps.enableWrites ?? false,
    logger: deps.logger ?? createSilentServerLogger(),
    ...(deps.tracer ? { tracer: deps.tracer } : {}),
  });
}
