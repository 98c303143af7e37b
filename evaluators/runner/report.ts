import type { Verdict } from './judge.js';

/** One scenario run's row in the eval report. */
export interface ScenarioResult {
  scenario: string;
  /** The noise seed the run used; absent or 0 = the scenario file as written. */
  seed?: number;
  verdict: Verdict;
  mode: 'model' | 'triage' | 'none';
  wallMs: number;
  toolCalls: number;
  inputTokens: number;
  outputTokens: number;
  error?: string;
}

/** The eval table as aligned plain text, ending with the `N passed, N failed` line. */
export function renderReport(results: readonly ScenarioResult[]): string {
  const header = ['scenario', 'result', 'mode', 'wall s', 'tools', 'tokens in/out', 'detail'];
  const rows = results.map((result) => [
    result.seed ? `${result.scenario} #${result.seed}` : result.scenario,
    result.verdict.isPassed ? 'PASS' : 'FAIL',
    result.mode,
    (result.wallMs / 1_000).toFixed(2),
    String(result.toolCalls),
    `${result.inputTokens}/${result.outputTokens}`,
    result.error ?? result.verdict.reason,
  ]);
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: string[]) =>
    cells.map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column] ?? 0))).join('  ');
  const passed = results.filter((result) => result.verdict.isPassed).length;
  return [line(header), ...rows.map(line), '', `${passed} passed, ${results.length - passed} failed`].join('\n');
}

/** One scenario over every seed it ran with. */
export interface SeedRow {
  scenario: string;
  runs: number;
  passed: number;
  /** Mean wall time and tool calls of its runs. */
  wallMs: number;
  toolCalls: number;
  /** The reason of the first failing run, if any. */
  failure?: string;
}

/** Runs grouped by scenario, and the two rates over them. */
export interface SeedSummary {
  rows: SeedRow[];
  /** Seeds per scenario (the k of pass^k): the most runs any scenario had. */
  k: number;
  /** The share of single runs that passed. */
  passAt1: number;
  /** The share of scenarios that passed on every seed. */
  passHatK: number;
}

/** Groups runs by scenario (in first-seen order) and computes pass@1 and pass^k. */
export function summarizeSeeds(results: readonly ScenarioResult[]): SeedSummary {
  const groups = new Map<string, ScenarioResult[]>();
  for (const result of results) groups.set(result.scenario, [...(groups.get(result.scenario) ?? []), result]);
  const rows = [...groups].map(([scenario, runs]): SeedRow => {
    const failed = runs.find((run) => !run.verdict.isPassed);
    return {
      scenario,
      runs: runs.length,
      passed: runs.filter((run) => run.verdict.isPassed).length,
      wallMs: runs.reduce((sum, run) => sum + run.wallMs, 0) / runs.length,
      toolCalls: runs.reduce((sum, run) => sum + run.toolCalls, 0) / runs.length,
      ...(failed ? { failure: `#${failed.seed ?? 0}: ${failed.error ?? failed.verdict.reason}` } : {}),
    };
  });
  const share = (part: number, whole: number) => (whole === 0 ? 0 : part / whole);
  return {
    rows,
    k: Math.max(0, ...rows.map((row) => row.runs)),
    passAt1: share(results.filter((result) => result.verdict.isPassed).length, results.length),
    passHatK: share(rows.filter((row) => row.passed === row.runs).length, rows.length),
  };
}

const percent = (rate: number) => `${(rate * 100).toFixed(1)} %`;

/**
 * The multi-seed report as a Markdown table (scenario, seeds passed, mean wall time, mean tool
 * calls, first failure), ending with the pass@1 and pass^k lines; it pastes into the README as is.
 */
export function renderSeedReport(results: readonly ScenarioResult[]): string {
  const summary = summarizeSeeds(results);
  const cell = (text: string) => text.replaceAll('|', '\\|');
  const lines = [
    '| scenario | seeds passed | wall s | tool calls | first failure |',
    '| --- | --- | --- | --- | --- |',
    ...summary.rows.map(
      (row) =>
        `| ${row.scenario} | ${row.passed}/${row.runs} | ${(row.wallMs / 1_000).toFixed(2)} | ` +
        `${row.toolCalls.toFixed(1)} | ${cell(row.failure ?? '')} |`,
    ),
    '',
    `pass@1: ${percent(summary.passAt1)} of ${results.length} runs; ` +
      `pass^${summary.k}: ${percent(summary.passHatK)} of ${summary.rows.length} scenarios`,
  ];
  return lines.join('\n');
}
