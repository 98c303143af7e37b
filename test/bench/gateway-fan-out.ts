import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { packageRoot } from '../../bot/package-root.js';
import { startSandbox } from '../../evaluators/sandbox/start-sandbox.js';
import { startGatewayOverSandbox } from '../../evaluators/sandbox/with-gateway.js';
import { sha256Hex } from '../../mcp-servers/gateway/index.js';
import {
  bearerTarget,
  processCpuMs,
  spawnLoggingToFile,
  spawnUntil,
  stats,
  stopAll,
  timedCall,
  timedGet,
  type Stats,
  type Target,
} from './gateway-bench-client.js';
import { cliCommand, tsCommand, type Runtime } from './gateway-runtime.js';

/** Fan-out of list_applications vs the same calls made directly. */
export interface FanOutResult {
  topology: string;
  /** Node version the gateway, MCP servers and estate ran on. */
  runtime: string;
  instances: number;
  /** The slowest instance's median single direct call. */
  slowestSingle: number;
  /** Median single direct call, over instances. */
  medianSingle: number;
  parallelDirect: Stats;
  /** The 40 Argo CD list calls themselves, in parallel from the client (no MCP): the backends' floor. */
  parallelBackend: Stats;
  fanOut: Stats;
  answered: number;
  /** CPU ms per round by process group (separate processes only): one gateway fan-out, and the 40 direct calls. */
  cpu?: { fanOut: Record<string, number>; direct: Record<string, number> };
}

/** Child processes whose CPU time is attributed to one role. */
interface CpuGroup {
  name: string;
  pids: number[];
}

/** CPU ms per run of `work` for each group (and this process, as `client`), over `rounds` runs. */
async function cpuPerRound(
  groups: CpuGroup[],
  rounds: number,
  work: () => Promise<unknown>,
): Promise<Record<string, number>> {
  const read = () => groups.map((group) => group.pids.reduce((sum, pid) => sum + processCpuMs(pid), 0));
  const before = read();
  const client = process.cpuUsage();
  for (let round = 0; round < rounds; round++) await work();
  const used = process.cpuUsage(client);
  const after = read();
  const result: Record<string, number> = { client: (used.user + used.system) / 1000 / rounds };
  for (const [index, group] of groups.entries())
    result[group.name] = ((after[index] ?? 0) - (before[index] ?? 0)) / rounds;
  return result;
}

/** A dead instance's first fan-out vs fan-outs once its circuit is open. */
export interface DownResult {
  timeoutMs: number;
  first: number;
  firstUnreachable: string[];
  afterOpen: Stats;
}

interface FanOutTargets {
  gateway: Target;
  upstreams: Target[];
  /** Argo CD `GET /api/v1/applications` of each instance. */
  backends: Target[];
  /** Separate processes only: whose CPU to account per round. */
  cpuGroups?: CpuGroup[];
}

function backendTargets(endpoints: Array<{ url: string; token: string }>): Target[] {
  return endpoints.map((endpoint) =>
    bearerTarget(`${endpoint.url.replace(/\/+$/, '')}/api/v1/applications`, endpoint.token),
  );
}

/** Single calls per instance for the slowest-single-call baseline. */
const SINGLE_SAMPLES = 5;

async function measure(
  topology: string,
  runtime: string,
  targets: FanOutTargets,
  rounds: number,
): Promise<FanOutResult> {
  const { gateway, upstreams, backends } = targets;
  // Warm every process up (JIT tiers, connection pools) so the rounds measure steady state, as a long-running
  // deployment sees it.
  for (let round = 0; round < 20; round++) {
    await timedCall(gateway, 'list_applications', {});
    await Promise.all(upstreams.map((upstream) => timedCall(upstream, 'list_applications', {})));
    await Promise.all(backends.map((backend) => timedGet(backend)));
  }
  // Slowest single: each instance asked alone, one at a time, 5 times in round-robin (so drift hits every instance
  // alike); the instance with the highest median wins.
  const samples: number[][] = upstreams.map(() => []);
  for (let round = 0; round < SINGLE_SAMPLES; round++) {
    for (const [index, upstream] of upstreams.entries())
      samples[index]?.push((await timedCall(upstream, 'list_applications', {})).ms);
  }
  const perInstance = samples.map((instanceSamples) => stats(instanceSamples).p50);
  const parallel: number[] = [];
  const parallelBackend: number[] = [];
  const fanOut: number[] = [];
  let answered = 0;
  for (let round = 0; round < rounds; round++) {
    const b = performance.now();
    await Promise.all(backends.map((backend) => timedGet(backend)));
    parallelBackend.push(performance.now() - b);
    const t = performance.now();
    await Promise.all(upstreams.map((upstream) => timedCall(upstream, 'list_applications', {})));
    parallel.push(performance.now() - t);
    const { ms, result } = await timedCall(gateway, 'list_applications', {});
    fanOut.push(ms);
    answered = (result.structuredContent as { results: unknown[] }).results.length;
  }
  // CPU accounting in a pass of its own (clock ticks: 10 ms resolution, so at least 30 rounds).
  const cpu = targets.cpuGroups
    ? {
        fanOut: await cpuPerRound(targets.cpuGroups, Math.max(30, rounds), () =>
          timedCall(gateway, 'list_applications', {}),
        ),
        direct: await cpuPerRound(targets.cpuGroups, Math.max(30, rounds), () =>
          Promise.all(upstreams.map((upstream) => timedCall(upstream, 'list_applications', {}))),
        ),
      }
    : undefined;
  return {
    ...(cpu ? { cpu } : {}),
    topology,
    runtime,
    instances: upstreams.length,
    slowestSingle: Math.max(...perInstance),
    medianSingle: stats(perInstance).p50,
    parallelDirect: stats(parallel),
    parallelBackend: stats(parallelBackend),
    fanOut: stats(fanOut),
    answered,
  };
}

