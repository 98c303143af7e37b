import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { sha256Hex } from '../../mcp-servers/gateway/index.js';
import { startSandbox, type RunningSandbox } from './start-sandbox.js';
import { startGatewayOverSandbox, type SandboxGateway } from './with-gateway.js';

const WRITER = 'writer-token-for-tests-0001';
const LIMITED = 'limited-token-for-tests-0001';

async function connect(url: string, token: string): Promise<Client> {
  const client = new Client({ name: 'with-gateway-test', version: '1.0.0' });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers: { authorization: `Bearer ${token}` } } }),
  );
  return client;
}

function text(result: unknown): string {
  return (result as CallToolResult).content.map((item) => (item.type === 'text' ? item.text : '')).join('\n');
}

describe('gateway over a healthy sandbox (3 Argo CD instances, 2 clusters)', () => {
  let sandbox: RunningSandbox;
  let started: SandboxGateway;
  const clients: Client[] = [];
  let reader: Client;

  beforeAll(async () => {
    sandbox = await startSandbox({ argocdInstances: 3, clusters: 2, apps: 6 });
    const first = sandbox.argocd[0];
    started = await startGatewayOverSandbox(sandbox, {
      enableWrites: true,
      healthCheckIntervalMs: 0,
      extraEnv: { ARGOCD_1_API_TOKEN: first?.token ?? '' },
      extraUpstreams: [
        {
          kind: 'other',
          instance: 'argocd-mcp',
          command: process.execPath,
          args: [join(process.cwd(), 'node_modules', 'argocd-mcp', 'dist', 'index.js'), 'stdio'],
          env: { ARGOCD_BASE_URL: first?.url ?? '', MCP_READ_ONLY: 'true' },
          auth: { bearerTokenEnv: 'ARGOCD_1_API_TOKEN', childEnv: 'ARGOCD_API_TOKEN' },
          readOnlyTools: ['list_*', 'get_*'],
          blockedArguments: ['argocdBaseUrl'],
        },
      ],
      extraCallers: [
        { principal: 'writer', tokenSha256: sha256Hex(WRITER), writes: true },
        {
          principal: 'limited',
          tokenSha256: sha256Hex(LIMITED),
          allow: { instances: ['argocd-1'], tools: ['list_applications'] },
        },
      ],
    });
    reader = await connect(started.gateway.url, started.gateway.token);
    clients.push(reader);
  });

  afterAll(async () => {
    await Promise.all(clients.map((client) => client.close()));
    await started?.close();
    await sandbox?.close();
  });

  it('lists every federated tool once, with the sandbox instances in its enum', async () => {
    const { tools } = await reader.listTools();
    const byName = new Map(tools.map((tool) => [tool.name, tool]));
    const instances = (name: string) =>
      (byName.get(name)?.inputSchema.properties?.instance as { enum?: string[] } | undefined)?.enum;
    expect(instances('list_applications')).toEqual(['argocd-1', 'argocd-2', 'argocd-3']);
    expect(instances('find_workloads')).toEqual(['cluster-1', 'cluster-2']);
    expect(instances('list_policy_violations')).toEqual(['cluster-1', 'cluster-2']);
    expect(byName.has('sync_application')).toBe(false);
    expect(byName.has('argocd-mcp__list_applications')).toBe(true);
  });

  it('answers list_applications by fan-out, each app tagged with its instance', async () => {
    const result = await reader.callTool({ name: 'list_applications', arguments: {} });
    expect(result.isError).toBeFalsy();
    const structured = result.structuredContent as { results: Array<{ instance: string }>; unreachable: unknown[] };
    expect(structured.results.map((item) => item.instance)).toEqual(['argocd-1', 'argocd-2', 'argocd-3']);
    expect(structured.unreachable).toEqual([]);
    for (const app of ['accounts-0001', 'booking-0004', 'audit-0002', 'cache-0005', 'billing-0003', 'chat-0006'])
      expect(text(result)).toContain(app);
  });

  it('finds which instance has an app when get_application has no instance', async () => {
    const result = await reader.callTool({ name: 'get_application', arguments: { name: 'cache-0005' } });
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toMatchObject({ instance: 'argocd-2' });
    expect(text(result)).toContain('Found on argocd-2');
  });

  it('fans find_workloads out over both clusters', async () => {
    const result = await reader.callTool({ name: 'find_workloads', arguments: { nameContains: 'billing' } });
    expect(result.isError).toBeFalsy();
    expect(
      (result.structuredContent as { results: Array<{ instance: string }> }).results.map((item) => item.instance),
    ).toEqual(['cluster-1', 'cluster-2']);
    expect(text(result)).toContain('billing-0003');
  });

  it('hides and refuses what a restricted caller may not use', async () => {
    const limited = await connect(started.gateway.url, LIMITED);
    clients.push(limited);
    const { tools } = await limited.listTools();
    expect(tools.map((tool) => tool.name)).toEqual(['list_applications']);
    await expect(
      limited.callTool({ name: 'get_application', arguments: { name: 'cache-0005', instance: 'argocd-2' } }),
    ).rejects.toMatchObject({ code: -32602 });
    const result = await limited.callTool({ name: 'list_applications', arguments: {} });
    expect(text(result)).toContain('accounts-0001');
    expect(text(result)).not.toContain('cache-0005');
  });

  it('refuses a write without an approval', async () => {
    const writer = await connect(started.gateway.url, WRITER);
    clients.push(writer);
    const { tools } = await writer.listTools();
    expect(tools.find((tool) => tool.name === 'sync_application')?.inputSchema.required).toEqual(
      expect.arrayContaining(['instance', 'approval_id']),
    );
    const result = await writer.callTool({
      name: 'sync_application',
      arguments: { name: 'cache-0005', instance: 'argocd-2', approval_id: 'not-approved' },
    });
    expect(result.isError).toBe(true);
    expect(text(result)).toContain("approval 'not-approved' does not approve sync_application on argocd-2");
  });

  it('mounts the published argocd-mcp over stdio as an other upstream', async () => {
    const result = await reader.callTool({ name: 'argocd-mcp__list_applications', arguments: { search: 'booking' } });
    expect(result.isError).toBeFalsy();
    expect(text(result)).toContain('booking-0004');
    await expect(
      reader.callTool({
        name: 'argocd-mcp__list_applications',
        arguments: { argocdBaseUrl: 'http://attacker.example' },
      }),
    ).rejects.toMatchObject({ code: -32602 });
  });
});

