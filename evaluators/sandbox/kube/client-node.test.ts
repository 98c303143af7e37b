/**
 * @kubernetes/client-node (a client written by others) over HTTPS with the sandbox CA — no
 * skipTLSVerify — lists and reads the simulated objects, logs and events.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppsV1Api, CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKubeApiServer, type KubeApiServer } from './api-server.js';
import { renderKubeconfig } from './kubeconfig.js';
import { createSimulatedCluster } from './simulated-cluster.js';
import { FIXTURE_IMAGES, FIXTURE_NOW, fixtureObjects } from './test-fixtures.js';
import { createTlsMaterial } from './tls.js';

let dir: string;
let server: KubeApiServer;
let core: CoreV1Api;
let apps: AppsV1Api;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kube-client-'));
  const tls = await createTlsMaterial(dir);
  const cluster = createSimulatedCluster({
    name: 'prod-us-1',
    images: FIXTURE_IMAGES,
    now: () => new Date(FIXTURE_NOW),
  });
  cluster.load(fixtureObjects());
  server = await startKubeApiServer({ cluster, token: 'client-token', tls });
  const config = new KubeConfig();
  config.loadFromString(
    renderKubeconfig([{ name: 'prod-us-1', url: server.url, token: 'client-token', caPem: tls.caPem }]),
  );
  core = config.makeApiClient(CoreV1Api);
  apps = config.makeApiClient(AppsV1Api);
});

afterAll(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

describe('@kubernetes/client-node against the simulated cluster', () => {
  it('lists pods with their derived container states', async () => {
    const pods = await core.listNamespacedPod({ namespace: 'shop' });
    const checkout = pods.items.filter((p) => p.metadata?.name?.startsWith('checkout-'));
    expect(checkout).toHaveLength(2);
    expect(checkout[0]?.status?.containerStatuses?.[0]?.state?.waiting?.reason).toBe('CrashLoopBackOff');
    expect(checkout[0]?.status?.containerStatuses?.[0]?.restartCount).toBeGreaterThan(5);
    const worker = pods.items.find((p) => p.metadata?.name?.startsWith('worker-'));
    expect(worker?.status?.containerStatuses?.[0]?.lastState?.terminated?.reason).toBe('OOMKilled');
    const selected = await core.listNamespacedPod({ namespace: 'shop', labelSelector: 'app=web' });
    expect(selected.items.map((p) => p.status?.phase)).toEqual(['Running', 'Running']);
    const all = await core.listPodForAllNamespaces({ fieldSelector: 'status.phase=Pending' });
    expect(all.items.map((p) => p.metadata?.name?.split('-')[0]).sort()).toEqual(['cfg', 'gpu', 'imagetypo']);
  });

  it('reads deployments, events by involved object, and logs', async () => {
    const deployment = await apps.readNamespacedDeployment({ name: 'checkout', namespace: 'shop' });
    expect(deployment.status?.availableReplicas).toBe(0);
    expect(deployment.status?.conditions?.find((c) => c.type === 'Available')?.reason).toBe(
      'MinimumReplicasUnavailable',
    );
    const pod = (await core.listNamespacedPod({ namespace: 'shop', labelSelector: 'app=gpu' })).items[0];
    const events = await core.listNamespacedEvent({
      namespace: 'shop',
      fieldSelector: `involvedObject.name=${pod?.metadata?.name ?? ''}`,
    });
    expect(events.items.map((e) => e.reason)).toEqual(['FailedScheduling']);
    expect(events.items[0]?.source?.component).toBe('default-scheduler');
    const crashing = (await core.listNamespacedPod({ namespace: 'shop', labelSelector: 'app=checkout' })).items[0];
    const log = await core.readNamespacedPodLog({
      name: crashing?.metadata?.name ?? '',
      namespace: 'shop',
      previous: true,
      tailLines: 1,
    });
    expect(log).toBe('FATAL: required environment variable DATABASE_URL is not set\n');
  });

  it('returns a NotFound error for a missing object', async () => {
    await expect(core.readNamespacedPod({ name: 'nope', namespace: 'shop' })).rejects.toThrow(
      /pods "nope" not found|404/,
    );
  });
});
