import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { checkServiceTool } from '../../mcp-servers/kubernetes/tools/check-service.js';
import { describeWorkloadTool } from '../../mcp-servers/kubernetes/tools/describe-workload.js';
import { findWorkloadsTool } from '../../mcp-servers/kubernetes/tools/find-workloads.js';
import { getNamespaceHealthTool } from '../../mcp-servers/kubernetes/tools/get-namespace-health.js';
import { getPodLogsTool } from '../../mcp-servers/kubernetes/tools/get-pod-logs.js';
import { getResourceTool } from '../../mcp-servers/kubernetes/tools/get-resource.js';
import { getRolloutHistoryTool } from '../../mcp-servers/kubernetes/tools/get-rollout-history.js';
import { listEventsTool } from '../../mcp-servers/kubernetes/tools/list-events.js';
import { listResourcesTool } from '../../mcp-servers/kubernetes/tools/list-resources.js';
import { loadScenario, startMcpSandbox, type McpSandbox } from './sandbox-harness.js';
import { expectOutputSchemaForEveryReadTool, structuredCall } from './structured-results.js';

const READ_TOOLS = [
  'check_service',
  'describe_workload',
  'find_workloads',
  'get_namespace_health',
  'get_pod_logs',
  'get_resource',
  'get_rollout_history',
  'list_events',
  'list_resources',
  'validate_manifests',
];

