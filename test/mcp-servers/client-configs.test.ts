import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { remark } from 'remark';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createBotMcpServer } from '../../bot/mcp-server/bot-mcp-server.js';
import { startBotMcpHttp, type RunningBotMcpHttp } from '../../bot/mcp-server/http-endpoint.js';
import { investigateOutputSchema } from '../../bot/mcp-server/investigate-output.js';
import { packageRoot } from '../../bot/package-root.js';
import { createLogger } from '../../bot/telemetry/logger.js';
import { bundledScenario, startPipeline, type PipelineHarness } from '../support/pipeline.js';

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
const QUESTION = 'payments-api keeps restarting in prod-eu since this morning, what is wrong?';
const BOT_TOKEN = 'client-config-bot-token';

/** The README's placeholder URLs, and which running server each stands for. */
const PLACEHOLDER_URLS = { 'http://127.0.0.1:8080/mcp': 'gateway', 'http://127.0.0.1:8090/mcp': 'bot' } as const;

const stdioEntry = z.object({
  type: z.literal('stdio').optional(),
  command: z.string(),
  args: z.array(z.string()),
  env: z.record(z.string(), z.string()).default({}),
});
const remoteEntry = z.object({
  type: z.literal('http').optional(),
  url: z.string(),
  headers: z.record(z.string(), z.string()),
});
const entrySchema = z.union([stdioEntry, remoteEntry]);
type Entry = z.infer<typeof entrySchema>;

/** The JSON code blocks of the README's "MCP clients" section, by the client named in the fence (```json cursor). */
async function readmeConfigs(): Promise<Map<string, Record<string, Entry>>> {
  const tree = remark().parse(await readFile(join(root, 'README.md'), 'utf8'));
  const configs = new Map<string, Record<string, Entry>>();
  for (const node of tree.children) {
    if (node.type !== 'code' || node.lang !== 'json' || !node.meta) continue;
    const parsed = JSON.parse(node.value) as { mcpServers?: unknown; servers?: unknown };
    // VS Code names the map `servers`; the others `mcpServers`.
    configs.set(node.meta, z.record(z.string(), entrySchema).parse(parsed.mcpServers ?? parsed.servers));
  }
  return configs;
}

/** Which of our servers an entry starts or reaches. */
function serverOf(entry: Entry): string {
  if ('url' in entry) return PLACEHOLDER_URLS[entry.url as keyof typeof PLACEHOLDER_URLS] ?? `unknown url ${entry.url}`;
  if (entry.command === 'sre-bot' && entry.args[0] === 'mcp') return entry.args[1] ?? 'unknown';
  const url = entry.args.find((arg) => arg.startsWith('http'));
  return entry.command === 'npx' && entry.args.includes('mcp-remote') && url
    ? (PLACEHOLDER_URLS[url as keyof typeof PLACEHOLDER_URLS] ?? `unknown url ${url}`)
    : `unknown command ${entry.command}`;
}

/** The Inspector needs Node ≥ 22 (see inspector.test.ts): the registry's `node` package provides one. */
async function modernNode(): Promise<string> {
  if (Number(process.versions.node.split('.')[0]) >= 22) return process.execPath;
  const { stdout } = await run('npx', ['-y', 'node@24', '-e', 'console.log(process.execPath)'], { timeout: 180_000 });
  return stdout.trim().split('\n').at(-1) ?? '';
}

/**
 * Every configuration the README gives for Claude Desktop, Claude Code, Cursor and VS Code is run
 * with the MCP Inspector CLI against the sandbox estate: the entry is written as an Inspector config
 * file with only what a test must change replaced (the `sre-bot` and `mcp-remote` binaries by this
 * checkout's, placeholder values by the estate's), and must list its server's tools.
 */
