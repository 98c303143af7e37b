import type { ChildProcess } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Agent } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../../bot/package-root.js';
import { sha256Hex } from '../../mcp-servers/gateway/index.js';
import {
  bearerTarget,
  freePort,
  load,
  openLoop,
  openSession,
  spawnLoggingToFile,
  spawnUntil,
  stats,
  stopAll,
  timedCall,
  type Stats,
  type Target,
} from './gateway-bench-client.js';
import { cliCommand, findNode24, majorOf, tsCommand, type Runtime } from './gateway-runtime.js';

/** One measured path of the overhead benchmark in one load mode. */
export interface PathResult {
  path: string;
  latency: Stats;
  rps: number;
}

/** One load mode: every path side by side; `direct` is the first. */
export interface OverheadResult {
  mode: string;
  paths: PathResult[];
  /** Open loop only: the offered rate and the generator's worst timer lag. */
  offeredRps?: number;
  maxLagMs?: number;
}

/** Settings of the overhead measurement. */
export interface OverheadOptions {
  requests: number;
  concurrency: number;
  openSeconds: number;
  openLoad: number;
  /** What the upstreams and proxies run on. */
  runtime: Runtime;
  /**
   * Node ≥ 22 binary for mcp-proxy; undefined = the runtime when ≥ 22, else one from `npx node@24`; '' = skip
   * mcp-proxy.
   */
  proxyNode: string | undefined;
  /** How the client talks to mcp-proxy: one MCP session (its default mode) or `--stateless`. */
  proxyMode: 'session' | 'stateless';
}

/** The overhead rows and, when mcp-proxy was left out, why. */
export interface OverheadReport {
  results: OverheadResult[];
  proxySkipped?: string;
  proxyNodeVersion?: string;
}

interface BenchPath {
  name: string;
  target: Target;
  args: Record<string, unknown>;
}

const STDIO_UPSTREAM = join(packageRoot(), 'test', 'bench', 'gateway-upstream-stdio.ts');

/** A Node ≥ 22 binary for mcp-proxy (its dependency pipenet requires it), or why there is none. */
function findProxyNode(option: string | undefined, runtime: Runtime): { node?: string; reason?: string } {
  if (!existsSync(join(packageRoot(), 'node_modules', 'mcp-proxy', 'package.json')))
    return { reason: 'mcp-proxy is not installed (npm ci)' };
  if (option === '') return { reason: 'skipped (--proxy-node "")' };
  if (option) return { node: option };
  if (majorOf(runtime.version) >= 22) return { node: runtime.node };
  const found = findNode24();
  return found.node
    ? found
    : { reason: `no Node ≥ 22 for mcp-proxy (${found.reason ?? 'unknown'}); pass --proxy-node PATH` };
}

