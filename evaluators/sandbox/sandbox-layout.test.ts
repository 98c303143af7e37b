import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../bot/package-root.js';
import { createCloserStack } from './closer-stack.js';
import { applicationDefinitions, scenarioAppKeys } from './sandbox-argocd.js';
import { planSandboxLayout } from './sandbox-layout.js';
import { loadScenarioFile } from './scenario/load-scenario.js';

const scenarioFile = join(packageRoot(), 'evaluators', 'scenarios', 'oomkilled.yaml');

describe('planSandboxLayout', () => {
  it('runs one cluster and one instance when neither scenario nor scale flags name any', () => {
    const layout = planSandboxLayout(undefined, {});
    expect(layout).toMatchObject({ clusterNames: ['cluster-1'], instanceNames: ['argocd-1'] });
    expect(layout.plan.apps).toEqual([]);
    expect([...layout.down]).toEqual([]);
  });

  it('puts the scenario names first and adds synthetic ones up to the requested totals', async () => {
    const scenario = await loadScenarioFile(scenarioFile);
    const layout = planSandboxLayout(scenario, { clusters: scenario.clusters.length + 1, argocdInstances: 2, apps: 4 });
    expect(layout.clusterNames.slice(0, scenario.clusters.length)).toEqual(scenario.clusters.map((c) => c.name));
    expect(layout.clusterNames).toHaveLength(scenario.clusters.length + 1);
    expect(layout.instanceNames).toHaveLength(2);
    expect(layout.plan.apps).toHaveLength(4);
  });

  it('names every instance and cluster when a --down name matches none', () => {
    expect(() => planSandboxLayout(undefined, { clusters: 2 }, ['argocd-9'])).toThrow(
      '--down argocd-9: no such Argo CD instance or cluster (instances: argocd-1; clusters: cluster-1, cluster-2)',
    );
    expect([...planSandboxLayout(undefined, { clusters: 2 }, ['cluster-2']).down]).toEqual(['cluster-2']);
  });
});

describe('applicationDefinitions', () => {
  it('points scenario apps and the synthetic fleet at the scenario repo, fleet auto-synced', async () => {
    const scenario = await loadScenarioFile(scenarioFile);
    const layout = planSandboxLayout(scenario, { apps: 2 });
    const definitions = [...applicationDefinitions(layout).values()].flat();
    const keys = scenarioAppKeys(scenario);
    expect(definitions).toHaveLength(keys.size + 2);
    for (const definition of definitions)
      expect(definition.source.repoURL).toBe(scenario.git.repoURL ?? 'https://git.example.com/platform/gitops.git');
    const fleet = definitions.filter((definition) => definition.labels?.synthetic === 'true');
    expect(fleet.map((definition) => definition.syncPolicy)).toEqual([
      { automated: { prune: true, selfHeal: false } },
      { automated: { prune: true, selfHeal: false } },
    ]);
  });
});

describe('createCloserStack', () => {
  it('closes newest first, once', async () => {
    const closed: string[] = [];
    const stack = createCloserStack();
    stack.push(() => void closed.push('repo'));
    stack.push(async () => {
      closed.push('server');
    });
    await stack.closeAll();
    await stack.closeAll();
    expect(closed).toEqual(['server', 'repo']);
  });
});
