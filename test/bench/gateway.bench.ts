import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { packageRoot } from '../../bot/package-root.js';
import { sha256Hex } from '../../mcp-servers/gateway/index.js';
import { startSandbox } from '../../evaluators/sandbox/start-sandbox.js';
import { startGatewayOverSandbox } from '../../evaluators/sandbox/with-gateway.js';

/**
 * `npm run bench -- gateway`: what the MCP gateway costs, side by side in one run.
 * 1. Overhead: the same tools/call direct to an upstream vs through the gateway (`sre-bot gateway`,
 *    own process, audit log to a file; upstream in another process), interleaved:
 *    - sequential (one client, closed loop): p50/p99 added;
 *    - saturation (200 clients, closed loop): req/s of each path (a throughput figure; latencies
 *      there are queueing);
 *    - open loop (200 clients, each on its own keep-alive connection, together sending a fixed
 *      rate of 50 % of the gateway's measured capacity to both paths): p50/p99 added when the box
 *      is not saturated.
 * 2. Fan-out: list_applications over 40 sandbox Argo CD instances (20 ms API latency) vs the
 *    slowest single direct call.
 * 3. One instance down (2 s timeout): the first fan-out vs fan-outs once its circuit is open.
 * Options: --requests N (per saturation run, default 4000), --concurrency N (200), --open-seconds N
 * (per path, 6), --open-load F (fraction of gateway capacity, 0.5), --instances N (40), --rounds N
 * (fan-out rounds, 15), --only overhead|fan-out|down, --json.
 */

interface Stats {
  p50: number;
  p99: number;
  mean: number;
  count: number;
}

function stats(samples: number[]): Stats {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
  return { p50: at(0.5), p99: at(0.99), mean: sorted.reduce((sum, value) => sum + value, 0) / Math.max(1, sorted.length), count: sorted.length };
}

let rpcId = 0;
/** Keep-alive pool of the fan-out measurements (the overhead runs give each client its own). */
const sharedAgent = new Agent({ keepAlive: true, maxSockets: 256, maxFreeSockets: 256 });

type CallResult = { isError?: boolean; structuredContent?: unknown };

/**
 * One stateless JSON-RPC tools/call over node:http (cheaper for the load generator than fetch,
 * which shares the two cores with what it measures); returns milliseconds from the call.
 */
function timedCall(url: string, token: string, name: string, args: Record<string, unknown>, agent: Agent = sharedAgent): Promise<{ ms: number; result: CallResult }> {
  const body = JSON.stringify({ jsonrpc: '2.0', id: ++rpcId, method: 'tools/call', params: { name, arguments: args } });
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        agent,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.once('error', reject);
        res.once('end', () => {
          const ms = performance.now() - started;
          try {
            const json = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { result?: CallResult; error?: { message: string } };
            if (json.error || !json.result) throw new Error(`${name} failed: ${json.error?.message ?? res.statusCode}`);
            resolve({ ms, result: json.result });
          } catch (error) {
            reject(error instanceof Error ? error : new Error(String(error)));
          }
        });
      },
    );
    req.once('error', reject);
    req.end(body);
  });
}

async function load(concurrency: number, total: number, call: () => Promise<number>): Promise<{ samples: number[]; seconds: number }> {
  const samples: number[] = [];
  let issued = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (issued < total) {
        issued += 1;
        samples.push(await call());
      }
    }),
  );
  return { samples, seconds: (performance.now() - started) / 1000 };
}

/**
 * Open loop: `clients` callers, each with its own connection, together start `rate` calls per
 * second on a fixed schedule (round-robin over the clients) for `seconds`, whether or not earlier
 * calls have finished. Latency runs from the scheduled start, so a call that waits for its
 * client's busy connection, or for a late timer, is charged that wait (no coordinated omission).
 */
