import { parseArgs } from 'node:util';
import { sharedAgent } from './gateway-bench-client.js';
import { measureLoopback, type LoopbackCalibration } from './gateway-calibration.js';
import {
  measureDown,
  measureFanOutInProcess,
  measureFanOutProcesses,
  type DownResult,
  type FanOutResult,
} from './gateway-fan-out.js';
import { measureOverhead, type OverheadReport } from './gateway-overhead.js';
import { resolveRuntime } from './gateway-runtime.js';

/**
 * `npm run bench -- gateway`: what the MCP gateway costs, side by side in one run.
 * 1. Overhead: the same tools/call direct to an upstream, through `sre-bot gateway` (own process,
 *    audit log to a file) to an HTTP upstream and to a stdio upstream, and through mcp-proxy (npm,
 *    on a Node ≥ 22 binary) to the same stdio upstream; every proxy and upstream in its own process,
 *    interleaved:
 *    - sequential (one client, closed loop): p50/p99 added;
 *    - saturation (200 clients, closed loop): req/s of each path (a throughput figure; latencies
 *      there are queueing);
 *    - open loop (200 clients, each on its own keep-alive connection, together sending a fixed
 *      rate of 50 % of the slowest proxy's measured capacity to every path): p50/p99 added when
 *      the box is not saturated.
 * 2. Fan-out: list_applications over 40 sandbox Argo CD instances (20 ms API latency) vs the
 *    slowest single direct call, with the fake Argo CDs, the MCP servers and the gateway each in
 *    their own processes (as deployed) on the image's Node 24 and, when it differs, on the Node
 *    running the benchmark; for reference also all in one process.
 * 3. One instance down (2 s timeout): the first fan-out vs fan-outs once its circuit is open.
 * Every run starts with a calibration line: what one bare node:http exchange between two processes
 * costs on this box (sequential, and 40 at once), the unit every other figure is made of.
 * Every measured process (proxies, upstreams, MCP servers, estate) runs on one Node: by default
 * Node 24, the runtime the image ships (Dockerfile), found with `npx -y node@24`; the load
 * generator is this process.
 * Options: --requests N (per saturation run, default 4000), --concurrency N (200), --open-seconds N
 * (per path, 6), --open-load F (fraction of the slowest proxy's capacity, 0.5), --instances N (40),
 * --rounds N (fan-out rounds, 50), --server-processes N (processes hosting the MCP servers, 2),
 * --node 24|current|PATH (runtime of the measured processes, 24),
 * --proxy-node PATH (Node ≥ 22 for mcp-proxy; default the runtime, "" skips it),
 * --proxy-mode session|stateless (session), --only overhead|fan-out|down, --json.
 */
export async function runGatewayBenchmark(io: { stdout: NodeJS.WritableStream }, argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      requests: { type: 'string' },
      concurrency: { type: 'string' },
      'open-seconds': { type: 'string' },
      'open-load': { type: 'string' },
      instances: { type: 'string' },
      rounds: { type: 'string' },
      'server-processes': { type: 'string' },
      node: { type: 'string' },
      'proxy-node': { type: 'string' },
      'proxy-mode': { type: 'string' },
      only: { type: 'string', multiple: true },
      json: { type: 'boolean' },
    },
    strict: true,
  });
  const instances = Number(values.instances ?? 40);
  const rounds = Number(values.rounds ?? 50);
  const serverProcesses = Number(values['server-processes'] ?? 2);
  const proxyMode = values['proxy-mode'] ?? 'session';
  if (proxyMode !== 'session' && proxyMode !== 'stateless')
    throw new Error(`--proxy-mode must be session or stateless, not ${proxyMode}`);
  const out = (line = '') => io.stdout.write(`${line}\n`);

  const only = new Set(values.only ?? ['overhead', 'fan-out', 'down']);
  const runtime = resolveRuntime(values.node);
  out(
    `Measured processes run on Node ${runtime.version}${runtime.note ? ` (${runtime.note})` : ''}; the load ` +
      `generator on ${process.version}.`,
  );
  out();
  try {
    const calibration = await measureLoopback(runtime, instances);
    if (!values.json) printCalibration(out, calibration);
    const overhead = only.has('overhead')
      ? await measureOverhead({
          requests: Number(values.requests ?? 4000),
          concurrency: Number(values.concurrency ?? 200),
          openSeconds: Number(values['open-seconds'] ?? 6),
          openLoad: Number(values['open-load'] ?? 0.5),
          runtime,
          proxyNode: values['proxy-node'],
          proxyMode,
        })
      : undefined;
    const current = { node: process.execPath, version: process.version };
    const fanOut = only.has('fan-out')
      ? [
          await measureFanOutProcesses(runtime, instances, rounds, serverProcesses),
          ...(runtime.version === process.version
            ? []
            : [await measureFanOutProcesses(current, instances, rounds, serverProcesses)]),
          await measureFanOutInProcess(instances, rounds),
        ]
      : undefined;
    const down = only.has('down') ? await measureDown(runtime, instances, rounds, serverProcesses) : undefined;
    if (values.json) {
      out(JSON.stringify({ calibration, overhead, fanOut, down }));
      return 0;
    }
    if (overhead) printOverhead(out, overhead);
    if (fanOut) printFanOut(out, fanOut, rounds);
    if (down) printDown(out, down, fanOut?.[0]);
    return 0;
  } finally {
    sharedAgent.destroy();
  }
}

type Out = (line?: string) => void;

const ms = (value: number) => `${value.toFixed(2)} ms`;

