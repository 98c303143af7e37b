import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { getApplicationDiffTool } from '../../mcp-servers/argocd/tools/get-application-diff.js';
import { getApplicationEventsTool } from '../../mcp-servers/argocd/tools/get-application-events.js';
import { getApplicationHistoryTool } from '../../mcp-servers/argocd/tools/get-application-history.js';
import { getApplicationLogsTool } from '../../mcp-servers/argocd/tools/get-application-logs.js';
import { getApplicationTreeTool } from '../../mcp-servers/argocd/tools/get-application-tree.js';
import { getApplicationTool } from '../../mcp-servers/argocd/tools/get-application.js';
import { listApplicationsTool } from '../../mcp-servers/argocd/tools/list-applications.js';
import { call, loadScenario, startMcpSandbox, type McpSandbox } from './sandbox-harness.js';
import { expectOutputSchemaForEveryReadTool, structuredCall } from './structured-results.js';

const READ_TOOLS = [
  'get_application',
  'get_application_diff',
  'get_application_events',
  'get_application_history',
  'get_application_logs',
  'get_application_tree',
  'get_revision_diff',
  'list_applications',
];

describe('argocd server structured results (missing-image-tag: app checkout is Degraded)', () => {
  let estate: McpSandbox;
  let argocd: Client;
  beforeAll(async () => {
    estate = await startMcpSandbox(await loadScenario('missing-image-tag'));
    argocd = await estate.argocd('argocd-eu-1', { enableWrites: true });
    await expectOutputSchemaForEveryReadTool(argocd, READ_TOOLS);
  });
  afterAll(async () => {
    await estate.close();
  });

  it('list_applications and get_application: status, destination, source and history as data', async () => {
    const listed = await structuredCall(argocd, listApplicationsTool, { nameContains: 'checkout' });
    expect(listed.data.applications[0]).toMatchObject({
      name: 'checkout',
      health: 'Degraded',
      destinationNamespace: 'shop',
      source: { path: expect.any(String) },
    });
    const app = await structuredCall(argocd, getApplicationTool, { name: 'checkout' });
    expect(app.data).toMatchObject({ name: 'checkout', health: 'Degraded', destination: { namespace: 'shop' } });
    expect(app.data.fullRevision).toMatch(/^[0-9a-f]{40}$/);
    expect(app.data.history[0]).toMatchObject({
      id: expect.any(String),
      revision: expect.stringMatching(/^[0-9a-f]{40}$/),
    });
    expect(app.data.unhealthyResources.some((resource) => resource.kind === 'Deployment')).toBe(true);
    expect(app.data.resourceCounts.notHealthy).toBe(app.data.unhealthyResources.length);
    expect(app.text).toContain(
      `resources: ${app.data.resourceCounts.total} total, ${app.data.resourceCounts.notHealthy} not healthy`,
    );
    const history = await structuredCall(argocd, getApplicationHistoryTool, { name: 'checkout' });
    expect(history.data.history.some((entry) => entry.revision === history.data.currentRevision)).toBe(true);
  });

  it(
    'get_application_tree: unhealthy pods name their ' + 'ReplicaSet and Deployment (nearest first) and the app',
    async () => {
      const { data } = await structuredCall(argocd, getApplicationTreeTool, { name: 'checkout' });
      const pod = data.unhealthy.find((node) => node.kind === 'Pod');
      expect(pod?.owners.map((owner) => owner.kind)).toEqual(['ReplicaSet', 'Deployment']);
      expect(pod?.owners[1]).toEqual({ kind: 'Deployment', name: 'checkout' });
      expect(pod?.argocdApp).toBe('checkout');
      expect(data.unhealthyTotal).toBeGreaterThanOrEqual(data.unhealthy.length);
      const all = await structuredCall(argocd, getApplicationTreeTool, { name: 'checkout', all: true });
      expect(all.data.healthy?.some((node) => node.kind === 'Service')).toBe(true);
    },
  );

  it('get_application_events: groups name the involved object and the app', async () => {
    const { data } = await structuredCall(argocd, getApplicationEventsTool, { name: 'checkout' });
    expect(data.total).toBeGreaterThan(0);
    for (const group of data.groups)
      expect(group).toMatchObject({
        object: { kind: expect.any(String), name: expect.any(String) },
        argocdApp: 'checkout',
      });
  });

  it(
    'an unknown application is an isError answer whose data ' + '(code, closest names) passes the client schema check',
    async () => {
      const { text, result } = await call(argocd, 'get_application', { name: 'chekout' });
      expect(result.isError).toBe(true);
      expect(text).toContain('Closest matches: checkout');
      expect(result.structuredContent).toMatchObject({ error: expect.stringContaining('chekout') });
    },
  );
});

describe('argocd server structured results (argocd-drift, crash-missing-env)', () => {
  it('get_application_diff: each drifted resource with kind/name/namespace and its hunks', async () => {
    const estate = await startMcpSandbox(await loadScenario('argocd-drift'));
    try {
      const argocd = await estate.argocd('argocd-eu-1');
      await argocd.listTools();
      const { data } = await structuredCall(argocd, getApplicationDiffTool, { name: 'pricing' });
      const deployment = data.diffs.find((diff) => diff.kind === 'Deployment');
      expect(deployment).toMatchObject({
        name: 'pricing',
        change: 'modified',
        lastWrittenBy: expect.stringContaining('kubectl-edit'),
      });
      expect(deployment?.hunks.length).toBeGreaterThan(0);
      const changed = deployment?.hunks.flatMap((hunk) => hunk.lines) ?? [];
      expect(changed).toContain('-  replicas: 4');
      expect(changed).toContain('+  replicas: 2');
      expect(deployment?.hunks[0]).toMatchObject({ oldStart: expect.any(Number), newStart: expect.any(Number) });
    } finally {
      await estate.close();
    }
  });

  it('get_application_logs: the pod read, its lines and counts as data', async () => {
    const estate = await startMcpSandbox(await loadScenario('crash-missing-env'));
    try {
      const argocd = await estate.argocd('argocd-eu-1');
      await argocd.listTools();
      const { data } = await structuredCall(argocd, getApplicationLogsTool, { name: 'payments-api', previous: true });
      expect(data).toMatchObject({
        application: 'payments-api',
        argocdApp: 'payments-api',
        previous: true,
        pod: expect.stringMatching(/^payments-api-/),
      });
      expect(data.lines.join('\n')).toContain('PAYMENTS_DB_URL');
      expect(data.pods).toEqual([data.pod]);
    } finally {
      await estate.close();
    }
  });
});
