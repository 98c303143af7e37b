/**
 * The simulated controllers in-process: faults derived from manifests, time-driven crash
 * loops, rollouts that keep old pods serving, and fixes that heal.
 */
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../cluster-api.js';
import { createWorkerNodes } from '../default-objects.js';
import { createSimulatedCluster } from '../simulated-cluster.js';
import { FIXTURE_IMAGES, FIXTURE_NOW, fixtureObjects } from '../test-fixtures.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- reading status fields in assertions
type Json = Record<string, any>;

function deployment(name: string, container: Json, podSpec: Json = {}, replicas = 1): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'shop' },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name, ...container }], ...podSpec } },
    },
  };
}

function setup(objects: KubeObject[] = fixtureObjects()) {
  let now = FIXTURE_NOW;
  const cluster = createSimulatedCluster({ name: 'test', images: FIXTURE_IMAGES, now: () => new Date(now) });
  cluster.load(objects);
  const pods = (prefix: string): Json[] =>
    cluster.list('v1', 'Pod', 'shop').filter((p) => p.metadata.name.startsWith(`${prefix}-`)) as Json[];
  const warnings = (): string[] =>
    cluster
      .list('v1', 'Event', 'shop')
      .filter((e) => e.type === 'Warning')
      .map((e) => `${String(e.reason)}: ${String(e.message)}`);
  return { cluster, pods, warnings, advance: (seconds: number) => (now += seconds * 1000) };
}

