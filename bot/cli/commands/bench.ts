import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { packageRoot } from '../../package-root.js';
import { UsageError, writeLine, type CliIo, type Command } from '../command.js';

/** A benchmark entry point: runs, prints its table to io.stdout, returns an exit code. */
export type BenchmarkRunner = (io: CliIo, argv: string[]) => Promise<number>;

/** One benchmark suite: where its module lives (under test/bench) and what it exports. */
export interface BenchmarkSuite {
  name: string;
  summary: string;
  /** Module path relative to the package root. */
  module: string;
  /** Name of the exported BenchmarkRunner. */
  exportName: string;
}

/**
 * The registry of benchmark suites; add yours with one entry. Suites live in test/bench (they
 * are development tools, not shipped in the image), so they are loaded by path when asked for,
 * which also keeps library code from importing test code.
 */
export const benchmarkSuites: readonly BenchmarkSuite[] = [
  {
    name: 'skills',
    summary: 'Skill catalog: load 2,000 skills, search and match latency, prompt-index tokens for 16 vs 2,000 skills.',
    module: 'test/bench/skills.bench.ts',
    exportName: 'runSkillsBenchmark',
  },
  {
    name: 'slack',
    summary:
      'Slack receiver: 2,000 signed events at 200/s (10% Slack retries), ack latency p50/p99, lost and ' +
      'duplicated jobs (in-process queue and BullMQ).',
    module: 'test/bench/slack.bench.ts',
    exportName: 'runSlackBenchmark',
  },
  {
    name: 'mcp-output',
    summary:
      'MCP output tokens per sandbox scenario: our servers vs argocd-mcp + mcp-server-kubernetes, root-cause ' +
      'facts checked.',
    module: 'test/bench/mcp-output.bench.ts',
    exportName: 'runMcpOutputBenchmark',
  },
  {
    name: 'gateway',
    summary:
      'MCP gateway: added latency direct vs through it (and vs mcp-proxy), open and closed loop at 200 clients, ' +
      'fan-out over 40 Argo CD instances, one instance down vs circuit open.',
    module: 'test/bench/gateway.bench.ts',
    exportName: 'runGatewayBenchmark',
  },
  {
    name: 'rca',
    summary:
      'RCA documents: time to draft (triage) from a finished investigation, index page p95 with 1,000 RCAs ' +
      '(goals 1 s and 100 ms).',
    module: 'test/bench/rca.bench.ts',
    exportName: 'runRcaBenchmark',
  },
  {
    name: 'fix',
    summary:
      'Fix loop per git-borne scenario: plan, PR, merge, sync, Healthy times and end to end (no human click); ' +
      'how many plans healed the sandbox.',
    module: 'test/bench/fix.bench.ts',
    exportName: 'runFixBenchmark',
  },
  {
    name: 'tokens',
    summary:
      'Model input tokens per investigation: our context strategy vs every tool and skill in the prompt, ' +
      'identical scripted turns, every scenario; p50/p95 of input tokens, wall time and tool calls per investigation.',
    module: 'test/bench/tokens.bench.ts',
    exportName: 'runTokensBenchmark',
  },
  {
    name: 'redaction',
    summary:
      'Redaction of a large MCP output (120 Deployments as YAML and 2,000 log lines): ms and MB/s as text and ' +
      'as structuredContent, ratio to a naive single-regex pass, secrets left.',
    module: 'test/bench/redaction.bench.ts',
    exportName: 'runRedactionBenchmark',
  },
];

async function loadRunner(suite: BenchmarkSuite): Promise<BenchmarkRunner> {
  const file = join(packageRoot(), suite.module);
  if (!existsSync(file)) {
    throw new Error(
      `benchmark '${suite.name}' needs the source tree (${suite.module} is missing); run it from a checkout ` +
        `with 'npm run bench -- ${suite.name}'`,
    );
  }
  const loaded = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  const runner = loaded[suite.exportName];
  if (typeof runner !== 'function') throw new Error(`${suite.module} does not export a function '${suite.exportName}'`);
  return runner as BenchmarkRunner;
}

function listSuites(): string {
  const width = Math.max(...benchmarkSuites.map((suite) => suite.name.length)) + 2;
  return benchmarkSuites.map((suite) => `  ${suite.name.padEnd(width)}${suite.summary}`).join('\n');
}

export const benchCommand: Command = {
  name: 'bench',
  summary: 'Run a benchmark suite and print its table (ratios measured side by side in one run).',
  usage: 'bench <suite|all> [suite options]',
  run: async (argv, io) => {
    const [name, ...rest] = argv;
    if (name === undefined || name === 'list') {
      writeLine(io.stdout, `benchmark suites:\n${listSuites()}`);
      return name === undefined ? 2 : 0;
    }
    const suites = name === 'all' ? benchmarkSuites : benchmarkSuites.filter((suite) => suite.name === name);
    if (suites.length === 0)
      throw new UsageError(`unknown benchmark suite '${name}'; suites:\n${listSuites()}`, benchCommand.usage);
    let code = 0;
    for (const suite of suites) {
      if (suites.length > 1) writeLine(io.stdout, `\n== ${suite.name} ==`);
      const runner = await loadRunner(suite);
      code = Math.max(code, await runner(io, rest));
    }
    return code;
  },
};