describe('README MCP client configurations, run with the MCP Inspector CLI', () => {
  let node: string;
  let pipeline: PipelineHarness;
  let botHttp: RunningBotMcpHttp;
  let work: string;
  let configs: Map<string, Record<string, Entry>>;
  let values: Record<string, string>;
  const urls: Record<string, string> = {};
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    node = await modernNode();
    configs = await readmeConfigs();
    work = await mkdtemp(join(tmpdir(), 'sre-bot-client-configs-'));
    pipeline = await startPipeline(await bundledScenario('crash-missing-env'));
    const logger = createLogger({ level: 'silent' });
    botHttp = await startBotMcpHttp({
      createServer: () =>
        createBotMcpServer({
          services: () => Promise.resolve({ investigator: pipeline.investigator, catalog: pipeline.catalog }),
          logger,
          version: 'test',
        }),
      authToken: BOT_TOKEN,
      port: 0,
      logger,
    });
    const { sandbox, gateway } = pipeline.estate;
    urls.gateway = gateway.url;
    urls.bot = botHttp.url;
    tokens.gateway = gateway.token;
    tokens.bot = BOT_TOKEN;
    values = {
      GATEWAY_URL: gateway.url,
      GATEWAY_TOKEN: gateway.token,
      // Listing tools makes no model call; the key only has to be accepted by the configuration.
      ANTHROPIC_API_KEY: 'sk-ant-client-config-test',
      KUBECONFIG: sandbox.kubeconfigPath,
      KUBE_CONTEXT: 'prod-eu',
      ARGOCD_URL: sandbox.argocd[0]?.url ?? '',
      ARGOCD_TOKEN: sandbox.argocd[0]?.token ?? '',
    };
  }, 300_000);
  afterAll(async () => {
    await botHttp?.close();
    await pipeline?.close();
    if (work) await rm(work, { recursive: true, force: true });
  });

  /** The entry as the Inspector runs it here: local binaries, the estate's values, its own PGlite home. */
  function runnable(entry: Entry, home: string): Record<string, unknown> {
    if ('url' in entry) {
      const server = serverOf(entry);
      return { type: 'streamable-http', url: urls[server], headers: { Authorization: `Bearer ${tokens[server]}` } };
    }
    // No model endpoint is reachable from a test: a refused connection makes investigations triage at once.
    const env: Record<string, string> = {
      SRE_BOT_HOME: home,
      LOG_LEVEL: 'warn',
      ANTHROPIC_BASE_URL: 'http://127.0.0.1:9',
    };
    for (const key of Object.keys(entry.env)) {
      const value = values[key];
      if (value === undefined) throw new Error(`the README sets ${key}, which this test does not know how to fill`);
      env[key] = value;
    }
    if (entry.command === 'sre-bot')
      return { type: 'stdio', command: process.execPath, args: [join(root, 'bin', 'sre-bot.js'), ...entry.args], env };
    // npx -y mcp-remote URL ... → this checkout's mcp-remote, pointed at the running server.
    const server = serverOf(entry);
    const args = entry.args
      .filter((arg) => arg !== '-y' && arg !== 'mcp-remote')
      .map((arg) => (arg.startsWith('http') ? (urls[server] ?? arg) : arg));
    env[Object.keys(entry.env)[0] ?? 'GATEWAY_TOKEN'] = tokens[server] ?? '';
    return {
      type: 'stdio',
      command: process.execPath,
      args: [join(root, 'node_modules', 'mcp-remote', 'dist', 'proxy.js'), ...args],
      env: { ...env, MCP_REMOTE_CONFIG_DIR: join(home, 'mcp-remote') },
    };
  }

  async function inspect(entry: Entry, label: string, method: string[]): Promise<Record<string, unknown>> {
    const home = await mkdtemp(join(work, 'home-'));
    const file = join(work, `${label.replace(/[^a-z0-9-]/gi, '-')}.json`);
    await writeFile(file, JSON.stringify({ mcpServers: { [label]: runnable(entry, home) } }));
    // The bot opens its store and skills before it answers initialize: slow on a busy machine.
    const args = [inspector, '--cli', '--connect-timeout', '150000', '--config', file, '--server', label, ...method];
    const { stdout } = await run(node, args, {
      cwd: root,
      env: { ...process.env, MCP_INSPECTOR_SECRET_STORE: 'memory' },
      timeout: 240_000,
      maxBuffer: 16 * 1024 * 1024,
    });
    return JSON.parse(stdout) as Record<string, unknown>;
  }

  const expectedTool: Record<string, string> = {
    bot: 'investigate',
    gateway: 'list_applications',
    kubernetes: 'describe_workload',
    kyverno: 'list_policies',
    argocd: 'get_application',
  };

  it('gives a configuration for every client, each covering every server we ship', () => {
    expect([...configs.keys()].sort()).toEqual(['claude-code', 'claude-desktop', 'cursor', 'vscode']);
    for (const [client, entries] of configs) {
      const servers = new Set(Object.values(entries).map(serverOf));
      expect([...servers].sort(), client).toEqual(['argocd', 'bot', 'gateway', 'kubernetes', 'kyverno']);
    }
  });

  it('runs every distinct entry: tools/list shows the tools of its server', async () => {
    // Identical entries (the same stdio entry in three clients' files) are run once.
    const distinct = new Map<string, { label: string; entry: Entry }>();
    for (const [client, entries] of configs)
      for (const [name, entry] of Object.entries(entries)) {
        const { type: _type, ...shape } = entry;
        const key = JSON.stringify({ ...shape, ...('env' in shape ? { env: Object.keys(shape.env).sort() } : {}) });
        if (!distinct.has(key)) distinct.set(key, { label: `${client}-${name}`, entry });
      }
    expect(distinct.size).toBeGreaterThanOrEqual(7);
    for (const { label, entry } of distinct.values()) {
      const listed = await inspect(entry, label, ['--method', 'tools/list']);
      const names = (listed.tools as Array<{ name: string }>).map((tool) => tool.name);
      expect(names, label).toContain(expectedTool[serverOf(entry)]);
    }
  }, 900_000);

  it.each(['stdio', 'http'])(
    'investigate on the bot server over %s answers with structured content',
    async (transport) => {
      const vscode = configs.get('vscode') ?? {};
      const entry = transport === 'stdio' ? vscode['sre-bot'] : vscode['sre-bot-remote'];
      if (!entry) throw new Error(`the VS Code configuration has no ${transport} bot entry`);
      const called = await inspect(entry, `bot-${transport}`, [
        '--method',
        'tools/call',
        '--tool-name',
        'investigate',
        '--tool-arg',
        `question=${QUESTION}`,
      ]);
      const output = investigateOutputSchema.parse(called.structuredContent);
      expect(output.outcome).toBe('answer');
      // Triage or model, the answer is about the crashing workload (its detail depends on the estate's timing).
      expect(output.answer?.rootCause).toContain('payments-api');
    },
    300_000,
  );
});
