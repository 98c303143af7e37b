/**
 * managedFields as the API server records them: who wrote which fields, how and when, with
 * ownership moving to the last writer of a field (the trace of an out-of-band kubectl edit).
 */
import { describe, expect, it } from 'vitest';
import type { KubeObject } from './cluster-api.js';
import type { ManagedFieldsEntry } from './managed-fields.js';
import { fieldManagerOf, fieldLeaves, fromFieldsV1, toFieldsV1 } from './managed-fields.js';
import { createSimulatedCluster } from './simulated-cluster.js';
import { FIXTURE_IMAGES, FIXTURE_NOW } from './test-fixtures.js';

function setup() {
  let now = FIXTURE_NOW;
  const cluster = createSimulatedCluster({ name: 'test', images: FIXTURE_IMAGES, now: () => new Date(now) });
  cluster.load([{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } }]);
  const deployment = (replicas: number, env: string): KubeObject => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'shop', labels: { app: 'web' } },
    spec: {
      replicas,
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: {
          containers: [
            { name: 'web', image: 'registry.example.com/shop/web:3.0.0', env: [{ name: 'LOG_LEVEL', value: env }] },
          ],
        },
      },
    },
  });
  const entries = (): ManagedFieldsEntry[] =>
    (cluster.get('apps/v1', 'Deployment', 'shop', 'web')?.metadata.managedFields ?? []) as ManagedFieldsEntry[];
  const owned = (manager: string): string[] =>
    [...fromFieldsV1(entries().find((entry) => entry.manager === manager)?.fieldsV1)].map((path) =>
      path.split('\u0000').join('.'),
    );
  return { cluster, deployment, entries, owned, advance: (seconds: number) => (now += seconds * 1000) };
}

describe('managedFields', () => {
  it('gives the creator every field it wrote, server defaults included, but not status', () => {
    const { cluster, deployment, entries, owned } = setup();
    cluster.apply(deployment(2, 'info'), { fieldManager: 'argocd-controller' });
    expect(entries()).toEqual([
      expect.objectContaining({
        manager: 'argocd-controller',
        operation: 'Update',
        apiVersion: 'apps/v1',
        time: '2025-06-02T09:00:00Z',
        fieldsType: 'FieldsV1',
      }),
    ]);
    expect(owned('argocd-controller')).toEqual(
      expect.arrayContaining([
        'f:metadata.f:labels.f:app',
        'f:spec.f:replicas',
        'f:spec.f:template.f:spec.f:containers.k:{"name":"web"}..',
        'f:spec.f:template.f:spec.f:containers.k:{"name":"web"}.f:env.k:{"name":"LOG_LEVEL"}.f:value',
        'f:spec.f:template.f:spec.f:containers.k:{"name":"web"}.f:imagePullPolicy',
      ]),
    );
    expect(owned('argocd-controller').some((path) => path.startsWith('f:status'))).toBe(false);
  });

  it('moves the fields a later Update changes to its manager, with the time of that write', () => {
    const { cluster, deployment, entries, owned, advance } = setup();
    cluster.apply(deployment(2, 'info'), { fieldManager: 'argocd-controller' });
    advance(3600);
    cluster.apply(deployment(4, 'debug'), { fieldManager: 'kubectl-edit' });
    expect(entries().map((entry) => `${entry.manager}/${entry.operation}/${entry.time}`)).toEqual([
      'argocd-controller/Update/2025-06-02T09:00:00Z',
      'kubectl-edit/Update/2025-06-02T10:00:00Z',
    ]);
    expect(owned('kubectl-edit').sort()).toEqual([
      'f:spec.f:replicas',
      'f:spec.f:template.f:spec.f:containers.k:{"name":"web"}.f:env.k:{"name":"LOG_LEVEL"}.f:value',
    ]);
    expect(owned('argocd-controller')).not.toContain('f:spec.f:replicas');
    // Reverting the edit (an Argo CD sync) takes the fields back; an owner of nothing is dropped.
    advance(60);
    cluster.apply(deployment(2, 'info'), { fieldManager: 'argocd-controller' });
    expect(entries().map((entry) => `${entry.manager}/${entry.time}`)).toEqual([
      'argocd-controller/2025-06-02T10:01:00Z',
    ]);
  });

  it('leaves an unchanged object and its entries alone, and lets an Apply share ownership', () => {
    const { cluster, deployment, entries, owned, advance } = setup();
    const first = cluster.apply(deployment(2, 'info'), { fieldManager: 'argocd-controller' }).object;
    advance(60);
    // `kubectl edit` saved without changes: the live object written back as it is.
    const live = cluster.get('apps/v1', 'Deployment', 'shop', 'web') as KubeObject;
    const again = cluster.apply(live, { fieldManager: 'kubectl-edit' });
    expect(again.changed).toBe(false);
    expect(again.object.metadata.resourceVersion).toBe(first.metadata.resourceVersion);
    expect(entries().map((entry) => entry.manager)).toEqual(['argocd-controller']);
    cluster.apply(deployment(2, 'info'), {
      fieldManager: 'kubectl',
      operation: 'Apply',
      applied: {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'web', namespace: 'shop' },
        spec: { replicas: 2 },
      },
    });
    expect(entries().map((entry) => `${entry.manager}/${entry.operation}`)).toEqual([
      'argocd-controller/Update',
      'kubectl/Apply',
    ]);
    expect(owned('kubectl')).toEqual(['f:spec.f:replicas']);
    expect(owned('argocd-controller')).toContain('f:spec.f:replicas');
  });

  it('ignores managedFields a client sends and records nothing without a manager', () => {
    const { cluster, deployment, entries } = setup();
    cluster.apply(deployment(2, 'info'));
    expect(entries()).toEqual([]);
    const forged = deployment(3, 'info');
    forged.metadata.managedFields = [
      { manager: 'someone-else', operation: 'Update', fieldsType: 'FieldsV1', fieldsV1: {} },
    ];
    cluster.apply(forged, { fieldManager: 'kubectl-patch', subresource: 'scale' });
    expect(entries()).toEqual([
      expect.objectContaining({
        manager: 'kubectl-patch',
        subresource: 'scale',
        fieldsV1: { 'f:spec': { 'f:replicas': {} } },
      }),
    ]);
  });

  it('builds FieldsV1 tries with keyed list items and reads them back', () => {
    const leaves = fieldLeaves({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 's', uid: 'u', finalizers: ['a'] },
      spec: { ports: [{ port: 80, protocol: 'TCP' }] },
      status: {},
    });
    expect(toFieldsV1(leaves.keys())).toEqual({
      'f:metadata': { 'f:finalizers': { 'v:"a"': {} } },
      'f:spec': { 'f:ports': { 'k:{"port":80,"protocol":"TCP"}': { '.': {}, 'f:port': {}, 'f:protocol': {} } } },
    });
    expect(fromFieldsV1(toFieldsV1(leaves.keys()))).toEqual(new Set(leaves.keys()));
  });

  it('takes the manager from fieldManager, else from the user agent as the API server does', () => {
    expect(
      fieldManagerOf(new URLSearchParams('fieldManager=kubectl-edit'), {
        'user-agent': 'kubectl/v1.32.4 (linux/amd64)',
      }),
    ).toBe('kubectl-edit');
    expect(fieldManagerOf(new URLSearchParams(''), { 'user-agent': 'kubectl/v1.32.4 (linux/amd64)' })).toBe('kubectl');
    expect(fieldManagerOf(new URLSearchParams(''), {})).toBeUndefined();
  });
});
