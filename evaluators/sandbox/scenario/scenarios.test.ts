import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../../bot/package-root.js';
import type { KubeObject } from '../kube/cluster-api.js';
import { startSandbox, type RunningSandbox } from '../start-sandbox.js';
import { listScenarioFiles, loadScenarioFile } from './load-scenario.js';
import { EXPECTED_SKILLS, type Scenario } from './scenario-schema.js';

const directory = join(packageRoot(), 'evaluators', 'scenarios');
const files = await listScenarioFiles(directory);

/** Everything an investigator could read about the expected app: Argo CD, cluster, logs, reports, git. */
async function gatherEvidence(sandbox: RunningSandbox, scenario: Scenario): Promise<string> {
  const endpoint = sandbox.argocd.find((instance) => instance.name === scenario.expect.app.instance);
  const app = scenario.argocd
    .find((instance) => instance.name === scenario.expect.app.instance)
    ?.apps.find((candidate) => candidate.name === scenario.expect.app.name);
  if (!endpoint || !app) throw new Error('expected app missing');
  const headers = { authorization: `Bearer ${endpoint.token}` };
  const base = `${endpoint.url}/api/v1/applications/${app.name}`;
  const parts: string[] = [];
  for (const path of ['', '/managed-resources', '/events', '/resource-tree'])
    parts.push(await (await fetch(`${base}${path}`, { headers })).text());
  const cluster = sandbox.simulatedClusters.get(app.destination.cluster);
  if (!cluster) throw new Error('cluster missing');
  const namespace = app.destination.namespace;
  const objects: KubeObject[] = [
    ...cluster.list('v1', 'Pod', namespace),
    ...cluster.list('v1', 'Event', namespace),
    ...cluster.list('v1', 'Service', namespace),
    ...cluster.list('v1', 'Endpoints', namespace),
    ...cluster.list('v1', 'PersistentVolumeClaim', namespace),
    ...cluster.list('wgpolicyk8s.io/v1alpha2', 'PolicyReport', namespace),
  ];
  parts.push(JSON.stringify(objects));
  for (const pod of cluster.list('v1', 'Pod', namespace)) {
    // Every container's logs, init containers' too (`kubectl logs -c <init>`).
    const spec = pod.spec as { initContainers?: Array<{ name: string }> } | undefined;
    for (const container of [undefined, ...(spec?.initContainers ?? []).map((init) => init.name)])
      for (const previous of [false, true]) {
        try {
          parts.push(cluster.podLogs(namespace, pod.metadata.name, { previous, ...(container ? { container } : {}) }));
        } catch {
          // no previous container
        }
      }
  }
  const [head] = await sandbox.repo.log();
  parts.push(head?.message ?? '');
  return parts.join('\n').toLowerCase();
}

describe('bundled scenarios', () => {
  it('cover every fault of the issue with the expected skills', async () => {
    const scenarios = await Promise.all(files.map((file) => loadScenarioFile(file)));
    expect(scenarios.length).toBeGreaterThanOrEqual(42);
    // Every family of the issue is covered; a scenario may also expect another bundled skill (job-failures).
    const expected = new Set(scenarios.map((scenario) => scenario.expect.skill));
    for (const skill of EXPECTED_SKILLS) expect(expected.has(skill), skill).toBe(true);
    for (const skill of expected)
      expect(existsSync(join(packageRoot(), 'skills', skill, 'SKILL.md')), skill).toBe(true);
    // Several scenarios per family, each with other names and noise.
    for (const skill of EXPECTED_SKILLS)
      expect(scenarios.filter((scenario) => scenario.expect.skill === skill).length, skill).toBeGreaterThanOrEqual(2);
    expect(new Set(scenarios.map((scenario) => scenario.name)).size).toBe(scenarios.length);
  });

  for (const file of files) {
    it(`${file.split('/').at(-1) ?? file} loads, starts, carries noise and shows its root cause`, async () => {
      const scenario = await loadScenarioFile(file);
      const twins = scenario.argocd.filter((instance) =>
        instance.apps.some((app) => app.name === scenario.expect.app.name),
      );
      expect(twins.length).toBeGreaterThanOrEqual(2);
      expect(scenario.noise.events.some((event) => event.type === 'Warning')).toBe(true);

      const sandbox = await startSandbox({ scenario });
      try {
        expect(sandbox.scenario).toEqual({ name: scenario.name, question: scenario.question });
        // Noise: some other app on the same instance is Synced and Healthy.
        const endpoint = sandbox.argocd.find((instance) => instance.name === scenario.expect.app.instance);
        const list = (await (
          await fetch(`${endpoint?.url ?? ''}/api/v1/applications`, {
            headers: { authorization: `Bearer ${endpoint?.token ?? ''}` },
          })
        ).json()) as {
          items: Array<{
            metadata: { name: string };
            status: { sync: { status: string }; health: { status: string } };
          }>;
        };
        const healthyOthers = list.items.filter(
          (app) =>
            app.metadata.name !== scenario.expect.app.name &&
            app.status.sync.status === 'Synced' &&
            app.status.health.status === 'Healthy',
        );
        expect(healthyOthers.length).toBeGreaterThan(0);

        const evidence = await gatherEvidence(sandbox, scenario);
        for (const fact of scenario.expect.rootCause)
          expect(evidence, `root-cause fact '${fact}'`).toContain(fact.toLowerCase());
      } finally {
        await sandbox.close();
      }
    });
  }
});
