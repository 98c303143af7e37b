import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { createKubeToolDeps, createKubeToolServer, type KubeServerDeps } from '../common/kube-tool-server.js';
import type { KyvernoServerConfig } from './config.js';
import type { KyvernoDeps } from './deps.js';
import { kyvernoTools } from './tools/index.js';

/** Optional collaborators; anything omitted is built from the config. Kyverno has no write tools. */
export type KyvernoServerDeps = KubeServerDeps;

const INSTRUCTIONS =
  'Kyverno policies of one cluster. explain_admission_denial maps a rejected sync/apply to policy, rule and the ' +
  'required change; ' +
  ('list_policy_violations reads PolicyReports; list_policies/get_policy show modes and rules; check_manifest ' +
    'dry-runs a manifest through admission.');

/** Builds the tool dependencies (one kube client for the configured context). */
export function createKyvernoDeps(config: KyvernoServerConfig, overrides: KyvernoServerDeps = {}): KyvernoDeps {
  return createKubeToolDeps(config, overrides);
}

/** Creates the kyverno MCP server; tests and the gateway run it in-process. */
export function createKyvernoServer(config: KyvernoServerConfig, deps: KyvernoServerDeps = {}): Server {
  return createKubeToolServer(
    { name: 'sre-bot-kyverno', instructions: INSTRUCTIONS, tools: kyvernoTools },
    config,
    deps,
  );
}