describe('gateway over a sandbox with an Argo CD instance down', () => {
  let sandbox: RunningSandbox;
  let started: SandboxGateway;
  let reader: Client;

  beforeAll(async () => {
    sandbox = await startSandbox({ argocdInstances: 3, clusters: 1, apps: 3, down: ['argocd-3'] });
    started = await startGatewayOverSandbox(sandbox, {
      callTimeoutMs: 1000,
      healthCheckIntervalMs: 0,
      overrides: { circuitBreaker: { failureThreshold: 1, cooldownMs: 600_000 } },
    });
    reader = await connect(started.gateway.url, started.gateway.token);
  });

  afterAll(async () => {
    await reader?.close();
    await started?.close();
    await sandbox?.close();
  });

  it('reports the down instance as unreachable and still answers from the rest, then skips it', async () => {
    const first = await reader.callTool({ name: 'list_applications', arguments: {} });
    expect(first.isError).toBeFalsy();
    const structured = first.structuredContent as {
      results: Array<{ instance: string }>;
      unreachable: Array<{ instance: string; error: string }>;
    };
    expect(structured.results.map((item) => item.instance)).toEqual(['argocd-1', 'argocd-2']);
    expect(structured.unreachable.map((item) => item.instance)).toEqual(['argocd-3']);
    expect(text(first)).toContain('unreachable (argocd-3)');
    expect(text(first)).toContain('accounts-0001');

    const second = await reader.callTool({ name: 'list_applications', arguments: {} });
    expect((second.structuredContent as { unreachable: Array<{ error: string }> }).unreachable[0]?.error).toContain(
      'circuit open',
    );
  });
});
