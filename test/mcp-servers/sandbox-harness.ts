import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { loadScenarioByName } from '../../evaluators/sandbox/scenario/load-scenario.js';
import type { Scenario } from '../../evaluators/sandbox/scenario/scenario-schema.js';
import { startSandbox, type RunningSandbox } from '../../evaluators/sandbox/start-sandbox.js';
import { createArgocdServer } from '../../mcp-servers/argocd/server.js';
import { createKubernetesServer } from '../../mcp-servers/kubernetes/server.js';
import { createKyvernoServer } from '../../mcp-servers/kyverno/server.js';
import { packageRoot } from '../../bot/package-root.js';

/** A started sandbox plus MCP clients of our three servers, connected in-process. */
export interface McpSandbox {
  sandbox: RunningSandbox;
  scenario?: Scenario;
  /** Kubernetes server for one cluster (kubeconfig context = cluster name). */
  kubernetes(cluster: string, options?: { enableWrites?: boolean }): Promise<Client>;
  kyverno(cluster: string): Promise<Client>;
  argocd(instance: string, options?: { enableWrites?: boolean }): Promise<Client>;
  close(): Promise<void>;
}

/** Loads a bundled scenario by name. */
export function loadScenario(name: string): Promise<Scenario> {
  return loadScenarioByName(join(packageRoot(), 'evaluators', 'scenarios'), name);
}

/** Starts the sandbox (optionally with a scenario) and hands out connected clients; close() tears all down. */
export async function startMcpSandbox(scenario?: Scenario): Promise<McpSandbox> {
  const sandbox = await startSandbox(scenario ? { scenario } : {});
  const clients: Client[] = [];
  const connect = async (server: Server): Promise<Client> => {
    const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
    await server.connect(serverTransport);
    const client = new Client({ name: 'acceptance', version: '1.0.0' });
    await client.connect(clientTransport);
    clients.push(client);
    return client;
  };
  const kubeConfig = (cluster: string) => ({
    kubeconfigPath: sandbox.kubeconfigPath,
    context: cluster,
    requestTimeoutMs: 10_000,
    logLevel: 'silent',
  });
  return {
    sandbox,
    ...(scenario ? { scenario } : {}),
    kubernetes: (cluster, options = {}) =>
      connect(
        createKubernetesServer(kubeConfig(cluster), {
          enableWrites: options.enableWrites ?? false,
          now: () => sandbox.clock.now(),
        }),
      ),
    kyverno: (cluster) => connect(createKyvernoServer(kubeConfig(cluster), { now: () => sandbox.clock.now() })),
    argocd: (instance, options = {}) => {
      const endpoint = sandbox.argocd.find((candidate) => candidate.name === instance);
      if (!endpoint)
        throw new Error(
          `no Argo CD instance ${instance} (have ${sandbox.argocd.map((candidate) => candidate.name).join(', ')})`,
        );
      return connect(
        createArgocdServer(
          { url: endpoint.url, token: endpoint.token, requestTimeoutMs: 10_000, logLevel: 'silent' },
          { enableWrites: options.enableWrites ?? false, now: () => sandbox.clock.now() },
        ),
      );
    },
    close: async () => {
      for (const client of clients) await client.close();
      await sandbox.close();
    },
  };
}

/** Calls a tool and returns its text and result (throws on protocol errors). */
export async function call(
  client: Client,
  name: string,
  args: Record<string, unknown> = {},
): Promise<{ text: string; result: CallToolResult }> {
  const result = (await client.callTool({ name, arguments: args })) as CallToolResult;
  const text = result.content.map((part) => (part.type === 'text' ? part.text : '')).join('\n');
  return { text, result };
}

/** The facts of `expected` that `text` lacks (case-insensitive), for readable assertion failures. */
export function missingFacts(text: string, expected: readonly string[]): string[] {
  const lower = text.toLowerCase();
  return expected.filter((fact) => !lower.includes(fact.toLowerCase()));
}