/** The estate, its MCP servers and the gateway, each outside this process, as deployed. */
interface ProcessTopology {
  targets: FanOutTargets;
  close: () => Promise<void>;
}

/**
 * Starts the production shape: the fake Argo CDs in one child (standing in for remote servers),
 * the argocd MCP servers in `serverProcesses` children (instances split evenly), and
 * `sre-bot gateway` in its own process over them (logging every audit line at info to a file).
 */
async function startProcessTopology(settings: {
  runtime: Runtime;
  instances: number;
  latencyMs: number;
  serverProcesses: number;
  timeoutMs: number;
  down?: string;
  circuit?: { failureThreshold: number; cooldownMs: number };
}): Promise<ProcessTopology> {
  const dir = mkdtempSync(join(tmpdir(), 'sre-bot-gateway-fan-out-'));
  const children: ChildProcess[] = [];
  const close = async () => {
    await stopAll(children);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const bench = join(packageRoot(), 'test', 'bench');
    const estateCommand = tsCommand(settings.runtime, join(bench, 'gateway-fan-out-estate.ts'));
    const estate = await spawnUntil(
      estateCommand.command,
      estateCommand.args,
      {
        ...process.env,
        BENCH_INSTANCES: String(settings.instances),
        BENCH_LATENCY_MS: String(settings.latencyMs),
        BENCH_DOWN: settings.down ?? '',
      },
      'stdout',
      /^(\{"argocd".*)$/,
    );
    children.push(estate.child);
    const endpoints = (
      JSON.parse(estate.match[1] ?? '{}') as { argocd: Array<{ name: string; url: string; token: string }> }
    ).argocd;
    const count = Math.max(1, Math.min(settings.serverProcesses, endpoints.length));
    const slices = Array.from({ length: count }, (_, index) =>
      endpoints.filter((_endpoint, position) => position % count === index),
    );
    const serversCommand = tsCommand(settings.runtime, join(bench, 'gateway-fan-out-servers.ts'));
    const started = await Promise.all(
      slices.map((slice) =>
        spawnUntil(
          serversCommand.command,
          serversCommand.args,
          { ...process.env, BENCH_ARGOCD: JSON.stringify(slice), BENCH_TIMEOUT_MS: String(settings.timeoutMs) },
          'stdout',
          /^(\{"servers".*)$/,
        ),
      ),
    );
    children.push(...started.map((child) => child.child));
    const servers = started
      .flatMap(
        (child) =>
          (JSON.parse(child.match[1] ?? '{}') as { servers: Array<{ instance: string; url: string; token: string }> })
            .servers,
      )
      .sort((a, b) => a.instance.localeCompare(b.instance, 'en', { numeric: true }));
    const callerToken = randomBytes(24).toString('base64url');
    const env: Record<string, string> = {};
    const config = {
      healthCheck: { intervalMs: 0 },
      timeouts: { callMs: settings.timeoutMs },
      ...(settings.circuit ? { circuitBreaker: settings.circuit } : {}),
      upstreams: servers.map((server, index) => {
        env[`UPSTREAM_${index}`] = server.token;
        return {
          kind: 'argocd',
          instance: server.instance,
          url: server.url,
          auth: { bearerTokenEnv: `UPSTREAM_${index}` },
          labels: { env: 'bench' },
        };
      }),
      callers: [{ principal: 'bench', tokenSha256: sha256Hex(callerToken) }],
    };
    writeFileSync(join(dir, 'gateway.yaml'), stringify(config));
    // BENCH_GATEWAY_NODE_ARGS (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`) profiles the gateway process alone.
    const nodeArgs = (process.env.BENCH_GATEWAY_NODE_ARGS ?? '').split(' ').filter(Boolean);
    const gatewayCommand = cliCommand(settings.runtime, [
      'gateway',
      '--config',
      join(dir, 'gateway.yaml'),
      '--port',
      '0',
    ]);
    const gateway = await spawnLoggingToFile(
      gatewayCommand.command,
      [...nodeArgs, ...gatewayCommand.args],
      { ...process.env, ...env, LOG_LEVEL: 'info' },
      join(dir, 'gateway.log'),
      /listening on (http:\/\/\S+\/mcp)/,
    );
    children.push(gateway.child);
    const byName = new Map(endpoints.map((endpoint) => [endpoint.name, endpoint]));
    const backends = backendTargets(servers.map((server) => byName.get(server.instance) ?? { url: '', token: '' }));
    const pids = (children: ChildProcess[]) => children.map((child) => child.pid ?? 0).filter((pid) => pid > 0);
    const cpuGroups: CpuGroup[] = [
      { name: 'gateway', pids: pids([gateway.child]) },
      { name: 'MCP servers', pids: pids(started.map((child) => child.child)) },
      { name: 'Argo CDs', pids: pids([estate.child]) },
    ];
    return {
      targets: {
        gateway: bearerTarget(gateway.match[1] ?? '', callerToken),
        upstreams: servers.map((server) => bearerTarget(server.url, server.token)),
        backends,
        cpuGroups,
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/** Fan-out with the gateway, the MCP servers and the fake Argo CDs each in their own processes. */
export async function measureFanOutProcesses(
  runtime: Runtime,
  instances: number,
  rounds: number,
  serverProcesses: number,
): Promise<FanOutResult> {
  const topology = await startProcessTopology({ runtime, instances, latencyMs: 20, serverProcesses, timeoutMs: 5000 });
  try {
    return await measure(
      `processes: estate | ${serverProcesses} MCP-server process(es) | gateway | client`,
      runtime.version,
      topology.targets,
      rounds,
    );
  } finally {
    await topology.close();
  }
}

/** Fan-out with the estate, the MCP servers and the gateway all in this process (one event loop). */
export async function measureFanOutInProcess(instances: number, rounds: number): Promise<FanOutResult> {
  const sandbox = await startSandbox({ argocdInstances: instances, clusters: 1, apps: instances * 2, latencyMs: 20 });
  const started = await startGatewayOverSandbox(sandbox, { callTimeoutMs: 5000, healthCheckIntervalMs: 0 });
  try {
    const upstreams = started.upstreams
      .filter((upstream) => upstream.kind === 'argocd')
      .map((upstream) => bearerTarget(upstream.url, upstream.token));
    return await measure(
      'one process (estate, MCP servers, gateway and client share an event loop)',
      process.version,
      {
        gateway: bearerTarget(started.gateway.url, started.gateway.token),
        upstreams,
        backends: backendTargets(sandbox.argocd),
      },
      rounds,
    );
  } finally {
    await started.close();
    await sandbox.close();
  }
}

/**
 * One instance accepts connections but never answers; the gateway's timeout is 2 s and its circuit opens after 1
 * failure.
 */
export async function measureDown(
  runtime: Runtime,
  instances: number,
  rounds: number,
  serverProcesses: number,
): Promise<DownResult> {
  const timeoutMs = 2000;
  const down = `argocd-${instances}`;
  const topology = await startProcessTopology({
    runtime,
    instances,
    latencyMs: 20,
    serverProcesses,
    timeoutMs,
    down,
    circuit: { failureThreshold: 1, cooldownMs: 600_000 },
  });
  try {
    const { gateway } = topology.targets;
    // Warm the healthy instances only, so the first full fan-out is the first to meet the dead one.
    for (let round = 0; round < 3; round++) await timedCall(gateway, 'list_applications', { instance: 'argocd-1' });
    const first = await timedCall(gateway, 'list_applications', {});
    const firstUnreachable = (
      first.result.structuredContent as { unreachable: Array<{ instance: string }> }
    ).unreachable.map((item) => item.instance);
    // Warm up as the healthy measurement does (JIT tiers, pools of all 39 live instances), so the open-circuit figure
    // compares with it.
    for (let round = 0; round < 20; round++) await timedCall(gateway, 'list_applications', {});
    const afterOpen: number[] = [];
    for (let round = 0; round < rounds; round++) afterOpen.push((await timedCall(gateway, 'list_applications', {})).ms);
    return { timeoutMs, first: first.ms, firstUnreachable, afterOpen: stats(afterOpen) };
  } finally {
    await topology.close();
  }
}
