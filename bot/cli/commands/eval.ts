import type { Scenario } from '../../../evaluators/sandbox/scenario/scenario-schema.js';
import { listScenarioFiles, loadScenarioFile } from '../../../evaluators/sandbox/scenario/load-scenario.js';
import {
  renderReport,
  renderSeedReport,
  summarizeSeeds,
  type ScenarioResult,
} from '../../../evaluators/runner/report.js';
import { runScenario } from '../../../evaluators/runner/run-scenario.js';
import { investigationSettings } from '../../runtime/investigator.js';
import { parseFlags, parseIntegerFlag, UsageError, writeLine, type Command } from '../command.js';
import { openRuntime } from '../runtime.js';
import { loadScenarioFlag, scenariosDirectory } from '../scenario-flags.js';

const usage = 'eval [--scenario NAME | --scenario-file PATH]... [--noise-seed N | --seeds 1,2,3] [--no-model] [--json]';

/** The noise seeds to run each scenario with: `--seeds` list, one `--noise-seed`, or none (0). */
export function parseSeeds(values: { seeds?: string; 'noise-seed'?: string }): number[] {
  if (values.seeds !== undefined && values['noise-seed'] !== undefined)
    throw new UsageError('give --seeds or --noise-seed, not both', usage);
  if (values.seeds !== undefined) {
    const seeds = values.seeds.split(',').map((part) => parseIntegerFlag(part.trim(), 'seeds', usage) ?? 0);
    if (seeds.length === 0 || new Set(seeds).size !== seeds.length)
      throw new UsageError(`--seeds must list distinct whole numbers, got '${values.seeds}'`, usage);
    return seeds;
  }
  return [parseIntegerFlag(values['noise-seed'], 'noise-seed', usage) ?? 0];
}

export const evalCommand: Command = {
  name: 'eval',
  summary:
    "Run scenarios through the investigation pipeline and score each answer strictly against the scenario's " +
    'expectations, over one or several noise seeds.',
  usage,
  run: async (argv, io) => {
    const { values } = parseFlags(
      argv,
      {
        scenario: { type: 'string', multiple: true },
        'scenario-file': { type: 'string', multiple: true },
        'noise-seed': { type: 'string' },
        seeds: { type: 'string' },
        'no-model': { type: 'boolean' },
        json: { type: 'boolean' },
      },
      usage,
    );
    const seeds = parseSeeds(values);
    const scenarios: Scenario[] = [];
    for (const name of values.scenario ?? [])
      scenarios.push(
        ...[await loadScenarioFlag({ scenario: name }, io, usage)].filter((scenario) => scenario !== undefined),
      );
    for (const file of values['scenario-file'] ?? [])
      scenarios.push(
        ...[await loadScenarioFlag({ 'scenario-file': file }, io, usage)].filter((scenario) => scenario !== undefined),
      );
    if (scenarios.length === 0) {
      for (const file of await listScenarioFiles(scenariosDirectory())) scenarios.push(await loadScenarioFile(file));
    }
    const runtime = await openRuntime(io, {
      useModel: !values['no-model'],
      inMemoryStore: true,
      defaultLogLevel: 'warn',
    });
    const results: ScenarioResult[] = [];
    const total = scenarios.length * seeds.length;
    try {
      for (const scenario of scenarios) {
        for (const seed of seeds) {
          const label = seed ? `${scenario.name} (noise seed ${seed})` : scenario.name;
          writeLine(io.stderr, `[${results.length + 1}/${total}] ${label}: ${scenario.question}`);
          const result = await runScenario(scenario, {
            store: runtime.store,
            catalog: runtime.catalog,
            ...(runtime.model ? { model: runtime.model } : {}),
            settings: investigationSettings(runtime.agent),
            noiseSeed: seed,
          });
          writeLine(
            io.stderr,
            `  ${result.verdict.isPassed ? 'PASS' : 'FAIL'} in ${(result.wallMs / 1_000).toFixed(2)} s, ` +
              `${result.toolCalls} tool ` +
              `calls${result.verdict.isPassed ? '' : ` — ${result.error ?? result.verdict.reason}`}`,
          );
          results.push(result);
        }
      }
    } finally {
      await runtime.close();
    }
    const summary = summarizeSeeds(results);
    if (values.json)
      writeLine(
        io.stdout,
        JSON.stringify({
          results,
          seeds,
          passed: results.filter((result) => result.verdict.isPassed).length,
          failed: results.filter((result) => !result.verdict.isPassed).length,
          passAt1: summary.passAt1,
          passHatK: summary.passHatK,
        }),
      );
    else writeLine(io.stdout, seeds.length > 1 ? renderSeedReport(results) : renderReport(results));
    return results.every((result) => result.verdict.isPassed) ? 0 : 1;
  },
};
