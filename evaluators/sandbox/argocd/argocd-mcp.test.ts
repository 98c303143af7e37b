import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../../../bot/package-root.js';
import { loadScenarioByName } from '../scenario/load-scenario.js';
import { startSandbox, type RunningSandbox } from '../start-sandbox.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- tool results are read as loose JSON */

// The published Argo CD MCP server (npm argocd-mcp), unchanged, against one fake instance.
describe('argocd-mcp over stdio against the fake Argo CD (scenario crash-missing-env)', () => {
  let sandbox: RunningSandbox;
  let client: Client;

  const call = async (name: string, args: Record<string, unknown>): Promise<any> => {
    const result = (await client.callTool({ name, arguments: args })) as {
      isError?: boolean;
      content: Array<{ type: string; text: string }>;
    };
    expect(result.isError, result.content[0]?.text).toBeFalsy();
    return JSON.parse(result.content[0]?.text ?? 'null');
  };

  beforeAll(async () => {
    const root = packageRoot();
    sandbox = await startSandbox({
      scenario: await loadScenarioByName(join(root, 'evaluators', 'scenarios'), 'crash-missing-env'),
    });
    const eu = sandbox.argocd.find((instance) => instance.name === 'argocd-eu-1');
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [join(root, 'node_modules', 'argocd-mcp', 'dist', 'index.js'), 'stdio'],
      env: {
        PATH: process.env.PATH ?? '',
        ARGOCD_BASE_URL: eu?.url ?? '',
        ARGOCD_API_TOKEN: eu?.token ?? '',
        MCP_READ_ONLY: 'true',
      },
      stderr: 'ignore',
    });
    client = new Client({ name: 'sandbox-test', version: '1.0.0' });
    await client.connect(transport);
  });

  afterAll(async () => {
    await client?.close();
    await sandbox?.close();
  });

  it('list_applications returns the instance apps with sync and health', async () => {
    const list = await call('list_applications', {});
    const byName = new Map(list.items.map((app: any) => [app.metadata.name, app]));
    expect([...byName.keys()].sort()).toEqual(['catalog', 'payments-api', 'search-api']);
    expect((byName.get('payments-api') as any).status.health.status).toBe('Degraded');
    expect((byName.get('catalog') as any).status.health.status).toBe('Healthy');
    expect((await call('list_applications', { search: 'payments' })).items).toHaveLength(1);
  });

  it('get_application returns status, history and the last sync', async () => {
    const app = await call('get_application', { applicationName: 'payments-api' });
    expect(app.spec.destination).toEqual({ name: 'prod-eu', namespace: 'payments' });
    expect(app.status.history).toHaveLength(2);
    expect(app.status.operationState.phase).toBe('Succeeded');
    expect(app.status.resources.map((resource: any) => `${resource.kind}/${resource.name}`).sort()).toEqual([
      'Deployment/payments-api',
      'Service/payments-api',
    ]);
  });

  it('get_application_resource_tree shows the crash-looping pod', async () => {
    const tree = await call('get_application_resource_tree', { applicationName: 'payments-api' });
    const crashing = tree.nodes.find((node: any) => node.kind === 'Pod' && node.health?.status === 'Degraded');
    expect(crashing.info).toContainEqual({ name: 'Status Reason', value: 'CrashLoopBackOff' });
  });

  it('get_application_events returns the app events', async () => {
    const events = await call('get_application_events', { applicationName: 'payments-api' });
    const messages = events.items.map((event: any) => event.message as string);
    expect(messages.some((message: string) => /^Sync operation to [0-9a-f]{40} succeeded$/.test(message))).toBe(true);
    expect(messages).toContain('Updated health status: Progressing -> Degraded');
  });

  it('get_application_workload_logs returns the crash log of the Deployment', async () => {
    const logs = await call('get_application_workload_logs', {
      applicationName: 'payments-api',
      applicationNamespace: 'argocd',
      resourceRef: {
        uid: '',
        kind: 'Deployment',
        namespace: 'payments',
        name: 'payments-api',
        version: 'v1',
        group: 'apps',
      },
      container: 'payments-api',
    });
    const contents = logs.filter((entry: any) => entry && !entry.last).map((entry: any) => entry.content as string);
    expect(contents.some((line: string) => line.includes('PAYMENTS_DB_URL missing value'))).toBe(true);
  });
});