async function openLoop(clients: number, rate: number, seconds: number, call: (agent: Agent) => Promise<unknown>): Promise<{ samples: number[]; seconds: number; maxLagMs: number }> {
  const agents = Array.from({ length: clients }, () => new Agent({ keepAlive: true, maxSockets: 1 }));
  // Open every client's connection first, as long-lived clients would have.
  await Promise.all(agents.map((agent) => call(agent)));
  const total = Math.round(rate * seconds);
  const interval = 1000 / rate;
  const samples: number[] = [];
  const pending: Promise<void>[] = [];
  let sent = 0;
  let maxLagMs = 0;
  const started = performance.now();
  await new Promise<void>((resolve) => {
    const tick = (): void => {
      const now = performance.now();
      while (sent < total && started + sent * interval <= now) {
        const scheduled = started + sent * interval;
        maxLagMs = Math.max(maxLagMs, now - scheduled);
        const agent = agents[sent % clients] as Agent;
        pending.push(call(agent).then(() => void samples.push(performance.now() - scheduled)));
        sent += 1;
      }
      if (sent < total) setTimeout(tick, Math.max(0, started + sent * interval - performance.now()));
      else resolve();
    };
    tick();
  });
  await Promise.all(pending);
  const elapsed = (performance.now() - started) / 1000;
  for (const agent of agents) agent.destroy();
  return { samples, seconds: elapsed, maxLagMs };
}

function tsx(): string {
  return join(packageRoot(), 'node_modules', '.bin', 'tsx');
}

/** Spawns a process and resolves with the first stdout/stderr line matching `pattern`. */
function spawnUntil(command: string, args: string[], env: NodeJS.ProcessEnv, stream: 'stdout' | 'stderr', pattern: RegExp): Promise<{ child: ChildProcess; match: RegExpExecArray }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const lines = createInterface({ input: stream === 'stdout' ? child.stdout : child.stderr });
    const other = stream === 'stdout' ? child.stderr : child.stdout;
    other.resume();
    let seen = '';
    lines.on('line', (line) => {
      const match = pattern.exec(line);
      if (match) {
        // Keep draining so a chatty child never blocks on a full pipe.
        lines.removeAllListeners('line');
        lines.on('line', () => undefined);
        resolve({ child, match });
      } else seen += `${line}\n`;
    });
    child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code}:\n${seen.slice(-2000)}`)));
  });
}

/** Spawns a process whose stderr goes to `logPath`, resolving once a line of it matches `pattern`. */
async function spawnLoggingToFile(command: string, args: string[], env: NodeJS.ProcessEnv, logPath: string, pattern: RegExp): Promise<{ child: ChildProcess; match: RegExpExecArray }> {
  const fd = openSync(logPath, 'w');
  const child = spawn(command, args, { env, stdio: ['ignore', 'ignore', fd] });
  closeSync(fd);
  let exited: number | null | undefined;
  child.once('exit', (code) => {
    exited = code;
  });
  for (let waited = 0; waited < 60_000; waited += 50) {
    const match = pattern.exec(readFileSync(logPath, 'utf8'));
    if (match) return { child, match };
    if (exited !== undefined) throw new Error(`${args.join(' ')} exited with ${exited}:\n${readFileSync(logPath, 'utf8').slice(-2000)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  child.kill('SIGTERM');
  throw new Error(`${args.join(' ')} did not start within 60 s`);
}

interface OverheadResult {
  mode: string;
  direct: Stats;
  gateway: Stats;
  directRps: number;
  gatewayRps: number;
  /** Open loop only: the offered rate and the generator's worst timer lag. */
  offeredRps?: number;
  maxLagMs?: number;
}

interface OverheadOptions {
  requests: number;
  concurrency: number;
  openSeconds: number;
  openLoad: number;
}