function printCalibration(out: Out, calibration: LoopbackCalibration): void {
  const perRequest = (calibration.parallelRound * 1000) / calibration.parallel;
  out(
    `This box: one bare node:http exchange between two processes on loopback takes ` +
      `${(calibration.sequential * 1000).toFixed(0)} µs (p50, one at a time); ${calibration.parallel} at once ` +
      `take ${ms(calibration.parallelRound)} (${perRequest.toFixed(0)} µs each). A ` +
      `${calibration.parallel}-instance fan-out is ${calibration.parallel * 2} such exchanges (gateway → MCP ` +
      `server → Argo CD) on the same cores.`,
  );
  out();
}

function printOverhead(out: Out, report: OverheadReport): void {
  out('Overhead: list_things on one upstream, direct vs through a proxy (every proxy and upstream in its own process)');
  out('| load | path | p50 | p99 | added p50 | added p99 | req/s |');
  out('|---|---|---|---|---|---|---|');
  for (const row of report.results) {
    const [direct] = row.paths;
    for (const path of row.paths) {
      const added =
        path === direct || !direct
          ? '| | '
          : `| ${ms(path.latency.p50 - direct.latency.p50)} | ${ms(path.latency.p99 - direct.latency.p99)} `;
      out(
        `| ${row.mode} | ${path.path} | ${ms(path.latency.p50)} | ${ms(path.latency.p99)} ${added}| ` +
          `${path.rps.toFixed(0)} |`,
      );
    }
  }
  const open = report.results.find((row) => row.offeredRps !== undefined);
  if (open)
    out(
      `Open loop: latency from each call's scheduled start; worst generator timer lag ` +
        `${ms(open.maxLagMs ?? 0)}. Saturated req/s is each path's capacity with the load generator on the same 2 ` +
        `cores.`,
    );
  out(
    report.proxySkipped
      ? `mcp-proxy not measured: ${report.proxySkipped}`
      : `mcp-proxy ran on Node ${report.proxyNodeVersion ?? '?'}; added latency is against the direct HTTP upstream.`,
  );
  out();
}

function printFanOut(out: Out, results: FanOutResult[], rounds: number): void {
  for (const result of results) {
    out(
      `Fan-out: list_applications over ${result.instances} sandbox Argo CD instances (20 ms API latency), ` +
        `${rounds} rounds; ${result.topology}; Node ${result.runtime}`,
    );
    out('| measure | p50 | p99 |');
    out('|---|---|---|');
    out(
      `| single direct call: median instance / slowest instance (median of 5 each) | ${ms(result.medianSingle)} ` +
        `| ${ms(result.slowestSingle)} |`,
    );
    out(
      `| all ${result.instances} Argo CD API list calls in parallel from the client (no MCP: the backends' ` +
        `floor) | ${ms(result.parallelBackend.p50)} | ${ms(result.parallelBackend.p99)} |`,
    );
    out(
      `| all ${result.instances} direct MCP calls, in parallel from the client | ` +
        `${ms(result.parallelDirect.p50)} | ${ms(result.parallelDirect.p99)} |`,
    );
    out(
      `| gateway fan-out (${result.answered} instances answered) | ${ms(result.fanOut.p50)} | ` +
        `${ms(result.fanOut.p99)} |`,
    );
    out(
      `| gateway fan-out / slowest single | ${(result.fanOut.p50 / result.slowestSingle).toFixed(2)} × | ` +
        `${(result.fanOut.p99 / result.slowestSingle).toFixed(2)} × |`,
    );
    out(
      `| all direct MCP in parallel / slowest single | ` +
        `${(result.parallelDirect.p50 / result.slowestSingle).toFixed(2)} × | ` +
        `${(result.parallelDirect.p99 / result.slowestSingle).toFixed(2)} × |`,
    );
    out(
      `| Argo CD APIs in parallel / slowest single | ` +
        `${(result.parallelBackend.p50 / result.slowestSingle).toFixed(2)} × | ` +
        `${(result.parallelBackend.p99 / result.slowestSingle).toFixed(2)} × |`,
    );
    out(
      `| gateway fan-out / all direct in parallel | ` +
        `${(result.fanOut.p50 / result.parallelDirect.p50).toFixed(2)} × | |`,
    );
    if (result.cpu) {
      const line = (cpu: Record<string, number>) => {
        const total = Object.values(cpu).reduce((sum, value) => sum + value, 0);
        return `${Object.entries(cpu)
          .map(([name, value]) => `${name} ${value.toFixed(1)}`)
          .join(' + ')} = ${total.toFixed(1)} ms`;
      };
      out(
        `CPU per gateway fan-out: ${line(result.cpu.fanOut)}; per round of the ${result.instances} direct ` +
          `calls: ${line(result.cpu.direct)} (2 cores).`,
      );
    }
    out();
  }
}

function printDown(out: Out, down: DownResult, fanOut: FanOutResult | undefined): void {
  out(
    `One instance down (accepts connections, never answers), per-upstream timeout ${down.timeoutMs} ms, circuit ` +
      `opens after 1 failure; separate processes`,
  );
  out('| measure | latency | vs timeout |');
  out('|---|---|---|');
  out(
    `| first fan-out (unreachable: ${down.firstUnreachable.join(', ') || 'none'}) | ${ms(down.first)} | ` +
      `${(down.first / down.timeoutMs).toFixed(3)} × |`,
  );
  out(
    `| fan-out with the circuit open, p50 | ${ms(down.afterOpen.p50)} | ` +
      `${(down.afterOpen.p50 / down.timeoutMs).toFixed(3)} × |`,
  );
  out(
    `| fan-out with the circuit open, p99 | ${ms(down.afterOpen.p99)} | ` +
      `${(down.afterOpen.p99 / down.timeoutMs).toFixed(3)} × |`,
  );
  if (fanOut) out(`| healthy fan-out p50 (first fan-out table) | ${ms(fanOut.fanOut.p50)} | |`);
}