/** Starts mcp-proxy (streamable HTTP, API key) over the stdio fake upstream; resolves once it answers a call. */
async function startMcpProxy(
  node: string,
  runtime: Runtime,
  mode: OverheadOptions['proxyMode'],
  apiKey: string,
): Promise<{ child: ChildProcess; target: Target }> {
  const port = await freePort();
  const bin = join(packageRoot(), 'node_modules', 'mcp-proxy', 'dist', 'bin', 'mcp-proxy.mjs');
  const stdio = tsCommand(runtime, STDIO_UPSTREAM);
  const args = [
    bin,
    '--port',
    String(port),
    '--host',
    '127.0.0.1',
    '--server',
    'stream',
    '--apiKey',
    apiKey,
    ...(mode === 'stateless' ? ['--stateless'] : []),
    '--',
    stdio.command,
    ...stdio.args,
  ];
  const { child } = await spawnUntil(node, args, { ...process.env }, 'stdout', /starting server on port/);
  let target: Target = { url: `http://127.0.0.1:${port}/mcp`, headers: { 'x-api-key': apiKey } };
  // It prints before it listens: retry until the port answers.
  for (let attempt = 0; ; attempt++) {
    try {
      if (mode === 'session') target = await openSession(target);
      await timedCall(target, 'list_things', {});
      return { child, target };
    } catch (error) {
      if (attempt > 100) {
        child.kill('SIGTERM');
        throw error;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

function merge(runs: Array<{ samples: number[]; seconds: number }>): { samples: number[]; seconds: number } {
  return { samples: runs.flatMap((run) => run.samples), seconds: runs.reduce((sum, run) => sum + run.seconds, 0) };
}

/**
 * The same trivial tools/call direct to an upstream, through `sre-bot gateway` (HTTP upstream and
 * stdio upstream) and through mcp-proxy (stdio upstream), each proxy and upstream in its own
 * process, interleaved round by round: sequential, saturated (closed loop) and open loop.
 */
export async function measureOverhead(options: OverheadOptions): Promise<OverheadReport> {
  const { requests, concurrency, openSeconds, openLoad, runtime } = options;
  const dir = mkdtempSync(join(tmpdir(), 'sre-bot-gateway-bench-'));
  const upstreamToken = randomBytes(24).toString('base64url');
  const callerToken = randomBytes(24).toString('base64url');
  const children: ChildProcess[] = [];
  try {
    const upstreamCommand = tsCommand(runtime, join(packageRoot(), 'test', 'bench', 'gateway-upstream-process.ts'));
    const upstream = await spawnUntil(
      upstreamCommand.command,
      upstreamCommand.args,
      { ...process.env, UPSTREAM_TOKEN: upstreamToken },
      'stdout',
      /^\{"url":"([^"]+)"\}$/,
    );
    const stdio = tsCommand(runtime, STDIO_UPSTREAM);
    children.push(upstream.child);
    const upstreamUrl = upstream.match[1] ?? '';
    const config = [
      'healthCheck: { intervalMs: 0 }',
      'upstreams:',
      `  - { kind: argocd, instance: argocd-1, url: "${upstreamUrl}", auth: { bearerTokenEnv: UPSTREAM_TOKEN }, ` +
        `labels: { env: bench } }`,
      `  - { kind: argocd, instance: argocd-stdio, command: ${JSON.stringify(stdio.command)}, args: ` +
        `${JSON.stringify(stdio.args)}, labels: { env: bench } }`,
      'callers:',
      `  - { principal: bench, tokenSha256: "${sha256Hex(callerToken)}" }`,
    ].join('\n');
    writeFileSync(join(dir, 'gateway.yaml'), config);
    // The gateway logs at info (one audit line per call, as deployed) to a file, not to a pipe this process must drain.
    const gatewayCommand = cliCommand(runtime, ['gateway', '--config', join(dir, 'gateway.yaml'), '--port', '0']);
    const gateway = await spawnLoggingToFile(
      gatewayCommand.command,
      gatewayCommand.args,
      { ...process.env, UPSTREAM_TOKEN: upstreamToken, LOG_LEVEL: 'info' },
      join(dir, 'gateway.log'),
      /listening on (http:\/\/\S+\/mcp)/,
    );
    children.push(gateway.child);
    const gatewayTarget = bearerTarget(gateway.match[1] ?? '', callerToken);
    const paths: BenchPath[] = [
      { name: 'direct (HTTP upstream)', target: bearerTarget(upstreamUrl, upstreamToken), args: {} },
      { name: 'gateway → HTTP upstream', target: gatewayTarget, args: { instance: 'argocd-1' } },
      { name: 'gateway → stdio upstream', target: gatewayTarget, args: { instance: 'argocd-stdio' } },
    ];
    const report: OverheadReport = { results: [] };
    const proxyNode = findProxyNode(options.proxyNode, runtime);
    if (proxyNode.node) {
      report.proxyNodeVersion = execFileSync(proxyNode.node, ['--version'], { encoding: 'utf8' }).trim();
      const proxy = await startMcpProxy(
        proxyNode.node,
        runtime,
        options.proxyMode,
        randomBytes(24).toString('base64url'),
      );
      children.push(proxy.child);
      paths.push({ name: `mcp-proxy (${options.proxyMode}) → stdio upstream`, target: proxy.target, args: {} });
    } else report.proxySkipped = proxyNode.reason ?? 'unknown';

    const closedAgent = new Agent({ keepAlive: true, maxSockets: concurrency, maxFreeSockets: concurrency });
    const callers = paths.map(
      (path) => async () => (await timedCall(path.target, 'list_things', path.args, closedAgent)).ms,
    );
    // Warm every path (JIT, connection pools) before measuring.
    for (const call of callers) await load(50, 1000, call);
    for (const [mode, width, total] of [
      ['sequential (closed loop)', 1, Math.min(requests, 1000)],
      [`${concurrency} clients, saturated (closed loop)`, concurrency, requests],
    ] as const) {
      // Interleave rounds so drift (GC, CPU frequency, neighbours) hits every path alike.
      const runs = paths.map(() => [] as Array<{ samples: number[]; seconds: number }>);
      for (let round = 0; round < 2; round++) {
        for (const [index, call] of callers.entries()) runs[index]?.push(await load(width, total / 2, call));
      }
      report.results.push({
        mode,
        paths: paths.map((path, index) => {
          const merged = merge(runs[index] ?? []);
          return { path: path.name, latency: stats(merged.samples), rps: merged.samples.length / merged.seconds };
        }),
      });
    }
    closedAgent.destroy();
    // Open loop at a rate every path sustains: a fraction of the slowest proxy's capacity just measured.
    const capacity = Math.min(...(report.results[1]?.paths.slice(1).map((path) => path.rps) ?? [0]));
    const rate = Math.max(10, Math.round((capacity * openLoad) / 10) * 10);
    const open = paths.map(() => [] as Array<{ samples: number[]; seconds: number }>);
    let maxLagMs = 0;
    for (let round = 0; round < 2; round++) {
      for (const [index, path] of paths.entries()) {
        const run = await openLoop(concurrency, rate, openSeconds / 2, (agent) =>
          timedCall(path.target, 'list_things', path.args, agent),
        );
        maxLagMs = Math.max(maxLagMs, run.maxLagMs);
        open[index]?.push(run);
      }
    }
    report.results.push({
      mode:
        `${concurrency} clients, open loop at ${rate} req/s (${Math.round(openLoad * 100)} % of the slowest ` +
        `proxy's capacity)`,
      paths: paths.map((path, index) => {
        const merged = merge(open[index] ?? []);
        return { path: path.name, latency: stats(merged.samples), rps: merged.samples.length / merged.seconds };
      }),
      offeredRps: rate,
      maxLagMs,
    });
    return report;
  } finally {
    await stopAll(children);
    rmSync(dir, { recursive: true, force: true });
  }
}