async function measureOverhead({ requests, concurrency, openSeconds, openLoad }: OverheadOptions): Promise<OverheadResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'sre-bot-gateway-bench-'));
  const upstreamToken = randomBytes(24).toString('base64url');
  const callerToken = randomBytes(24).toString('base64url');
  const children: ChildProcess[] = [];
  try {
    const upstream = await spawnUntil(tsx(), [join(packageRoot(), 'test', 'bench', 'gateway-upstream-process.ts')], { ...process.env, UPSTREAM_TOKEN: upstreamToken }, 'stdout', /^\{"url":"([^"]+)"\}$/);
    children.push(upstream.child);
    const upstreamUrl = upstream.match[1] ?? '';
    const config = [
      'healthCheck: { intervalMs: 0 }',
      'upstreams:',
      `  - { kind: argocd, instance: argocd-1, url: "${upstreamUrl}", auth: { bearerTokenEnv: UPSTREAM_TOKEN }, labels: { env: bench } }`,
      'callers:',
      `  - { principal: bench, tokenSha256: "${sha256Hex(callerToken)}" }`,
    ].join('\n');
    writeFileSync(join(dir, 'gateway.yaml'), config);
    // The gateway logs at info (one audit line per call, as deployed) to a file, not to a pipe this process must drain.
    const gateway = await spawnLoggingToFile(
      process.execPath,
      [join(packageRoot(), 'bin', 'sre-bot.js'), 'gateway', '--config', join(dir, 'gateway.yaml'), '--port', '0'],
      { ...process.env, UPSTREAM_TOKEN: upstreamToken, LOG_LEVEL: 'info' },
      join(dir, 'gateway.log'),
      /listening on (http:\/\/\S+\/mcp)/,
    );
    children.push(gateway.child);
    const gatewayUrl = gateway.match[1] ?? '';
    const closedAgent = new Agent({ keepAlive: true, maxSockets: concurrency, maxFreeSockets: concurrency });
    const direct = async () => (await timedCall(upstreamUrl, upstreamToken, 'list_things', {}, closedAgent)).ms;
    const through = async () => (await timedCall(gatewayUrl, callerToken, 'list_things', { instance: 'argocd-1' }, closedAgent)).ms;
    // Warm both paths (JIT, connection pools) before measuring.
    await load(50, 1000, direct);
    await load(50, 1000, through);
    const results: OverheadResult[] = [];
    const merge = (runs: Array<{ samples: number[]; seconds: number }>) => ({ samples: runs.flatMap((run) => run.samples), seconds: runs.reduce((sum, run) => sum + run.seconds, 0) });
    for (const [mode, width, total] of [
      ['sequential (closed loop)', 1, Math.min(requests, 1000)],
      [`${concurrency} clients, saturated (closed loop)`, concurrency, requests],
    ] as const) {
      // Interleave rounds so drift (GC, CPU frequency, neighbours) hits both sides alike.
      const directRuns: Array<{ samples: number[]; seconds: number }> = [];
      const gatewayRuns: Array<{ samples: number[]; seconds: number }> = [];
      for (let round = 0; round < 2; round++) {
        directRuns.push(await load(width, total / 2, direct));
        gatewayRuns.push(await load(width, total / 2, through));
      }
      const d = merge(directRuns);
      const g = merge(gatewayRuns);
      results.push({ mode, direct: stats(d.samples), gateway: stats(g.samples), directRps: d.samples.length / d.seconds, gatewayRps: g.samples.length / g.seconds });
    }
    closedAgent.destroy();
    // Open loop at a rate both paths sustain: a fraction of the gateway's capacity just measured.
    const capacity = results[1]?.gatewayRps ?? 0;
    const rate = Math.max(10, Math.round((capacity * openLoad) / 10) * 10);
    const directOpen: Array<{ samples: number[]; seconds: number }> = [];
    const gatewayOpen: Array<{ samples: number[]; seconds: number }> = [];
    let maxLagMs = 0;
    for (let round = 0; round < 2; round++) {
      for (const [runs, url, token, args] of [
        [directOpen, upstreamUrl, upstreamToken, {}],
        [gatewayOpen, gatewayUrl, callerToken, { instance: 'argocd-1' }],
      ] as const) {
        const run = await openLoop(concurrency, rate, openSeconds / 2, (agent) => timedCall(url, token, 'list_things', args, agent));
        maxLagMs = Math.max(maxLagMs, run.maxLagMs);
        runs.push(run);
      }
    }
    const d = merge(directOpen);
    const g = merge(gatewayOpen);
    results.push({
      mode: `${concurrency} clients, open loop at ${rate} req/s (${Math.round(openLoad * 100)} % of gateway capacity)`,
      direct: stats(d.samples),
      gateway: stats(g.samples),
      directRps: d.samples.length / d.seconds,
      gatewayRps: g.samples.length / g.seconds,
      offeredRps: rate,
      maxLagMs,
    });
    return results;
  } finally {
    for (const child of children) child.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}

