import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../kube/cluster-api.js';
import { compareWithTarget, formatDifferences } from './compare.js';
import { parseLabelSelector } from './label-selector.js';

const target: KubeObject = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'shop', labels: { app: 'web' } },
  spec: {
    replicas: 2,
    template: { spec: { containers: [{ name: 'web', image: 'web:1', env: [{ name: 'LOG_LEVEL', value: 'info' }] }] } },
  },
};

describe('compareWithTarget', () => {
  it('ignores fields git does not set (defaults, status, extra labels)', () => {
    const live = structuredClone(target);
    live.metadata.labels = { app: 'web', 'pod-template-hash': 'x' };
    (live.spec as { progressDeadlineSeconds?: number }).progressDeadlineSeconds = 600;
    live.status = { replicas: 2 };
    const containers = (live.spec as { template: { spec: { containers: Array<Record<string, unknown>> } } }).template
      .spec.containers;
    if (containers[0]) containers[0].imagePullPolicy = 'IfNotPresent';
    expect(compareWithTarget(target, live)).toEqual([]);
  });

  it('reports drift in fields git sets, as a readable diff', () => {
    const live = structuredClone(target);
    (live.spec as { replicas: number }).replicas = 4;
    const env = (live.spec as { template: { spec: { containers: Array<{ env: Array<{ value: string }> }> } } }).template
      .spec.containers[0]?.env[0];
    if (env) env.value = 'debug';
    const differences = compareWithTarget(target, live);
    expect(differences.map((difference) => difference.path)).toEqual([
      'spec.replicas',
      'spec.template.spec.containers[0].env[0].value',
    ]);
    expect(formatDifferences(differences)).toContain('- spec.replicas: 4\n+ spec.replicas: 2');
  });
});

describe('parseLabelSelector', () => {
  it('supports equality, inequality, set and existence requirements', () => {
    const labels = { team: 'shop', tier: 'frontend' };
    expect(parseLabelSelector('team=shop,tier!=backend')(labels)).toBe(true);
    expect(parseLabelSelector('team in (shop, search),!legacy')(labels)).toBe(true);
    expect(parseLabelSelector('team notin (shop)')(labels)).toBe(false);
    expect(parseLabelSelector('owner')(labels)).toBe(false);
    expect(() => parseLabelSelector('team=(')).toThrow(/unable to parse/);
  });
});