// Every read tool's structuredContent must match its outputSchema (checked by the SDK client
// too, since each client lists tools first) and carry ownership: which ReplicaSet, Deployment
// and Argo CD app a pod or event belongs to, so a consumer never parses the text for it.
describe('kubernetes server structured results (missing-image-tag: Deployment shop/checkout of app checkout)', () => {
  let estate: McpSandbox;
  let kube: Client;
  beforeAll(async () => {
    estate = await startMcpSandbox(await loadScenario('missing-image-tag'));
    kube = await estate.kubernetes('prod-eu', { enableWrites: true });
    await expectOutputSchemaForEveryReadTool(kube, READ_TOOLS);
  });
  afterAll(async () => {
    await estate.close();
  });

  it(
    'describe_workload: pods name their ReplicaSet, Deployment and Argo CD app; events name the object and its ' +
      'owners',
    async () => {
      const { data } = await structuredCall(kube, describeWorkloadTool, {
        name: 'checkout',
        namespace: 'shop',
        kind: 'Deployment',
      });
      expect(data).toMatchObject({ kind: 'Deployment', namespace: 'shop', name: 'checkout', argocdApp: 'checkout' });
      expect(data.pods.length).toBeGreaterThan(0);
      expect(data.rollout?.counts).toMatchObject({ desired: expect.any(Number), ready: expect.any(Number) });
      expect(data.containers[0]).toMatchObject({ name: 'checkout', image: expect.stringContaining('checkout:1.8.3') });
      const waiting = data.pods
        .flatMap((pod) => pod.containers)
        .find((container) => container.reason === 'ImagePullBackOff' || container.reason === 'ErrImagePull');
      expect(waiting, 'a container waiting on its image, as data').toBeDefined();
      for (const pod of data.pods) {
        expect(pod.namespace).toBe('shop');
        expect(pod.owners?.map((owner) => owner.kind)).toEqual(['ReplicaSet', 'Deployment']);
        expect(pod.owners?.[0]?.name).toMatch(/^checkout-[a-z0-9]+$/);
        expect(pod.owners?.[1]?.name).toBe('checkout');
        expect(pod.argocdApp).toBe('checkout');
      }
      const podEvent = data.warningEvents.find((group) => group.object.kind === 'Pod');
      expect(podEvent?.object).toMatchObject({ namespace: 'shop', name: expect.stringMatching(/^checkout-/) });
      expect(podEvent?.owners?.at(-1)).toEqual({ kind: 'Deployment', name: 'checkout' });
      expect(podEvent?.argocdApp).toBe('checkout');
    },
  );

  it('find_workloads and get_rollout_history name the Argo CD app', async () => {
    const found = await structuredCall(kube, findWorkloadsTool, { nameContains: 'checkout' });
    expect(found.data.workloads).toContainEqual(
      expect.objectContaining({
        kind: 'Deployment',
        namespace: 'shop',
        name: 'checkout',
        argocdApp: 'checkout',
        isHealthy: false,
      }),
    );
    const history = await structuredCall(kube, getRolloutHistoryTool, { name: 'checkout', namespace: 'shop' });
    expect(history.data).toMatchObject({ kind: 'Deployment', argocdApp: 'checkout' });
    const current = history.data.revisions.find((revision) => revision.isCurrent);
    expect(current?.containerImages[0]).toMatchObject({
      container: 'checkout',
      image: expect.stringContaining('checkout:'),
    });
    expect(current).toMatchObject({ readyReplicas: expect.any(Number), desiredReplicas: expect.any(Number) });
  });

  it("list_events: each group names its involved object, that object's owners and the app", async () => {
    const { data } = await structuredCall(kube, listEventsTool, { namespace: 'shop' });
    expect(data.total).toBeGreaterThan(0);
    const onPod = data.groups.filter(
      (group) => group.object.kind === 'Pod' && group.object.name.startsWith('checkout-'),
    );
    expect(onPod.length).toBeGreaterThan(0);
    for (const group of onPod) {
      expect(group.object.namespace).toBe('shop');
      expect(group.owners?.map((owner) => owner.kind)).toEqual(['ReplicaSet', 'Deployment']);
      expect(group.argocdApp).toBe('checkout');
    }
    const none = await structuredCall(kube, listEventsTool, { namespace: 'shop', reason: 'NoSuchReason' });
    expect(none.data).toEqual({ groups: [], total: 0 });
  });

  it('get_namespace_health: findings carry kind and name, pod findings their owners', async () => {
    const { data } = await structuredCall(kube, getNamespaceHealthTool, { namespace: 'shop' });
    expect(data.isHealthy).toBe(false);
    expect(data.findings).toContainEqual(
      expect.objectContaining({
        object: 'Deployment/checkout',
        kind: 'Deployment',
        name: 'checkout',
        argocdApp: 'checkout',
      }),
    );
    const pod = data.findings.find((finding) => finding.kind === 'Pod');
    expect(pod?.owners?.at(-1)).toEqual({ kind: 'Deployment', name: 'checkout' });
  });

  it('list_resources and get_resource: pods carry owners and app', async () => {
    const listed = await structuredCall(kube, listResourcesTool, {
      kind: 'Pod',
      namespace: 'shop',
      nameContains: 'checkout',
    });
    expect(listed.data).toMatchObject({ kind: 'Pod', apiVersion: 'v1' });
    expect(listed.data.items.length).toBeGreaterThan(0);
    for (const item of listed.data.items)
      expect(item).toMatchObject({
        owners: [{ kind: 'ReplicaSet' }, { kind: 'Deployment', name: 'checkout' }],
        argocdApp: 'checkout',
      });
    const podName = listed.data.items[0]?.name ?? '';
    const got = await structuredCall(kube, getResourceTool, {
      kind: 'Pod',
      name: podName,
      namespace: 'shop',
      section: 'status',
    });
    expect(got.data).toMatchObject({
      kind: 'Pod',
      apiVersion: 'v1',
      name: podName,
      namespace: 'shop',
      argocdApp: 'checkout',
      owners: [{ kind: 'ReplicaSet' }, { kind: 'Deployment' }],
    });
    expect(Object.keys(got.data.object)).toEqual(['status']);
    const empty = await structuredCall(kube, listResourcesTool, {
      kind: 'Pod',
      namespace: 'shop',
      nameContains: 'no-such-pod',
    });
    expect(empty.data).toMatchObject({ items: [], total: 0 });
  });

  it('check_service: selected pods with owners, endpoints and ports as data', async () => {
    const service = await structuredCall(kube, checkServiceTool, { name: 'checkout', namespace: 'shop' });
    expect(service.data).toMatchObject({ service: 'checkout', type: 'ClusterIP', selector: { app: 'checkout' } });
    expect(service.data.ports[0]).toMatchObject({ port: expect.any(Number), protocol: 'TCP' });
    expect(service.data.pods.length).toBe(service.data.selectedPods.length);
    for (const pod of service.data.pods) expect(pod.owners?.at(-1)).toEqual({ kind: 'Deployment', name: 'checkout' });
    expect(service.data.endpoints.notReady.length).toBe(service.data.notReadyEndpoints);
  });
});