interface FanOutResult {
  instances: number;
  slowestSingle: number;
  parallelDirect: Stats;
  fanOut: Stats;
  answered: number;
}

async function measureFanOut(instances: number, rounds: number): Promise<FanOutResult> {
  const sandbox = await startSandbox({ argocdInstances: instances, clusters: 1, apps: instances * 2, latencyMs: 20 });
  const started = await startGatewayOverSandbox(sandbox, { callTimeoutMs: 5000, healthCheckIntervalMs: 0 });
  try {
    const argocd = started.upstreams.filter((upstream) => upstream.kind === 'argocd');
    const { url, token } = started.gateway;
    for (let round = 0; round < 3; round++) await timedCall(url, token, 'list_applications', {});
    // Slowest single: each instance asked alone (median of 3), the slowest instance wins.
    const perInstance: number[] = [];
    for (const upstream of argocd) {
      const samples: number[] = [];
      for (let round = 0; round < 3; round++) samples.push((await timedCall(upstream.url, upstream.token, 'list_applications', {})).ms);
      perInstance.push(stats(samples).p50);
    }
    const parallel: number[] = [];
    const fanOut: number[] = [];
    let answered = 0;
    for (let round = 0; round < rounds; round++) {
      const t = performance.now();
      await Promise.all(argocd.map((upstream) => timedCall(upstream.url, upstream.token, 'list_applications', {})));
      parallel.push(performance.now() - t);
      const { ms, result } = await timedCall(url, token, 'list_applications', {});
      fanOut.push(ms);
      answered = (result.structuredContent as { results: unknown[] }).results.length;
    }
    return { instances: argocd.length, slowestSingle: Math.max(...perInstance), parallelDirect: stats(parallel), fanOut: stats(fanOut), answered };
  } finally {
    await started.close();
    await sandbox.close();
  }
}

interface DownResult {
  timeoutMs: number;
  first: number;
  firstUnreachable: string[];
  afterOpen: Stats;
}

async function measureDown(instances: number, rounds: number): Promise<DownResult> {
  const timeoutMs = 2000;
  const down = `argocd-${instances}`;
  const sandbox = await startSandbox({ argocdInstances: instances, clusters: 1, apps: instances * 2, latencyMs: 20, down: [down] });
  const started = await startGatewayOverSandbox(sandbox, { callTimeoutMs: timeoutMs, healthCheckIntervalMs: 0, overrides: { circuitBreaker: { failureThreshold: 1, cooldownMs: 600_000 } } });
  try {
    const { url, token } = started.gateway;
    // Warm the healthy instances only, so the first full fan-out is the first to meet the dead one.
    for (let round = 0; round < 3; round++) await timedCall(url, token, 'list_applications', { instance: 'argocd-1' });
    const first = await timedCall(url, token, 'list_applications', {});
    const firstUnreachable = (first.result.structuredContent as { unreachable: Array<{ instance: string }> }).unreachable.map((item) => item.instance);
    const afterOpen: number[] = [];
    for (let round = 0; round < rounds; round++) afterOpen.push((await timedCall(url, token, 'list_applications', {})).ms);
    return { timeoutMs, first: first.ms, firstUnreachable, afterOpen: stats(afterOpen) };
  } finally {
    await started.close();
    await sandbox.close();
  }
}

const ms = (value: number) => `${value.toFixed(2)} ms`;

