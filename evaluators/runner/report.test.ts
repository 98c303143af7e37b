import { describe, expect, it } from 'vitest';
import type { ScenarioResult } from './report.js';
import { renderSeedReport, summarizeSeeds } from './report.js';

function run(scenario: string, seed: number, isPassed: boolean, wallMs = 1_000, toolCalls = 10): ScenarioResult {
  return {
    scenario,
    seed,
    verdict: {
      isPassed,
      factsFound: [],
      factsMissing: [],
      parts: {
        rootCause: { found: [], missing: [], forbidden: [] },
        fix: { found: [], missing: [], forbidden: [] },
        evidence: { found: [], missing: [], forbidden: [] },
      },
      isSkillMatched: true,
      isInstanceMatched: true,
      reason: isPassed ? 'ok' : 'root cause lacks "x|y"',
    },
    mode: 'triage',
    wallMs,
    toolCalls,
    inputTokens: 0,
    outputTokens: 0,
  };
}

describe('the multi-seed report', () => {
  const results = [
    run('a', 1, true, 1_000, 10),
    run('a', 2, true, 3_000, 12),
    run('a', 3, true),
    run('b', 1, true),
    run('b', 2, false),
    run('b', 3, true),
  ];

  it('counts pass@1 over runs and pass^k over scenarios that passed every seed', () => {
    const summary = summarizeSeeds(results);
    expect(summary.k).toBe(3);
    expect(summary.passAt1).toBeCloseTo(5 / 6);
    expect(summary.passHatK).toBe(0.5);
    expect(summary.rows.map((row) => [row.scenario, row.passed, row.runs])).toEqual([
      ['a', 3, 3],
      ['b', 2, 3],
    ]);
    expect(summary.rows[0]?.wallMs).toBeCloseTo(5_000 / 3);
    expect(summary.rows[1]?.failure).toBe('#2: root cause lacks "x|y"');
  });

  it('renders a Markdown table with the rates, escaping pipes in failures', () => {
    const text = renderSeedReport(results);
    expect(text).toContain('| scenario | seeds passed | wall s | tool calls | first failure |');
    expect(text).toContain('| a | 3/3 | 1.67 | 10.7 |  |');
    expect(text).toContain('| b | 2/3 | 1.00 | 10.0 | #2: root cause lacks "x\\|y" |');
    expect(text.split('\n').at(-1)).toBe('pass@1: 83.3 % of 6 runs; pass^3: 50.0 % of 2 scenarios');
  });
});