describe('simulated controllers', () => {
  it('derives pods, uids and names deterministically', () => {
    const first = setup()
      .cluster.list('v1', 'Pod', 'shop')
      .map((p) => `${p.metadata.name}/${p.metadata.uid}`);
    const second = setup()
      .cluster.list('v1', 'Pod', 'shop')
      .map((p) => `${p.metadata.name}/${p.metadata.uid}`);
    expect(first).toEqual(second);
    expect(first.length).toBeGreaterThan(8);
  });

  it('counts crash-loop restarts with the injected clock', () => {
    const { pods, advance } = setup();
    const before = pods('checkout')[0]?.status.containerStatuses[0].restartCount as number;
    advance(900);
    const after = pods('checkout')[0]?.status.containerStatuses[0].restartCount as number;
    expect(after).toBe(before + 3);
  });

  it('keeps the old pods serving while a broken rollout is stuck, and heals with a fix', () => {
    const { cluster, pods } = setup();
    const web = cluster.get('apps/v1', 'Deployment', 'shop', 'web') as Json;
    cluster.apply({
      ...web,
      spec: {
        ...web.spec,
        template: {
          ...web.spec.template,
          spec: {
            ...web.spec.template.spec,
            containers: [{ ...web.spec.template.spec.containers[0], image: 'registry.example.com/shop/web:3.0.9' }],
          },
        },
      },
    } as unknown as KubeObject);
    const states = pods('web')
      .map((p) => p.status.containerStatuses[0].state.waiting?.reason ?? 'running')
      .sort();
    expect(states).toEqual(['ErrImagePull', 'running', 'running']);
    cluster.apply(
      deployment('web', { image: 'registry.example.com/shop/web:3.0.0', ports: [{ containerPort: 8080 }] }, {}, 2),
    );
    expect(pods('web').map((p) => `${p.status.phase}/${p.status.containerStatuses[0].ready}`)).toEqual([
      'Running/true',
      'Running/true',
    ]);
    const sets = cluster
      .list('apps/v1', 'ReplicaSet', 'shop')
      .filter((rs) => rs.metadata.name.startsWith('web-'))
      .map((rs) => (rs.spec as Json).replicas);
    expect(sets.sort()).toEqual([0, 0, 2]);
  });

  it('reports the scheduler, quota and storage failures with the real message shapes', () => {
    const { warnings } = setup([
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } },
      {
        apiVersion: 'v1',
        kind: 'ResourceQuota',
        metadata: { name: 'compute', namespace: 'shop' },
        spec: { hard: { 'requests.cpu': '1', pods: '10' } },
      },
      deployment('big', { image: 'nginx:1.27', resources: { requests: { cpu: '6' } } }),
      deployment('quota', { image: 'nginx:1.27', resources: { requests: { cpu: '400m' } } }, {}, 3),
      {
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        metadata: { name: 'data', namespace: 'shop' },
        spec: {
          storageClassName: 'fast-ssd',
          accessModes: ['ReadWriteOnce'],
          resources: { requests: { storage: '10Gi' } },
        },
      },
      deployment(
        'db',
        { image: 'postgres:16', resources: { requests: { cpu: '100m' } } },
        { volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'data' } }] },
      ),
    ]);
    const all = warnings().join('\n');
    expect(all).toContain('FailedCreate: Error creating: pods "big-');
    expect(all).toMatch(
      /is forbidden: exceeded quota: compute, requested: requests\.cpu=6, used: requests\.cpu=(0|\d+m), limited: requests\.cpu=1/,
    );
    expect(all).toMatch(
      /exceeded quota: compute, requested: requests\.cpu=400m, used: requests\.cpu=\d+m, limited: requests\.cpu=1/,
    );
    expect(all).toContain('ProvisioningFailed: storageclass.storage.k8s.io "fast-ssd" not found');
    expect(all).toContain(
      'FailedScheduling: 0/3 nodes are available: pod has unbound immediate PersistentVolumeClaims. preemption: ' +
        '0/3 nodes are available: 3 Preemption is not helpful for scheduling.',
    );
  });

  it('explains insufficient cpu like the scheduler', () => {
    let now = FIXTURE_NOW;
    const cluster = createSimulatedCluster({
      name: 'small',
      images: [],
      now: () => new Date(now),
      nodes: createWorkerNodes('small', 3, { cpu: 2 }),
    });
    cluster.load([deployment('hungry', { image: 'nginx:1.27', resources: { requests: { cpu: '3' } } })]);
    now += 1000;
    const events = cluster.list('v1', 'Event', 'shop').map((e) => String(e.message));
    expect(events).toContain(
      '0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available: 3 No preemption ' +
        'victims found for incoming pod.',
    );
  });

  it('blocks controller-created pods with an Enforce policy (FailedCreate on the ReplicaSet)', () => {
    const { warnings } = setup([
      ...fixtureObjects(),
      deployment('nightly', { image: 'registry.example.com/shop/web:latest' }),
    ]);
    expect(warnings().join('\n')).toContain(
      'FailedCreate: Error creating: admission webhook "validate.kyverno.svc-fail" denied the request',
    );
  });

  it('rejects applies into a missing namespace and Enforce violations, also on dry run', () => {
    const { cluster } = setup();
    expect(() =>
      cluster.apply({ ...deployment('x', { image: 'nginx:1.27' }), metadata: { name: 'x', namespace: 'paymnets' } }),
    ).toThrow('namespaces "paymnets" not found');
    expect(() => cluster.apply(deployment('y', { image: 'nginx:latest' }), { dryRun: true })).toThrow(
      /denied the request/,
    );
    expect(cluster.get('apps/v1', 'Deployment', 'shop', 'y')).toBeUndefined();
  });

  it('loads a large healthy estate without admission in one reconcile', () => {
    const cluster = createSimulatedCluster({
      name: 'scale',
      images: [],
      now: () => new Date(FIXTURE_NOW),
      nodes: createWorkerNodes('scale', 10, { cpu: 16, memoryGiB: 64 }),
    });
    const objects: KubeObject[] = [];
    for (let i = 0; i < 40; i++)
      objects.push(deployment(`app-${i}`, { image: 'nginx:1.27', resources: { requests: { cpu: '50m' } } }, {}, 25));
    cluster.load(objects);
    const pods = cluster.list('v1', 'Pod', 'shop');
    expect(pods).toHaveLength(1000);
    expect(pods.every((p) => (p.status as Json).phase === 'Running')).toBe(true);
  });
});
