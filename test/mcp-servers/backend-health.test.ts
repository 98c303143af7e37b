import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKEND_HEALTH_URI } from '../../mcp-servers/common/backend-health.js';
import { startMcpSandbox, type McpSandbox } from './sandbox-harness.js';

let estate: McpSandbox;

beforeAll(async () => {
  estate = await startMcpSandbox();
});

afterAll(async () => {
  await estate?.close();
});

async function health(client: Awaited<ReturnType<McpSandbox['argocd']>>): Promise<Record<string, unknown>> {
  const read = await client.readResource({ uri: BACKEND_HEALTH_URI });
  return JSON.parse((read.contents[0] as { text: string }).text) as Record<string, unknown>;
}

describe('backend-health resource over the sandbox', () => {
  it('reports the Kubernetes API a kubernetes and a kyverno server reach, with its version and context', async () => {
    const cluster = estate.sandbox.clusters[0];
    if (!cluster) throw new Error('sandbox has no cluster');
    const host = new URL(cluster.url).host;
    for (const client of [await estate.kubernetes(cluster.name), await estate.kyverno(cluster.name)]) {
      expect(await health(client)).toMatchObject({
        reachable: true,
        backend: 'kubernetes',
        detail: expect.stringMatching(
          new RegExp(
            `^Kubernetes v\\d+\\.\\d+\\.\\d+\\S* at ${host.replace(/\./g, '\\.')} \\(context ${cluster.name}\\)$`,
          ),
        ) as unknown,
      });
    }
  });

  it('reports the Argo CD version a fake Argo CD instance gives', async () => {
    const instance = estate.sandbox.argocd[0];
    if (!instance) throw new Error('sandbox has no Argo CD');
    expect(await health(await estate.argocd(instance.name))).toMatchObject({
      reachable: true,
      backend: 'argocd',
      detail: expect.stringMatching(/^Argo CD v3\.\d+\.\d+\S* at 127\.0\.0\.1:\d+$/) as unknown,
    });
  });
});
