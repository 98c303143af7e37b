import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type RunningSandbox } from './start-sandbox.js';

describe('startSandbox with a synthetic estate', () => {
  let sandbox: RunningSandbox;

  beforeAll(async () => {
    sandbox = await startSandbox({
      clusters: 2,
      argocdInstances: 3,
      apps: 30,
      pods: 120,
      down: ['argocd-3', 'cluster-2'],
      latencyMs: 5,
    });
  });

  afterAll(async () => {
    await sandbox?.close();
  });

  it('spreads healthy synced apps over every instance; apps on a down cluster are Unknown', async () => {
    expect(sandbox.argocd.map((instance) => instance.name)).toEqual(['argocd-1', 'argocd-2', 'argocd-3']);
    const endpoint = sandbox.argocd[1];
    const headers = { authorization: `Bearer ${endpoint?.token ?? ''}` };
    const list = (await (await fetch(`${endpoint?.url ?? ''}/api/v1/applications`, { headers })).json()) as {
      items: Array<{
        spec: { destination: { name: string } };
        status: {
          sync: { status: string };
          health: { status: string };
          history: unknown[];
          conditions?: Array<{ type: string; message: string }>;
        };
      }>;
    };
    expect(list.items).toHaveLength(10);
    for (const app of list.items) {
      expect(app.status.history).toHaveLength(1);
      if (app.spec.destination.name === 'cluster-1') {
        expect(app.status.sync.status).toBe('Synced');
        expect(app.status.health.status).toBe('Healthy');
      } else {
        expect(app.status.sync.status).toBe('Unknown');
        expect(app.status.conditions?.[0]?.type).toBe('ComparisonError');
        expect(app.status.conditions?.[0]?.message).toContain('i/o timeout');
      }
    }
    const clusters = (await (await fetch(`${endpoint?.url ?? ''}/api/v1/clusters`, { headers })).json()) as {
      items: Array<{ name: string; connectionState: { status: string } }>;
    };
    expect(clusters.items.map((cluster) => `${cluster.name}=${cluster.connectionState.status}`)).toEqual([
      'cluster-1=Successful',
      'cluster-2=Failed',
    ]);
  });

  it('runs the requested number of pods', () => {
    let running = 0;
    for (const cluster of sandbox.simulatedClusters.values()) {
      running += cluster
        .list('v1', 'Pod')
        .filter(
          (pod) => pod.metadata.labels?.synthetic === 'true' && (pod.status as { phase?: string }).phase === 'Running',
        ).length;
    }
    expect(running).toBe(120);
  });

  it('writes a kubeconfig with one context per cluster', async () => {
    const kubeconfig = await readFile(sandbox.kubeconfigPath, 'utf8');
    for (const cluster of sandbox.clusters) expect(kubeconfig).toContain(cluster.url);
  });

  it('makes a --down instance or cluster accept connections and never answer', async () => {
    const down = sandbox.argocd[2];
    await expect(fetch(`${down?.url ?? ''}/api/version`, { signal: AbortSignal.timeout(300) })).rejects.toThrow(
      /abort|timeout/i,
    );
    const cluster = sandbox.clusters.find((entry) => entry.name === 'cluster-2');
    await expect(
      fetch(`${(cluster?.url ?? '').replace('https:', 'http:')}/version`, { signal: AbortSignal.timeout(300) }),
    ).rejects.toThrow(/abort|timeout/i);
  });

  it('rejects an unknown --down name and leaves nothing behind', async () => {
    await expect(startSandbox({ down: ['argocd-eu-9'] })).rejects.toThrow(
      /--down argocd-eu-9: no such Argo CD instance or cluster/,
    );
  });

  it('removes its temp dir on close', async () => {
    const other = await startSandbox({});
    expect(existsSync(other.workDir)).toBe(true);
    await other.close();
    expect(existsSync(other.workDir)).toBe(false);
  });
});
