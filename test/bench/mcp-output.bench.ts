import { copyFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { getEncoding } from 'js-tiktoken';
import { parse, stringify } from 'yaml';
import { packageRoot } from '../../bot/package-root.js';
import { listScenarioFiles, loadScenarioFile } from '../../evaluators/sandbox/scenario/load-scenario.js';
import type { Scenario } from '../../evaluators/sandbox/scenario/scenario-schema.js';
import { startSandbox } from '../../evaluators/sandbox/start-sandbox.js';
import { createArgocdServer } from '../../mcp-servers/argocd/server.js';
import { createKubernetesServer } from '../../mcp-servers/kubernetes/server.js';
import { createKyvernoServer } from '../../mcp-servers/kyverno/server.js';
import { planFor, type OurCall, type TheirCall } from './mcp-output-plans.js';

/** Where the benchmark writes; the CLI's CliIo fits (structural: test code must not import the CLI). */
export interface BenchIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

/** One scenario's measurement. */
export interface McpOutputRow {
  scenario: string;
  ourCalls: number;
  ourTokens: number;
  theirCalls: number;
  theirTokens: number;
  /** Root-cause facts missing from our answers (must be empty). */
  ourMissing: string[];
  theirMissing: string[];
}

const encoder = getEncoding('cl100k_base');

/** Tokens the model would read: every text part of the result. */
function tokensOf(text: string): number {
  return encoder.encode(text).length;
}

function textOf(result: CallToolResult): string {
  return result.content.map((part) => (part.type === 'text' ? part.text : JSON.stringify(part))).join('\n');
}

function pick(value: unknown, path: string): unknown {
  return path
    .split('.')
    .reduce<unknown>(
      (current, key) =>
        current && typeof current === 'object' ? (current as Record<string, unknown>)[key] : undefined,
      value,
    );
}

function missing(text: string, facts: readonly string[]): string[] {
  const lower = text.toLowerCase();
  return facts.filter((fact) => !lower.includes(fact.toLowerCase()));
}

async function inMemory(server: Server): Promise<Client> {
  const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
  await server.connect(serverTransport);
  const client = new Client({ name: 'bench', version: '1.0.0' });
  await client.connect(clientTransport);
  return client;
}

async function stdio(script: string, args: string[], env: Record<string, string>): Promise<Client> {
  const client = new Client({ name: 'bench', version: '1.0.0' });
  await client.connect(
    new StdioClientTransport({
      command: process.execPath,
      args: [script, ...args],
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
      stderr: 'ignore',
    }),
  );
  return client;
}

/** The least healthy pod of a workload from a peer `kubectl_get pods` JSON answer. */
function podFrom(text: string, workload: string): string | undefined {
  try {
    const items = (JSON.parse(text) as { items?: Array<{ name: string; status?: string }> }).items ?? [];
    const mine = items.filter((item) => item.name.startsWith(`${workload}-`));
    return (mine.find((item) => item.status !== 'Running') ?? mine[0])?.name;
  } catch {
    return undefined;
  }
}

/** Runs one scenario: our plan and the peers' plan against the same sandbox. */
export async function measureScenario(scenario: Scenario): Promise<McpOutputRow> {
  const root = packageRoot();
  const sandbox = await startSandbox({ scenario });
  const clients: Client[] = [];
  try {
    const instance = scenario.expect.app.instance;
    const app = scenario.argocd
      .find((candidate) => candidate.name === instance)
      ?.apps.find((candidate) => candidate.name === scenario.expect.app.name);
    const cluster = app?.destination.cluster ?? 'prod-eu';
    const namespace = app?.destination.namespace ?? 'default';
    const endpoint = sandbox.argocd.find((candidate) => candidate.name === instance);
    if (!endpoint) throw new Error(`scenario ${scenario.name}: no Argo CD ${instance}`);
    const plan = planFor(scenario.name, { app: scenario.expect.app.name, namespace, cluster });
    const kubeConfig = {
      kubeconfigPath: sandbox.kubeconfigPath,
      context: cluster,
      requestTimeoutMs: 10_000,
      logLevel: 'silent',
    };
    const now = () => sandbox.clock.now();
    const ours = {
      kubernetes: await inMemory(createKubernetesServer(kubeConfig, { now })),
      argocd: await inMemory(
        createArgocdServer(
          { url: endpoint.url, token: endpoint.token, requestTimeoutMs: 10_000, logLevel: 'silent' },
          { now },
        ),
      ),
      kyverno: await inMemory(createKyvernoServer(kubeConfig, { now })),
    };
    clients.push(...Object.values(ours));
    // mcp-server-kubernetes shells out to kubectl with the kubeconfig's current context; give it the scenario's
    // cluster.
    const kubeconfig = join(sandbox.workDir, `bench-kubeconfig-${cluster}`);
    await copyFile(sandbox.kubeconfigPath, kubeconfig);
    const parsed = parse(await readFile(kubeconfig, 'utf8')) as Record<string, unknown>;
    await writeFile(kubeconfig, stringify({ ...parsed, 'current-context': cluster }));
    const theirs = {
      'argocd-mcp': await stdio(join(root, 'node_modules', 'argocd-mcp', 'dist', 'index.js'), ['stdio'], {
        ARGOCD_BASE_URL: endpoint.url,
        ARGOCD_API_TOKEN: endpoint.token,
      }),
      'mcp-server-kubernetes': await stdio(
        join(root, 'node_modules', 'mcp-server-kubernetes', 'dist', 'index.js'),
        [],
        { KUBECONFIG: kubeconfig },
      ),
    };
    clients.push(...Object.values(theirs));

    const ourTexts: string[] = [];
    let previous: unknown;
    for (const step of plan.ours as OurCall[]) {
      const args = { ...step.args };
      for (const [name, path] of Object.entries(step.fromPrevious ?? {})) args[name] = pick(previous, path);
      const result = (await ours[step.server].callTool({ name: step.tool, arguments: args })) as CallToolResult;
      previous = result.structuredContent;
      ourTexts.push(textOf(result));
    }
    const theirTexts: string[] = [];
    let lastPods = '';
    for (const step of plan.theirs as TheirCall[]) {
      const args = { ...step.args };
      if (step.podOf) args.name = podFrom(lastPods, step.podOf) ?? step.podOf;
      const result = (await theirs[step.server].callTool({ name: step.tool, arguments: args })) as CallToolResult;
      const text = textOf(result);
      if (step.tool === 'kubectl_get' && args.resourceType === 'pods') lastPods = text;
      theirTexts.push(text);
    }
    const ourAll = ourTexts.join('\n');
    const theirAll = theirTexts.join('\n');
    return {
      scenario: scenario.name,
      ourCalls: plan.ours.length,
      ourTokens: tokensOf(ourAll),
      theirCalls: plan.theirs.length,
      theirTokens: tokensOf(theirAll),
      ourMissing: missing(ourAll, scenario.expect.rootCause),
      theirMissing: missing(theirAll, scenario.expect.rootCause),
    };
  } finally {
    for (const client of clients) await client.close().catch(() => undefined);
    await sandbox.close();
  }
}

/** Renders the side-by-side table with totals. */
export function formatTable(rows: readonly McpOutputRow[]): string {
  const header = [
    'scenario',
    'ours calls',
    'ours tokens',
    'peers calls',
    'peers tokens',
    'ours/peers',
    'root cause (ours)',
    'root cause (peers)',
  ];
  const facts = (missed: string[]) => (missed.length === 0 ? 'all' : `missing ${missed.join(', ')}`);
  const body = rows.map((row) => [
    row.scenario,
    String(row.ourCalls),
    String(row.ourTokens),
    String(row.theirCalls),
    String(row.theirTokens),
    `${Math.round((100 * row.ourTokens) / Math.max(1, row.theirTokens))}%`,
    facts(row.ourMissing),
    facts(row.theirMissing),
  ]);
  const ours = rows.reduce((sum, row) => sum + row.ourTokens, 0);
  const peers = rows.reduce((sum, row) => sum + row.theirTokens, 0);
  body.push([
    'TOTAL',
    String(rows.reduce((sum, row) => sum + row.ourCalls, 0)),
    String(ours),
    String(rows.reduce((sum, row) => sum + row.theirCalls, 0)),
    String(peers),
    `${Math.round((100 * ours) / Math.max(1, peers))}%`,
    `${rows.filter((row) => row.ourMissing.length === 0).length}/${rows.length}`,
    `${rows.filter((row) => row.theirMissing.length === 0).length}/${rows.length}`,
  ]);
  const lines = [
    `| ${header.join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...body.map((cells) => `| ${cells.join(' | ')} |`),
  ];
  return lines.join('\n');
}

/**
 * `npm run bench -- mcp-output [--scenario NAME]...`: for every sandbox scenario, the tokens
 * (cl100k_base) our servers return to answer it vs argocd-mcp + mcp-server-kubernetes for the
 * equivalent calls, side by side in one run, and whether each side's answers contain the
 * scenario's root-cause facts. Exit 1 when ours miss a fact or exceed 25 % of the peers' total.
 */
export async function runMcpOutputBenchmark(io: BenchIo, argv: string[]): Promise<number> {
  const wanted = argv.flatMap((arg, index) => (argv[index - 1] === '--scenario' ? [arg] : []));
  const files = await listScenarioFiles(join(packageRoot(), 'evaluators', 'scenarios'));
  const rows: McpOutputRow[] = [];
  for (const file of files) {
    const scenario = await loadScenarioFile(file);
    if (wanted.length > 0 && !wanted.includes(scenario.name)) continue;
    rows.push(await measureScenario(scenario));
    io.stderr.write(`measured ${scenario.name}\n`);
  }
  io.stdout.write(
    `MCP output tokens per scenario (js-tiktoken cl100k_base; text content the model reads)\n\n${formatTable(rows)}\n`,
  );
  const ours = rows.reduce((sum, row) => sum + row.ourTokens, 0);
  const peers = rows.reduce((sum, row) => sum + row.theirTokens, 0);
  const isWithinTarget = ours <= peers * 0.25;
  const isComplete = rows.every((row) => row.ourMissing.length === 0);
  io.stdout.write(
    `\nours ${ours} tokens vs peers ${peers} tokens = ${Math.round((100 * ours) / Math.max(1, peers))}% (target ` +
      `<= 25%: ${isWithinTarget ? 'met' : 'NOT met'}); root-cause facts in ours: ` +
      `${isComplete ? 'all scenarios' : 'MISSING in some'}\n`,
  );
  return isWithinTarget && isComplete ? 0 : 1;
}
