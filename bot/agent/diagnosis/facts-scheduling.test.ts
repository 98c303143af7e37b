import { describe, expect, it } from 'vitest';
import { checkServiceResult, getResourceResult, listResourcesResult } from '../tool-results/kubernetes-results.js';
import { causeDetails } from './cause-details.js';
import { meantService, schedulingFacts, type SchedulingData } from './facts-scheduling.js';

const none: SchedulingData = { workloads: [], resources: [], lists: [], services: [], logLines: [] };

const deployment = (spec: Record<string, unknown>) =>
  getResourceResult.parse({ kind: 'Deployment', name: 'inventory', object: { spec: { template: { spec } } } });

describe('facts of the scheduling family', () => {
  it('reads the nodeSelector no node matches and the values the nodes carry for its key', () => {
    const nodes = listResourcesResult.parse({
      kind: 'Node',
      items: [
        { name: 'node-1', labels: { 'node-pool': 'general', zone: 'a' } },
        { name: 'node-2', labels: { 'node-pool': 'batch', zone: 'b' } },
      ],
    });
    const resource = deployment({ nodeSelector: { 'node-pool': 'highmem', zone: 'a' }, containers: [] });
    expect(schedulingFacts({ ...none, resources: [resource], lists: [nodes] }, 'shop')).toEqual({
      nodeSelector: 'node-pool=highmem',
      nodeLabels: 'node-pool=general, node-pool=batch',
    });
    // No node has the key at all: the labels that name their pools instead.
    const pools = listResourcesResult.parse({
      kind: 'Node',
      items: [{ name: 'node-1', labels: { 'kubernetes.io/hostname': 'node-1', 'eks.amazonaws.com/nodegroup': 'std' } }],
    });
    expect(schedulingFacts({ ...none, resources: [resource], lists: [pools] }, 'shop')).toEqual({
      nodeSelector: 'node-pool=highmem,zone=a',
      nodeLabels: 'eks.amazonaws.com/nodegroup=std',
    });
  });

  it('reads the CPU limit of the probed container', () => {
    const resource = deployment({
      containers: [
        { name: 'sidecar', resources: { limits: { cpu: '50m' } } },
        { name: 'indexer', livenessProbe: { httpGet: { port: 8080 } }, resources: { limits: { cpu: '250m' } } },
      ],
    });
    expect(schedulingFacts({ ...none, resources: [resource] }, 'search')).toEqual({ cpuLimit: '250m' });
  });

  it('reads the host that did not resolve and the Service it most likely meant', () => {
    const services = listResourcesResult.parse({
      kind: 'Service',
      items: [
        { name: 'shipping-svc', namespace: 'shop' },
        { name: 'catalog', namespace: 'shop' },
        { name: 'stock', namespace: 'inventory' },
      ],
    });
    const line = 'dial tcp: lookup shipping.shop.svc.cluster.local on 10.96.0.10:53: no such host';
    expect(schedulingFacts({ ...none, lists: [services], logLines: [line] }, 'shop')).toEqual({
      dependencyHost: 'shipping.shop.svc.cluster.local',
      serviceHost: 'shipping-svc.shop.svc.cluster.local',
    });
    // Moved to another namespace: the same name there wins over a near name here.
    expect(meantService('stock.warehouse.svc.cluster.local', services.items, 'warehouse')).toBe(
      'stock.inventory.svc.cluster.local',
    );
    // A short name resolves in the caller's namespace; an unrelated name is no guess.
    expect(meantService('catalog', services.items, 'shop')).toBeUndefined();
    expect(meantService('payments.shop.svc.cluster.local', services.items, 'shop')).toBeUndefined();
  });

  it('reads the NetworkPolicy on a called Service and the peers it admits', () => {
    const service = checkServiceResult.parse({
      service: 'points-api',
      namespace: 'rewards',
      isHealthy: true,
      networkPolicies: [{ name: 'points-api-allow-frontends', allowedFrom: [{ podSelector: ['role=frontend'] }] }],
    });
    expect(schedulingFacts({ ...none, services: [service] }, 'rewards')).toEqual({
      networkPolicy: 'NetworkPolicy rewards/points-api-allow-frontends',
      allowedPeers: 'pods labelled role=frontend of its own namespace',
    });
    const namespaced = checkServiceResult.parse({
      service: 'templates',
      namespace: 'content',
      isHealthy: true,
      networkPolicies: [
        { name: 'same-ns', allowedFrom: [{ namespaceSelector: ['kubernetes.io/metadata.name=content'] }] },
      ],
    });
    expect(schedulingFacts({ ...none, services: [namespaced] }, 'comms').allowedPeers).toBe(
      'pods in namespaces labelled kubernetes.io/metadata.name=content',
    );
    const closed = checkServiceResult.parse({
      service: 'templates',
      namespace: 'content',
      isHealthy: true,
      networkPolicies: [{ name: 'deny-all', allowedFrom: [] }],
    });
    expect(schedulingFacts({ ...none, services: [closed] }, 'comms').allowedPeers).toBe(
      'no traffic (it has no ingress rule)',
    );
  });
});

describe('cause details', () => {
  it('adds the values a Kubernetes message leaves out, only to the failure they explain', () => {
    const facts = { nodeSelector: 'node-pool=highmem', nodeLabels: 'node-pool=general', cpuLimit: '250m' };
    expect(causeDetails("0/3 nodes: didn't match Pod's node affinity/selector", facts)).toEqual([
      'the pods ask for node-pool=highmem, the nodes carry node-pool=general',
    ]);
    expect(causeDetails('Back-off restarting failed container', facts)).toEqual([]);
  });

  it('leaves out a detail whose values the statement already says', () => {
    const facts = { claim: 'PersistentVolumeClaim data', storageClass: 'fast' };
    expect(causeDetails('PersistentVolumeClaim/data: StorageClass fast does not exist', facts)).toEqual([]);
    expect(causeDetails('the claim asks for StorageClass fast, storageclass not found', facts)).toEqual([
      'PersistentVolumeClaim data asks for StorageClass fast',
    ]);
  });

  it('says the probe port and the container port only when they differ', () => {
    const statement = 'Readiness probe failed: nothing listens on port 9091 of the pod (connection refused)';
    expect(causeDetails(statement, { probePort: '9091', containerPort: '9000' })).toEqual([
      'the probe checks port 9091, but the container listens on 9000',
    ]);
    expect(causeDetails(statement, { probePort: '9000', containerPort: '9000' })).toEqual([]);
  });
});
