import type { Verdict } from './judge.js';

/** One scenario's row in the eval report. */
export interface ScenarioResult {
  scenario: string;
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
    result.scenario,
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
