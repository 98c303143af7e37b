/**
 * The install's RBAC grants the kubernetes MCP server nothing on Secrets (reading one returns its
 * values). Against an API server that answers 403 on secrets, describe_workload still answers:
 * a Secret reference it may not read is neither an error nor reported missing, and a missing
 * ConfigMap next to it is still found.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKubeApiServer, type KubeApiServer } from '../../evaluators/sandbox/kube/api-server.js';
import { renderKubeconfig } from '../../evaluators/sandbox/kube/kubeconfig.js';
import { createSimulatedCluster } from '../../evaluators/sandbox/kube/simulated-cluster.js';
import { createTlsMaterial } from '../../evaluators/sandbox/kube/tls.js';
import { createKubernetesServer } from '../../mcp-servers/kubernetes/server.js';

const NOW = new Date('2026-11-30T10:00:00Z');
let dir: string;
let server: KubeApiServer;
let client: Client;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sre-bot-no-secrets-'));
  const tls = await createTlsMaterial(join(dir, 'tls'));
  const cluster = createSimulatedCluster({
    name: 'prod',
    images: [{ repository: 'registry.example.com/api', tags: ['1.0.0'], listenPort: 8080 }],
    now: () => NOW,
  });
  cluster.load([
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } },
    {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'api-credentials', namespace: 'shop' },
      data: { token: 'c2VjcmV0' },
    },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'api', namespace: 'shop', labels: { app: 'api' } },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: 'api' } },
        template: {
          metadata: { labels: { app: 'api' } },
          spec: {
            containers: [
              {
                name: 'api',
                image: 'registry.example.com/api:1.0.0',
                envFrom: [{ secretRef: { name: 'api-credentials' } }, { configMapRef: { name: 'api-settings' } }],
                env: [{ name: 'TOKEN', valueFrom: { secretKeyRef: { name: 'api-credentials', key: 'token' } } }],
              },
            ],
          },
        },
      },
    },
  ]);
  server = await startKubeApiServer({ cluster, token: 'reader-token', tls, deniedResources: ['secrets'] });
  const kubeconfigPath = join(dir, 'kubeconfig');
  await writeFile(
    kubeconfigPath,
    renderKubeconfig([{ name: 'prod', url: server.url, token: 'reader-token', caPem: tls.caPem }]),
  );
  const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
  await createKubernetesServer(
    { kubeconfigPath, context: 'prod', requestTimeoutMs: 10_000, logLevel: 'silent' },
    { now: () => NOW },
  ).connect(serverTransport);
  client = new Client({ name: 'deploy-test', version: '1.0.0' });
  await client.connect(clientTransport);
});

afterAll(async () => {
  await client?.close();
  await server?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function callTool(name: string, args: Record<string, unknown>): Promise<{ text: string; isError: boolean }> {
  const result = (await client.callTool({ name, arguments: args })) as CallToolResult;
  return {
    text: result.content.map((part) => (part.type === 'text' ? part.text : '')).join('\n'),
    isError: result.isError === true,
  };
}

describe('the kubernetes MCP server without Secret access', () => {
  it('describes a workload that references a Secret, still finding its missing ConfigMap', async () => {
    const { text, isError } = await callTool('describe_workload', { name: 'api', namespace: 'shop' });
    expect(isError).toBe(false);
    expect(text).toContain('ConfigMap api-settings');
    expect(text).not.toMatch(/Secret api-credentials/);
  });

  it('answers a direct Secret read with an error, never with values', async () => {
    const { text, isError } = await callTool('get_resource', {
      kind: 'Secret',
      namespace: 'shop',
      name: 'api-credentials',
    });
    expect(isError).toBe(true);
    expect(text).not.toContain('c2VjcmV0');
  });
});
