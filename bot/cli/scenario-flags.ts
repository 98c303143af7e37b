import { join, resolve } from 'node:path';
import { packageRoot } from '../package-root.js';
import { loadScenarioByName, loadScenarioFile } from '../../evaluators/sandbox/scenario/load-scenario.js';
import type { Scenario } from '../../evaluators/sandbox/scenario/scenario-schema.js';
import { UsageError, type CliIo } from './command.js';

/** Where the bundled scenarios live. */
export function scenariosDirectory(): string {
  return join(packageRoot(), 'evaluators', 'scenarios');
}

/** Loads `--scenario NAME` or `--scenario-file PATH` (at most one of them). */
export async function loadScenarioFlag(
  values: { scenario?: string | undefined; 'scenario-file'?: string | undefined },
  io: CliIo,
  usage: string,
): Promise<Scenario | undefined> {
  if (values.scenario && values['scenario-file'])
    throw new UsageError('use either --scenario or --scenario-file, not both', usage);
  if (values.scenario) return loadScenarioByName(scenariosDirectory(), values.scenario);
  if (values['scenario-file']) return loadScenarioFile(resolve(io.cwd, values['scenario-file']));
  return undefined;
}
