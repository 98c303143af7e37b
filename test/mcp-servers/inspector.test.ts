import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../../bot/package-root.js';
import { startSandbox, type RunningSandbox } from '../../evaluators/sandbox/start-sandbox.js';
import { startGatewayOverSandbox } from '../../evaluators/sandbox/with-gateway.js';
import { startHttpTransport, type RunningHttpServer } from '../../mcp-servers/common/http-transport.js';
import { createSilentServerLogger } from '../../mcp-servers/common/logger.js';
import { mcpServerCatalog } from '../../mcp-servers/server-catalog.js';
import type { McpServerName } from '../../mcp-servers/tool-names.js';
import { loadScenario } from './sandbox-harness.js';

const run = promisify(execFile);
const root = packageRoot();
const inspector = join(
  root,
  'node_modules',
  '@modelcontextprotocol',
  'inspector',
  'clients',
  'launcher',
  'build',
  'index.js',
);

/**
 * The Inspector needs Node ≥ 22. On an older Node (this machine runs 20), the `node` package
 * from the npm registry provides a v24 binary through npx — the same one the image is built on.
 */
async function modernNode(): Promise<string> {
  if (Number(process.versions.node.split('.')[0]) >= 22) return process.execPath;
  const { stdout } = await run('npx', ['-y', 'node@24', '-e', 'console.log(process.execPath)'], { timeout: 180_000 });
  return stdout.trim().split('\n').at(-1) ?? '';
}

async function inspect(node: string, args: string[]): Promise<Record<string, unknown>> {
  const { stdout } = await run(node, [inspector, '--cli', ...args], {
    cwd: root,
    timeout: 60_000,
    maxBuffer: 16 * 1024 * 1024,
  });
  return JSON.parse(stdout) as Record<string, unknown>;
}

/** The official MCP Inspector (CLI mode) lists and calls our servers' tools over stdio and HTTP. */
describe('MCP Inspector against our servers', () => {
  let node: string;
  let sandbox: RunningSandbox;
  const servers: RunningHttpServer[] = [];
  const env: Record<McpServerName, Record<string, string>> = { kubernetes: {}, kyverno: {}, argocd: {} };
  const calls: Record<McpServerName, { tool: string; args: string[]; expect: string }> = {
    kubernetes: {
      tool: 'describe_workload',
      args: ['name=fraud-check', 'namespace=payments'],
      expect: 'Deployment payments/fraud-check',
    },
    kyverno: { tool: 'list_policies', args: [], expect: 'require-team-label' },
    argocd: { tool: 'get_application', args: ['name=fraud-check'], expect: 'Application fraud-check' },
  };

  beforeAll(async () => {
    node = await modernNode();
    sandbox = await startSandbox({ scenario: await loadScenario('kyverno-audit-report') });
    const argocd = sandbox.argocd[0];
    env.kubernetes = { KUBECONFIG: sandbox.kubeconfigPath, KUBE_CONTEXT: 'prod-eu' };
    env.kyverno = { KUBECONFIG: sandbox.kubeconfigPath, KUBE_CONTEXT: 'prod-eu' };
    env.argocd = { ARGOCD_URL: argocd?.url ?? '', ARGOCD_TOKEN: argocd?.token ?? '' };
  }, 240_000);
  afterAll(async () => {
    for (const server of servers) await server.close();
    await sandbox?.close();
  });

  const names: McpServerName[] = ['kubernetes', 'argocd', 'kyverno'];

  it.each(names)('%s over stdio: tools/list and tools/call', async (name) => {
    const call = calls[name];
    const envArgs = Object.entries(env[name]).flatMap(([key, value]) => ['-e', `${key}=${value}`]);
    const target = ['--', process.execPath, join(root, 'bin', 'sre-bot.js'), 'mcp', name];
    const listed = await inspect(node, [...envArgs, '--method', 'tools/list', ...target]);
    const tools = (listed.tools as Array<{ name: string }>).map((tool) => tool.name);
    expect(tools).toContain(call.tool);
    const called = await inspect(node, [
      ...envArgs,
      '--method',
      'tools/call',
      '--tool-name',
      call.tool,
      ...call.args.flatMap((arg) => ['--tool-arg', arg]),
      ...target,
    ]);
    expect(JSON.stringify(called.content)).toContain(call.expect);
  });

  it.each(names)('%s over streamable HTTP with a bearer token: tools/list and tools/call', async (name) => {
    const call = calls[name];
    const token = `inspector-${name}-token`;
    const prepared = mcpServerCatalog[name].prepare(
      { ...env[name], MCP_AUTH_TOKEN: token, LOG_LEVEL: 'silent' },
      { logger: createSilentServerLogger(), enableWrites: false },
    );
    const server = await startHttpTransport({
      createServer: prepared.createServer,
      authToken: token,
      port: 0,
      host: '127.0.0.1',
      logger: createSilentServerLogger(),
    });
    servers.push(server);
    const target = [server.url, '--transport', 'http', '--header', `Authorization: Bearer ${token}`];
    const listed = await inspect(node, [...target, '--method', 'tools/list']);
    expect((listed.tools as Array<{ name: string }>).map((tool) => tool.name)).toContain(call.tool);
    const called = await inspect(node, [
      ...target,
      '--method',
      'tools/call',
      '--tool-name',
      call.tool,
      ...call.args.flatMap((arg) => ['--tool-arg', arg]),
    ]);
    expect(JSON.stringify(called.content)).toContain(call.expect);
  });

  describe('through the gateway', () => {
    type ListedTool = {
      name: string;
      outputSchema?: { type?: string; anyOf?: unknown[] };
      annotations?: { readOnlyHint?: boolean };
    };
    let readTools: ListedTool[] = [];
    let closeGateway: (() => Promise<void>) | undefined;

    beforeAll(async () => {
      const started = await startGatewayOverSandbox(sandbox, { healthCheckIntervalMs: 0 });
      closeGateway = started.close;
      const target = [
        started.gateway.url,
        '--transport',
        'http',
        '--header',
        `Authorization: Bearer ${started.gateway.token}`,
      ];
      const listed = await inspect(node, [...target, '--method', 'tools/list']);
      readTools = (listed.tools as ListedTool[]).filter((tool) => tool.annotations?.readOnlyHint === true);
    }, 120_000);
    afterAll(async () => {
      await closeGateway?.();
    });

    it('shows an outputSchema, with the instance field, on the read tools whose servers declare one', () => {
      for (const name of ['list_applications', 'find_workloads']) {
        const schema = readTools.find((tool) => tool.name === name)?.outputSchema;
        expect(schema?.type, name).toBe('object');
        expect(JSON.stringify(schema?.anyOf?.[0]), name).toContain('"instance"');
      }
    });

    it('shows an outputSchema on every read tool (lists the offenders)', () => {
      expect(readTools.length).toBeGreaterThan(10);
      const offenders = readTools.filter((tool) => tool.outputSchema === undefined).map((tool) => tool.name);
      expect(offenders, 'read tools without an outputSchema through the gateway').toEqual([]);
    });
  });
});
