import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../../../bot/package-root.js';
import { loadScenarioByName } from '../scenario/load-scenario.js';
import { startSandbox, type RunningSandbox, type SandboxEndpoint } from '../start-sandbox.js';
import { createSwaggerValidator, type SwaggerDocument, type SwaggerValidator } from './swagger-validator.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- API bodies are read as loose JSON */

describe('fake Argo CD API (scenario missing-image-tag)', () => {
  let sandbox: RunningSandbox;
  let eu: SandboxEndpoint;
  let us: SandboxEndpoint;
  let validate: SwaggerValidator;

  const get = async (endpoint: SandboxEndpoint, path: string): Promise<{ status: number; body: any }> => {
    const response = await fetch(`${endpoint.url}${path}`, { headers: { authorization: `Bearer ${endpoint.token}` } });
    return { status: response.status, body: await response.json() };
  };
  const post = async (
    endpoint: SandboxEndpoint,
    path: string,
    body: unknown,
  ): Promise<{ status: number; body: any }> => {
    const response = await fetch(`${endpoint.url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${endpoint.token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: await response.json() };
  };

  beforeAll(async () => {
    const root = packageRoot();
    // The Argo CD v3.5 swagger definitions these responses must satisfy (a subset of the spec).
    const spec = JSON.parse(
      await readFile(join(import.meta.dirname, 'testdata', 'argocd-swagger-definitions.json'), 'utf8'),
    ) as SwaggerDocument;
    validate = createSwaggerValidator(spec);
    sandbox = await startSandbox({
      scenario: await loadScenarioByName(join(root, 'evaluators', 'scenarios'), 'missing-image-tag'),
    });
    eu = sandbox.argocd.find((instance) => instance.name === 'argocd-eu-1') as SandboxEndpoint;
    us = sandbox.argocd.find((instance) => instance.name === 'argocd-us-1') as SandboxEndpoint;
  });

  afterAll(async () => {
    await sandbox?.close();
  });

  it('rejects requests without the instance token, in Argo CD error shape', async () => {
    const anonymous = await fetch(`${eu.url}/api/v1/applications`);
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toEqual({
      error: 'no session information',
      code: 16,
      message: 'no session information',
    });
    const otherToken = await fetch(`${eu.url}/api/v1/applications`, {
      headers: { authorization: `Bearer ${us.token}` },
    });
    expect(otherToken.status).toBe(401);
    const missing = await get(eu, '/api/v1/applications/nope');
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ code: 5, message: 'applications.argoproj.io "nope" not found' });
  });

  it('lists apps with Argo CD filters and a schema-valid ApplicationList', async () => {
    const all = await get(eu, '/api/v1/applications');
    expect(validate('v1alpha1ApplicationList', all.body)).toEqual([]);
    expect(all.body.items.map((app: any) => app.metadata.name).sort()).toEqual(['catalog', 'checkout', 'search-api']);
    expect((await get(eu, '/api/v1/applications?name=checkout')).body.items).toHaveLength(1);
    expect(
      (await get(eu, '/api/v1/applications?projects=search')).body.items.map((app: any) => app.metadata.name),
    ).toEqual(['search-api']);
    expect((await get(eu, '/api/v1/applications?projects=shop&projects=search')).body.items).toHaveLength(3);
    expect(
      (await get(eu, '/api/v1/applications?selector=tier%3Dfrontend')).body.items.map((app: any) => app.metadata.name),
    ).toEqual(['checkout']);
    expect((await get(eu, '/api/v1/applications?selector=team%20in%20(search)')).body.items).toHaveLength(1);
    expect(
      (await get(eu, '/api/v1/applications?repo=https://git.example.com/platform/gitops.git')).body.items,
    ).toHaveLength(3);
    expect((await get(eu, '/api/v1/applications?repo=https://git.example.com/other.git')).body.items).toHaveLength(0);
    expect((await get(eu, '/api/v1/applications?appNamespace=argocd')).body.items).toHaveLength(3);
    expect((await get(eu, '/api/v1/applications?appNamespace=team-a')).body.items).toHaveLength(0);
  });

  it('reports the broken app: Degraded health, history with real SHAs, images and a valid Application', async () => {
    const { body: app } = await get(eu, '/api/v1/applications/checkout');
    expect(validate('v1alpha1Application', app)).toEqual([]);
    expect(app.status.sync.status).toBe('Synced');
    expect(app.status.health.status).toBe('Degraded');
    const deployment = app.status.resources.find((resource: any) => resource.kind === 'Deployment');
    expect(deployment.health.message).toBe('Deployment "checkout" exceeded its progress deadline');
    expect(app.status.summary.images).toContain('registry.example.com/shop/checkout:1.8.3');
    const log = await sandbox.repo.log();
    expect(app.status.history.map((entry: any) => entry.revision)).toEqual([log[2]?.sha, log[0]?.sha]);
    expect(app.status.sync.revision).toBe(log[0]?.sha);
    expect(app.status.operationState.phase).toBe('Succeeded');
    expect(app.status.operationState.syncResult.resources.map((resource: any) => resource.message)).toContain(
      'deployment.apps/checkout configured',
    );
    const twin = await get(us, '/api/v1/applications/checkout');
    expect(twin.body.status.health.status).toBe('Healthy');
    expect(twin.body.spec.destination).toEqual({ name: 'prod-us', namespace: 'shop' });
  });

  it('serves the resource tree down to the failing pod', async () => {
    const { body: tree } = await get(eu, '/api/v1/applications/checkout/resource-tree');
    expect(validate('v1alpha1ApplicationTree', tree)).toEqual([]);
    const pods = tree.nodes.filter((node: any) => node.kind === 'Pod');
    const failing = pods.find((node: any) => node.health?.status === 'Degraded');
    expect(failing.info).toContainEqual({ name: 'Status Reason', value: 'ImagePullBackOff' });
    expect(failing.parentRefs[0].kind).toBe('ReplicaSet');
    expect(tree.nodes.some((node: any) => node.kind === 'ReplicaSet' && node.parentRefs[0].name === 'checkout')).toBe(
      true,
    );
  });

  it('serves managed resources with live/target state and diffs, and rendered manifests', async () => {
    const { body } = await get(eu, '/api/v1/applications/checkout/managed-resources?kind=Deployment');
    expect(body.items).toHaveLength(1);
    const item = body.items[0];
    expect(item.modified).toBe(false);
    expect(JSON.parse(item.targetState).spec.template.spec.containers[0].image).toBe(
      'registry.example.com/shop/checkout:1.8.3',
    );
    expect(JSON.parse(item.liveState).status).toBeDefined();
    const manifests = await get(eu, '/api/v1/applications/checkout/manifests');
    expect(manifests.body.sourceType).toBe('Kustomize');
    expect(manifests.body.manifests.map((text: string) => JSON.parse(text).kind).sort()).toEqual([
      'Deployment',
      'Service',
    ]);
    const older = await get(
      eu,
      `/api/v1/applications/checkout/manifests?revision=${(await sandbox.repo.log())[2]?.sha ?? ''}`,
    );
    expect(older.body.manifests.join('\n')).toContain('checkout:1.8.2');
  });

  it('serves app events and resource events as valid EventLists', async () => {
    const { body: appEvents } = await get(eu, '/api/v1/applications/checkout/events');
    expect(validate('eventsEventList', appEvents)).toEqual([]);
    expect(appEvents.items.map((event: any) => event.reason)).toContain('OperationCompleted');
    const { body: tree } = await get(eu, '/api/v1/applications/checkout/resource-tree');
    const pod = tree.nodes.find((node: any) => node.kind === 'Pod' && node.health?.status === 'Degraded');
    const { body: podEvents } = await get(
      eu,
      `/api/v1/applications/checkout/events?resourceNamespace=shop&resourceName=${pod.name}&resourceUID=${pod.uid}`,
    );
    expect(validate('eventsEventList', podEvents)).toEqual([]);
    expect(podEvents.items.map((event: any) => event.reason)).toEqual(expect.arrayContaining(['Failed', 'BackOff']));
  });

  it('streams logs as newline-delimited results ending with last: true', async () => {
    const response = await fetch(
      `${us.url}/api/v1/applications/checkout/logs?namespace=shop&kind=Deployment&resourceName=checkout&tailLines=5`,
      {
        headers: { authorization: `Bearer ${us.token}` },
      },
    );
    const lines = (await response.text())
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { result: any });
    expect(lines.at(-1)?.result.last).toBe(true);
    expect(lines.some((line) => String(line.result.content).includes('checkout starting'))).toBe(true);
    const podName = lines[0]?.result.podName as string;
    const podLogs = await fetch(`${us.url}/api/v1/applications/checkout/pods/${podName}/logs?tailLines=1`, {
      headers: { authorization: `Bearer ${us.token}` },
    });
    const podLines = (await podLogs.text()).trim().split('\n');
    expect(podLines).toHaveLength(2);
    expect(JSON.parse(podLines[0] ?? '{}').result.podName).toBe(podName);
  });

  it('answers revision metadata from git', async () => {
    const head = (await sandbox.repo.log())[0];
    const { body } = await get(eu, `/api/v1/applications/checkout/revisions/${head?.sha ?? ''}/metadata`);
    expect(body).toMatchObject({
      author: 'Sam Ortiz <sam.ortiz@example.com>',
      message: 'checkout: release 1.8.3 to prod-eu',
      date: head?.date.toISOString(),
    });
    expect(validate('v1alpha1RevisionMetadata', body)).toEqual([]);
  });

  it('runs a dry-run sync without changing history, and refuses rollback while auto-sync is on', async () => {
    const before = (await get(eu, '/api/v1/applications/checkout')).body.status.history.length;
    const dry = await post(eu, '/api/v1/applications/checkout/sync', { dryRun: true });
    expect(dry.status).toBe(200);
    expect(dry.body.status.operationState.operation.sync.dryRun).toBe(true);
    expect(dry.body.status.operationState.syncResult.resources[0].message).toMatch(/\(dry run\)$/);
    expect(dry.body.status.history).toHaveLength(before);
    const rollback = await post(eu, '/api/v1/applications/checkout/rollback', { id: 0 });
    expect(rollback.status).toBe(400);
    expect(rollback.body.message).toBe('rollback cannot be initiated when auto-sync is enabled');
  });

  it('lists clusters, projects and the version', async () => {
    const clusters = await get(eu, '/api/v1/clusters');
    expect(validate('v1alpha1ClusterList', clusters.body)).toEqual([]);
    expect(clusters.body.items.map((cluster: any) => cluster.name)).toEqual(['prod-eu']);
    expect(clusters.body.items[0].server).toBe(sandbox.clusters.find((cluster) => cluster.name === 'prod-eu')?.url);
    const projects = await get(eu, '/api/v1/projects');
    expect(validate('v1alpha1AppProjectList', projects.body)).toEqual([]);
    expect(projects.body.items.map((project: any) => project.metadata.name)).toEqual(['default', 'search', 'shop']);
    const version = await fetch(`${eu.url}/api/version`);
    expect(((await version.json()) as { Version: string }).Version).toMatch(/^v3\./);
  });

  it('self-heals a live edit of a selfHeal app in the background', async () => {
    const cluster = sandbox.simulatedClusters.get('prod-eu');
    const live = cluster?.get('apps/v1', 'Deployment', 'shop', 'catalog');
    if (!cluster || !live) throw new Error('catalog missing');
    const before = (await get(eu, '/api/v1/applications/catalog')).body.status.history.length;
    cluster.apply({ ...live, spec: { ...(live.spec as object), replicas: 5 } }, { fieldManager: 'kubectl-edit' });
    let replicas = 5;
    for (let attempt = 0; attempt < 100 && replicas !== 2; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      replicas = (cluster.get('apps/v1', 'Deployment', 'shop', 'catalog')?.spec as { replicas: number }).replicas;
    }
    expect(replicas).toBe(2);
    const { body: app } = await get(eu, '/api/v1/applications/catalog');
    expect(app.status.history).toHaveLength(before + 1);
    expect(app.status.operationState.operation.initiatedBy).toEqual({ automated: true });
    expect(app.status.sync.status).toBe('Synced');
  });
});
