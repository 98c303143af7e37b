import { describe, expect, it } from 'vitest';
import { describeWorkloadResult, getRolloutHistoryResult } from '../tool-results/kubernetes-results.js';
import { getApplicationDiffResult } from '../tool-results/argocd-results.js';
import { healthyImageOf, missingFileOf, runtimeFacts } from './facts-runtime.js';

const rollout = getRolloutHistoryResult.parse({
  kind: 'Deployment',
  namespace: 'docs',
  name: 'pdf-render',
  revisions: [
    { revision: 2, images: ['pdf-render=registry.example.com/docs/pdf-render-buildx:3.0.0'], isCurrent: true },
    {
      revision: 1,
      images: ['pdf-render=registry.example.com/docs/pdf-render:2.6.1 (limits memory=512Mi)'],
      readyReplicas: 1,
      isCurrent: false,
    },
  ],
});

function workload(overrides: Record<string, unknown>) {
  return describeWorkloadResult.parse({
    kind: 'Deployment',
    namespace: 'shop',
    name: 'cart-api',
    containers: [{ name: 'cart-api', image: 'registry.example.com/shop/cart-api:9.4.0' }],
    pods: [],
    ...overrides,
  });
}

describe('runtime facts', () => {
  it('finds the image that last ran even when the current one comes from another repository', () => {
    expect(healthyImageOf(rollout, 'pdf-render', 'registry.example.com/docs/pdf-render-buildx:3.0.0')).toEqual({
      healthyImage: 'registry.example.com/docs/pdf-render:2.6.1',
      healthyTag: '2.6.1',
    });
    expect(healthyImageOf(undefined, 'pdf-render', undefined)).toEqual({});
  });

  it('reads the file the app cannot open and its directory from its own log lines', () => {
    expect(missingFileOf(['starting', 'FATAL: open /etc/tax/rates.yaml: no such file or directory'])).toEqual({
      missingFile: '/etc/tax/rates.yaml',
      missingFileDirectory: '/etc/tax',
    });
    expect(missingFileOf(['listening on :8080'])).toEqual({});
  });

  it('names the envFrom source that lacks the setting the app reports missing, and the key beside it', () => {
    const facts = runtimeFacts({
      workloads: [
        workload({
          envSources: [
            { kind: 'ConfigMap', name: 'cart-api-settings', container: 'cart-api', keys: ['REDIS_URL', 'CART_TTL'] },
          ],
          crashLogs: [{ pod: 'cart-api-1', container: 'cart-api', lines: ['panic: config: REDIS_ADDR must be set'] }],
        }),
      ],
      rollouts: [],
      diffs: [],
      podLogs: [],
    });
    expect(facts).toMatchObject({ settingsSource: 'ConfigMap cart-api-settings', replacedKey: 'REDIS_URL' });
  });

  it('names no envFrom source when the one the container loads has the setting', () => {
    const facts = runtimeFacts({
      workloads: [
        workload({
          envSources: [{ kind: 'ConfigMap', name: 'cart-api-settings', container: 'cart-api', keys: ['REDIS_ADDR'] }],
          crashLogs: [{ pod: 'cart-api-1', container: 'cart-api', lines: ['panic: config: REDIS_ADDR must be set'] }],
        }),
      ],
      rollouts: [],
      diffs: [],
      podLogs: [],
    });
    expect(facts.settingsSource).toBeUndefined();
  });

  it('states the fields a live edit changed and who wrote them', () => {
    const diff = getApplicationDiffResult.parse({
      name: 'pricing',
      diffs: [
        { resource: 'Service/pricing (shop)', change: 'missing-in-cluster' },
        {
          resource: 'Deployment/pricing (shop)',
          change: 'modified',
          lastWrittenBy: 'kubectl-edit (Update, 3h ago)',
          lines: ['@@ -1,3 +1,3 @@', ' spec:', '-  replicas: 4', '+  replicas: 2'],
        },
      ],
    });
    expect(runtimeFacts({ workloads: [], rollouts: [], diffs: [diff], podLogs: [] })).toEqual({
      driftedResource: 'Deployment/pricing (shop)',
      driftedFields: 'replicas is 4 live, 2 in git',
      driftedBy: 'kubectl-edit (Update, 3h ago)',
    });
  });
});
