import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createKubeClient, type KubeClient } from './kube-client.js';
import { argocdAppOf, createOwnershipResolver } from './kube-ownership.js';
import type { KubeObject } from './kube-types.js';

const owner = (kind: string, name: string) => ({
  apiVersion: 'v1',
  kind,
  name,
  uid: `${kind}-${name}`,
  controller: true,
});

// A loopback Kubernetes API serving list collections of one namespace, counting every request.
const COLLECTIONS: Record<string, KubeObject[]> = {
  '/apis/apps/v1/namespaces/shop/replicasets': [
    { metadata: { name: 'web-7d9f8', namespace: 'shop', ownerReferences: [owner('Deployment', 'web')] } },
  ],
  '/apis/apps/v1/namespaces/shop/deployments': [
    {
      metadata: {
        name: 'web',
        namespace: 'shop',
        annotations: { 'argocd.argoproj.io/tracking-id': 'storefront:apps/Deployment:shop/web' },
      },
    },
  ],
  '/apis/apps/v1/namespaces/shop/statefulsets': [
    { metadata: { name: 'db', namespace: 'shop', labels: { 'app.kubernetes.io/instance': 'shop-db' } } },
  ],
  '/apis/batch/v1/namespaces/shop/jobs': [
    { metadata: { name: 'report-2900', namespace: 'shop', ownerReferences: [owner('CronJob', 'report')] } },
  ],
  '/apis/batch/v1/namespaces/shop/cronjobs': [
    { metadata: { name: 'report', namespace: 'shop', labels: { 'app.kubernetes.io/instance': 'reports' } } },
  ],
  '/api/v1/namespaces/shop/pods': [
    { metadata: { name: 'web-7d9f8-abcde', namespace: 'shop', ownerReferences: [owner('ReplicaSet', 'web-7d9f8')] } },
  ],
};
let api: Server;
let directory = '';
let kube: KubeClient;
const requests: string[] = [];

beforeAll(async () => {
  api = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    requests.push(path);
    const items = COLLECTIONS[path];
    res
      .writeHead(items ? 200 : 404, { 'content-type': 'application/json' })
      .end(JSON.stringify(items ? { items } : { kind: 'Status', code: 404 }));
  });
  await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
  directory = await mkdtemp(join(tmpdir(), 'ownership-'));
  const kubeconfigPath = join(directory, 'config');
  const server = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
  await writeFile(
    kubeconfigPath,
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'test', cluster: { server, 'insecure-skip-tls-verify': true } }],
      users: [{ name: 'test', user: { token: 'test-token' } }],
      contexts: [{ name: 'test', context: { cluster: 'test', user: 'test' } }],
      'current-context': 'test',
    }),
  );
  kube = createKubeClient({ kubeconfigPath, context: 'test' });
});

afterAll(async () => {
  await new Promise<void>((resolve) => api.close(() => resolve()));
  await rm(directory, { recursive: true, force: true });
});

beforeEach(() => {
  requests.length = 0;
});

const pod = (name: string, ...owners: Array<ReturnType<typeof owner>>): KubeObject => ({
  kind: 'Pod',
  metadata: { name, namespace: 'shop', ownerReferences: owners },
});

describe('createOwnershipResolver', () => {
  it(
    'walks Pod → ReplicaSet → Deployment and names the app ' + 'from the top object, one list per kind and namespace',
    async () => {
      const resolver = createOwnershipResolver(kube);
      const first = await resolver.ownershipOf(pod('web-7d9f8-abcde', owner('ReplicaSet', 'web-7d9f8')));
      const second = await resolver.ownershipOf(pod('web-7d9f8-fghij', owner('ReplicaSet', 'web-7d9f8')));
      expect(first).toEqual({
        owners: [
          { kind: 'ReplicaSet', name: 'web-7d9f8' },
          { kind: 'Deployment', name: 'web' },
        ],
        argocdApp: 'storefront',
      });
      expect(second).toEqual(first);
      expect(requests).toEqual([
        '/apis/apps/v1/namespaces/shop/replicasets',
        '/apis/apps/v1/namespaces/shop/deployments',
      ]);
    },
  );

  it(
    'walks Pod → Job → CronJob and Pod → StatefulSet, ' + 'taking the instance label when there is no tracking id',
    async () => {
      const resolver = createOwnershipResolver(kube);
      expect(await resolver.ownershipOf(pod('report-2900-x', owner('Job', 'report-2900')))).toEqual({
        owners: [
          { kind: 'Job', name: 'report-2900' },
          { kind: 'CronJob', name: 'report' },
        ],
        argocdApp: 'reports',
      });
      expect(await resolver.ownershipOf(pod('db-0', owner('StatefulSet', 'db')))).toEqual({
        owners: [{ kind: 'StatefulSet', name: 'db' }],
        argocdApp: 'shop-db',
      });
    },
  );

  it(
    "resolves an object known by reference (an event's involved object) and reads nothing seeded lists already " +
      'hold',
    async () => {
      const resolver = createOwnershipResolver(kube);
      resolver.rememberList('Pod', 'shop', COLLECTIONS['/api/v1/namespaces/shop/pods'] ?? []);
      resolver.remember(
        COLLECTIONS['/apis/apps/v1/namespaces/shop/replicasets']?.map((object) => ({
          ...object,
          kind: 'ReplicaSet',
        })) ?? [],
      );
      const ownership = await resolver.ownershipOfRef({ kind: 'Pod', name: 'web-7d9f8-abcde', namespace: 'shop' });
      expect(ownership.owners?.map((entry) => entry.kind)).toEqual(['ReplicaSet', 'Deployment']);
      expect(requests).toEqual(['/apis/apps/v1/namespaces/shop/deployments']);
      expect(await resolver.ownershipOfRef({ kind: 'Pod', name: 'gone', namespace: 'shop' })).toEqual({});
      expect(await resolver.ownershipOfRef({ kind: 'Widget', name: 'x', namespace: 'shop' })).toEqual({});
      expect(requests).toHaveLength(1);
    },
  );

  it('stops the chain where an owner cannot be read, keeping what is known', async () => {
    const resolver = createOwnershipResolver(kube);
    const orphan: KubeObject = {
      kind: 'Pod',
      metadata: { name: 'x', namespace: 'other', ownerReferences: [owner('ReplicaSet', 'x-1')] },
    };
    expect(await resolver.ownershipOf(orphan)).toEqual({ owners: [{ kind: 'ReplicaSet', name: 'x-1' }] });
  });
});

describe('argocdAppOf', () => {
  it('reads the app from the tracking id, else the instance label, else nothing', () => {
    expect(
      argocdAppOf({
        annotations: { 'argocd.argoproj.io/tracking-id': 'checkout:apps/Deployment:shop/checkout' },
        labels: { 'app.kubernetes.io/instance': 'other' },
      }),
    ).toBe('checkout');
    expect(argocdAppOf({ labels: { 'app.kubernetes.io/instance': 'cart' } })).toBe('cart');
    expect(argocdAppOf({ labels: { app: 'cart' } })).toBeUndefined();
    expect(argocdAppOf(undefined)).toBeUndefined();
  });
});
