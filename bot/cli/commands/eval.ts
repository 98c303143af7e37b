import type { Scenario } from '../../../evaluators/sandbox/scenario/scenario-schema.js';
import { listScenarioFiles, loadScenarioFile } from '../../../evaluators/sandbox/scenario/load-scenario.js';
import { renderReport, type ScenarioResult } from '../../../evaluators/runner/report.js';
import { runScenario } from '../../../evaluators/runner/run-scenario.js';
import { investigationSettings } from '../../runtime/investigator.js';
import { parseFlags, writeLine, type Command } from '../command.js';
import { openRuntime } from '../runtime.js';
import { loadScenarioFlag, scenariosDirectory } from '../scenario-flags.js';

const usage = 'eval [--scenario NAME | --scenario-file PATH]... [--no-model] [--json]';

export const evalCommand: Command = {
  name: 'eval',
  summary:
    "Run scenarios through the investigation pipeline and score each answer against the scenario's expectations.",
  usage,
  run: async (argv, io) => {
    const { values } = parseFlags(
      argv,
      {
        scenario: { type: 'string', multiple: true },
        'scenario-file': { type: 'string', multiple: true },
        'no-model': { type: 'boolean' },
        json: { type: 'boolean' },
      },
      usage,
    );
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
    try {
      for (const [index, scenario] of scenarios.entries()) {
        writeLine(io.stderr, `[${index + 1}/${scenarios.length}] ${scenario.name}: ${scenario.question}`);
        const result = await runScenario(scenario, {
          store: runtime.store,
          catalog: runtime.catalog,
          ...(runtime.model ? { model: runtime.model } : {}),
          settings: investigationSettings(runtime.agent),
        });
        writeLine(
          io.stderr,
          `  ${result.verdict.isPassed ? 'PASS' : 'FAIL'} in ${(result.wallMs / 1_000).toFixed(2)} s, ` +
            `${result.toolCalls} tool ` +
            `calls${result.verdict.isPassed ? '' : ` — ${result.error ?? result.verdict.reason}`}`,
        );
        results.push(result);
      }
    } finally {
      await runtime.close();
    }
    if (values.json)
      writeLine(
        io.stdout,
        JSON.stringify({
          results,
          passed: results.filter((result) => result.verdict.isPassed).length,
          failed: results.filter((result) => !result.verdict.isPassed).length,
        }),
      );
    else writeLine(io.stdout, renderReport(results));
    return results.every((result) => result.verdict.isPassed) ? 0 : 1;
  },
};
