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
import { loadConfig } from '../../mcp-servers/kubernetes/config.js';
import { createKubernetesServer } from '../../mcp-servers/kubernetes/server.js';

let dir: string;
let server: KubeApiServer;
let client: Client;

function text(result: unknown): string {
  return (result as CallToolResult).content.map((item) => (item.type === 'text' ? item.text : '')).join('\n');
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sre-bot-denied-'));
  const tls = await createTlsMaterial(join(dir, 'tls'));
  const cluster = createSimulatedCluster({ name: 'prod', images: [] });
  cluster.load([
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } },
    { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db', namespace: 'shop' }, data: { password: 'aHVudGVy' } },
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'shop' }, data: { LEVEL: 'info' } },
  ]);
  // RBAC here would allow everything: the server's own setting is what refuses.
  server = await startKubeApiServer({ cluster, token: 'admin-token', tls });
  const kubeconfigPath = join(dir, 'kubeconfig');
  await writeFile(
    kubeconfigPath,
    renderKubeconfig([{ name: 'prod', url: server.url, token: 'admin-token', caPem: tls.caPem }]),
  );
  // The production path: configuration from the environment, KUBE_DENIED_RESOURCES left at its default.
  const config = loadConfig({ KUBECONFIG: kubeconfigPath, KUBE_CONTEXT: 'prod', LOG_LEVEL: 'silent' });
  const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
  await createKubernetesServer(config).connect(serverTransport);
  client = new Client({ name: 'denied-test', version: '1.0.0' });
  await client.connect(clientTransport);
});

afterAll(async () => {
  await client?.close();
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

/** Issue 19: least privilege on the cluster holds in the server, even where RBAC grants Secret reads. */
describe('KUBE_DENIED_RESOURCES', () => {
  it('defaults to secrets', () => {
    expect(loadConfig({}).deniedResources).toEqual(['secrets']);
    expect(loadConfig({ KUBE_DENIED_RESOURCES: 'none' }).deniedResources).toEqual([]);
    expect(loadConfig({ KUBE_DENIED_RESOURCES: 'Secrets, configmaps' }).deniedResources).toEqual([
      'secrets',
      'configmaps',
    ]);
  });

  it('get_resource and list_resources refuse Secrets with a result the model can act on', async () => {
    for (const [tool, args] of [
      ['get_resource', { kind: 'Secret', name: 'db', namespace: 'shop' }],
      ['list_resources', { kind: 'Secret', namespace: 'shop' }],
    ] as const) {
      const result = (await client.callTool({ name: tool, arguments: args })) as CallToolResult;
      expect(result.isError, tool).toBe(true);
      expect(text(result)).toMatch(/Reading secrets is denied on this server \(KUBE_DENIED_RESOURCES\)/);
      expect(text(result)).not.toContain('password');
    }
  });

  it('still reads what is not denied', async () => {
    const result = (await client.callTool({
      name: 'get_resource',
      arguments: { kind: 'ConfigMap', name: 'settings', namespace: 'shop' },
    })) as CallToolResult;
    expect(result.isError).toBeFalsy();
    expect(text(result)).toContain('LEVEL: info');
  });
});