/** Runs the three measurements and prints one table per measurement. */
export async function runGatewayBenchmark(io: { stdout: NodeJS.WritableStream }, argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { requests: { type: 'string' }, concurrency: { type: 'string' }, 'open-seconds': { type: 'string' }, 'open-load': { type: 'string' }, instances: { type: 'string' }, rounds: { type: 'string' }, only: { type: 'string', multiple: true }, json: { type: 'boolean' } },
    strict: true,
  });
  const requests = Number(values.requests ?? 4000);
  const concurrency = Number(values.concurrency ?? 200);
  const instances = Number(values.instances ?? 40);
  const rounds = Number(values.rounds ?? 15);
  const out = (line = '') => io.stdout.write(`${line}\n`);

  const only = new Set(values.only ?? ['overhead', 'fan-out', 'down']);
  const openSeconds = Number(values['open-seconds'] ?? 6);
  const openLoad = Number(values['open-load'] ?? 0.5);
  const overhead = only.has('overhead') ? await measureOverhead({ requests, concurrency, openSeconds, openLoad }) : undefined;
  const fanOut = only.has('fan-out') || only.has('down') ? await measureFanOut(instances, rounds) : undefined;
  const down = only.has('down') ? await measureDown(instances, rounds) : undefined;
  if (values.json) {
    out(JSON.stringify({ overhead, fanOut, down }));
    sharedAgent.destroy();
    return 0;
  }
  if (overhead) printOverhead(out, overhead);
  if (fanOut) printFanOut(out, fanOut, rounds);
  if (fanOut && down) printDown(out, down, fanOut);
  sharedAgent.destroy();
  return 0;
}

type Out = (line?: string) => void;

function printOverhead(out: Out, overhead: OverheadResult[]): void {
  out('Gateway overhead: list_things on one upstream, direct vs through `sre-bot gateway` (separate processes)');
  out('| load | direct p50 | direct p99 | gateway p50 | gateway p99 | added p50 | added p99 | direct req/s | gateway req/s |');
  out('|---|---|---|---|---|---|---|---|---|');
  for (const row of overhead) {
    out(`| ${row.mode} | ${ms(row.direct.p50)} | ${ms(row.direct.p99)} | ${ms(row.gateway.p50)} | ${ms(row.gateway.p99)} | ${ms(row.gateway.p50 - row.direct.p50)} | ${ms(row.gateway.p99 - row.direct.p99)} | ${row.directRps.toFixed(0)} | ${row.gatewayRps.toFixed(0)} |`);
  }
  const open = overhead.find((row) => row.offeredRps !== undefined);
  if (open) out(`Open loop: latency from each call's scheduled start; worst generator timer lag ${ms(open.maxLagMs ?? 0)}. Saturated req/s is each path's capacity with the load generator on the same 2 cores.`);
  out();
}

function printFanOut(out: Out, fanOut: FanOutResult, rounds: number): void {
  out(`Fan-out: list_applications over ${fanOut.instances} sandbox Argo CD instances (20 ms API latency), ${rounds} rounds`);
  out('| measure | p50 | p99 |');
  out('|---|---|---|');
  out(`| slowest single direct call (median of 3 per instance) | ${ms(fanOut.slowestSingle)} | |`);
  out(`| all ${fanOut.instances} direct, in parallel from the client | ${ms(fanOut.parallelDirect.p50)} | ${ms(fanOut.parallelDirect.p99)} |`);
  out(`| gateway fan-out (${fanOut.answered} instances answered) | ${ms(fanOut.fanOut.p50)} | ${ms(fanOut.fanOut.p99)} |`);
  out(`| ratio gateway fan-out p50 / slowest single | ${(fanOut.fanOut.p50 / fanOut.slowestSingle).toFixed(2)} × | |`);
  out(`| ratio gateway fan-out p50 / all direct in parallel | ${(fanOut.fanOut.p50 / fanOut.parallelDirect.p50).toFixed(2)} × | |`);
  out();
}

function printDown(out: Out, down: DownResult, fanOut: FanOutResult): void {
  out(`One instance down (accepts connections, never answers), per-upstream timeout ${down.timeoutMs} ms, circuit opens after 1 failure`);
  out('| measure | latency | vs timeout |');
  out('|---|---|---|');
  out(`| first fan-out (unreachable: ${down.firstUnreachable.join(', ') || 'none'}) | ${ms(down.first)} | ${(down.first / down.timeoutMs).toFixed(3)} × |`);
  out(`| fan-out with the circuit open, p50 | ${ms(down.afterOpen.p50)} | ${(down.afterOpen.p50 / down.timeoutMs).toFixed(3)} × |`);
  out(`| fan-out with the circuit open, p99 | ${ms(down.afterOpen.p99)} | ${(down.afterOpen.p99 / down.timeoutMs).toFixed(3)} × |`);
  out(`| healthy fan-out p50 (previous table) | ${ms(fanOut.fanOut.p50)} | |`);
}
