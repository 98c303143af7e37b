import { describe, expect, it } from 'vitest';
import { KubeApiError, type KubeObject } from './cluster-api.js';
import { createSimulatedCluster } from './simulated-cluster.js';
import { FIXTURE_IMAGES, FIXTURE_NOW } from './test-fixtures.js';

function claim(storageClassName: string, storage = '20Gi'): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name: 'data', namespace: 'shop' },
    spec: { accessModes: ['ReadWriteOnce'], storageClassName, resources: { requests: { storage } } },
  } as KubeObject;
}

function refusal(write: () => unknown): KubeApiError {
  try {
    write();
  } catch (error) {
    if (error instanceof KubeApiError) return error;
    throw error;
  }
  throw new Error('the write was accepted');
}

describe('fields the API server refuses to change', () => {
  const cluster = () => {
    const created = createSimulatedCluster({ name: 'test', images: FIXTURE_IMAGES, now: () => new Date(FIXTURE_NOW) });
    created.load([{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } }]);
    return created;
  };

  it("refuses a claim's new StorageClass with the server's 422 and diff, but lets the request grow", () => {
    const estate = cluster();
    estate.apply(claim('standard'), { fieldManager: 'test' });
    const error = refusal(() => estate.apply(claim('gp3-encrypted'), { fieldManager: 'test' }));
    expect(error.status).toBe(422);
    expect(error.message).toContain('PersistentVolumeClaim "data" is invalid: spec: Forbidden: spec is immutable');
    expect(error.message).toContain('- \tStorageClassName: &"standard",\n+ \tStorageClassName: &"gp3-encrypted",');
    expect(estate.apply(claim('standard', '40Gi'), { fieldManager: 'test' }).changed).toBe(true);
  });

  it("refuses a Deployment's new selector", () => {
    const estate = cluster();
    const deployment = (app: string): KubeObject =>
      ({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'web', namespace: 'shop' },
        spec: {
          replicas: 1,
          selector: { matchLabels: { app } },
          template: {
            metadata: { labels: { app } },
            spec: { containers: [{ name: 'web', image: 'registry.example.com/shop/checkout:1.4.0' }] },
          },
        },
      }) as KubeObject;
    estate.apply(deployment('web'), { fieldManager: 'test' });
    const error = refusal(() => estate.apply(deployment('web-v2'), { fieldManager: 'test' }));
    expect(error.message).toMatch(
      /^Deployment\.apps "web" is invalid: spec\.selector: Invalid value: .*field is immutable$/,
    );
  });
});