describe('kubernetes server structured results (service-selector-mismatch, missing-secret, crash-missing-env)', () => {
  it('check_service: near-miss pods say which label differs and how', async () => {
    const estate = await startMcpSandbox(await loadScenario('service-selector-mismatch'));
    try {
      const kube = await estate.kubernetes('prod-eu');
      await kube.listTools();
      const { data } = await structuredCall(kube, checkServiceTool, { name: 'cart', namespace: 'shop' });
      expect(data.isHealthy).toBe(false);
      expect(data.selectedPods).toEqual([]);
      expect(data.nearMisses[0]?.differing).toContainEqual({ key: 'app.kubernetes.io/name', wanted: 'cart' });
      expect(data.nearMisses[0]?.labels).toMatchObject({ app: 'cart' });
      expect(data.argocdApp).toBe('cart');
    } finally {
      await estate.close();
    }
  });

  it('describe_workload (missing-secret): each missing reference says container, env variable and key', async () => {
    const estate = await startMcpSandbox(await loadScenario('missing-secret'));
    try {
      const kube = await estate.kubernetes('prod-eu');
      await kube.listTools();
      const { data } = await structuredCall(kube, describeWorkloadTool, { name: 'auth' });
      const missing = data.missingReferences.filter((reference) => reference.name === 'auth-db-credentials');
      expect(
        missing.map((reference) => ({ kind: reference.kind, envVar: reference.envVar, key: reference.key })),
      ).toEqual([
        { kind: 'Secret', envVar: 'DB_USER', key: 'username' },
        { kind: 'Secret', envVar: 'DB_PASSWORD', key: 'password' },
      ]);
      expect(missing[0]?.container).toEqual(expect.any(String));
    } finally {
      await estate.close();
    }
  });

  it("get_pod_logs previous=true: crash log lines are data, with the pod's owners", async () => {
    const estate = await startMcpSandbox(await loadScenario('crash-missing-env'));
    try {
      const kube = await estate.kubernetes('prod-eu');
      await kube.listTools();
      const { data } = await structuredCall(kube, getPodLogsTool, {
        name: 'payments-api',
        namespace: 'payments',
        previous: true,
        grep: 'fatal',
      });
      expect(data.lines.join('\n')).toContain('PAYMENTS_DB_URL missing');
      expect(data).toMatchObject({
        previous: true,
        matchedLines: expect.any(Number),
        workload: { kind: 'Deployment', name: 'payments-api' },
      });
      expect(data).toMatchObject({
        owners: [{ kind: 'ReplicaSet' }, { kind: 'Deployment', name: 'payments-api' }],
        argocdApp: 'payments-api',
      });
      expect(data.restarts).toBeGreaterThan(0);
      const report = await structuredCall(kube, describeWorkloadTool, { name: 'payments-api', namespace: 'payments' });
      const crashed = report.data.pods
        .flatMap((pod) => pod.containers)
        .find((container) => container.lastExitCode !== undefined);
      expect(crashed).toMatchObject({ lastExitCode: 1, lastTerminationReason: 'Error', memoryLimit: '384Mi' });
    } finally {
      await estate.close();
    }
  });
});
