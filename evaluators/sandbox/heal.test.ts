import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../bot/package-root.js';
import { commitScenarioFix } from './apply-fix.js';
import { loadScenarioByName } from './scenario/load-scenario.js';
import { startSandbox } from './start-sandbox.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- API bodies are read as loose JSON */

const SCENARIOS = [
  'missing-image-tag',
  'crash-missing-env',
  'oomkilled',
  'wrong-probe-port',
  'missing-secret',
  'sync-failed-namespace-typo',
  'kyverno-enforce-blocks-sync',
  'argocd-drift',
];

async function until<T>(read: () => Promise<T>, isDone: (value: T) => boolean, attempts = 100): Promise<T> {
  let value = await read();
  for (let attempt = 0; attempt < attempts && !isDone(value); attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    value = await read();
  }
  return value;
}

describe('a committed fix plus a sync heals the estate', () => {
  for (const name of SCENARIOS) {
    it(name, async () => {
      const scenario = await loadScenarioByName(join(packageRoot(), 'evaluators', 'scenarios'), name);
      const sandbox = await startSandbox({ scenario });
      try {
        const endpoint = sandbox.argocd.find((instance) => instance.name === scenario.expect.app.instance);
        if (!endpoint) throw new Error('instance missing');
        const headers = { authorization: `Bearer ${endpoint.token}`, 'content-type': 'application/json' };
        const appUrl = `${endpoint.url}/api/v1/applications/${scenario.expect.app.name}`;
        const read = async (): Promise<any> => (await fetch(`${appUrl}?refresh=normal`, { headers })).json();

        const broken = await read();
        const isBroken =
          broken.status.sync.status !== 'Synced' ||
          broken.status.health.status !== 'Healthy' ||
          broken.status.operationState?.phase !== 'Succeeded';
        expect(isBroken).toBe(true);

        const sha = await commitScenarioFix(sandbox.repo, scenario);
        const sync = await fetch(`${appUrl}/sync`, { method: 'POST', headers, body: JSON.stringify({}) });
        expect(sync.status).toBe(200);
        const healed = await until(
          read,
          (app) => app.status.sync.status === 'Synced' && app.status.health.status === 'Healthy',
        );
        expect(healed.status.sync).toMatchObject({ status: 'Synced', revision: sha });
        expect(healed.status.health.status).toBe('Healthy');
        expect(healed.status.operationState.phase).toBe('Succeeded');
        expect(healed.status.history.at(-1).revision).toBe(sha);

        const tree = (await (await fetch(`${appUrl}/resource-tree`, { headers })).json()) as any;
        const pods = tree.nodes.filter((node: any) => node.kind === 'Pod');
        expect(pods.length).toBeGreaterThan(0);
        for (const pod of pods) {
          expect(pod.health.status).toBe('Healthy');
          expect(pod.info).toContainEqual({ name: 'Status Reason', value: 'Running' });
        }
      } finally {
        await sandbox.close();
      }
    });
  }
});

describe('rollback', () => {
  it('re-deploys a history entry of a manually synced app', async () => {
    const scenario = await loadScenarioByName(join(packageRoot(), 'evaluators', 'scenarios'), 'argocd-drift');
    const sandbox = await startSandbox({ scenario });
    try {
      const endpoint = sandbox.argocd.find((instance) => instance.name === 'argocd-eu-1');
      const headers = { authorization: `Bearer ${endpoint?.token ?? ''}`, 'content-type': 'application/json' };
      const response = await fetch(`${endpoint?.url ?? ''}/api/v1/applications/pricing/rollback`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ id: 0 }),
      });
      expect(response.status).toBe(200);
      const app = (await response.json()) as any;
      expect(app.status.history.map((entry: any) => entry.id)).toEqual([0, 1]);
      expect(app.status.history[1].revision).toBe(app.status.history[0].revision);
      expect(app.status.operationState.operation.initiatedBy).toEqual({ username: 'admin' });
      expect(app.status.sync.status).toBe('Synced');
      const missing = await fetch(`${endpoint?.url ?? ''}/api/v1/applications/pricing/rollback`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ id: 7 }),
      });
      expect(missing.status).toBe(400);
    } finally {
      await sandbox.close();
    }
  });
});
