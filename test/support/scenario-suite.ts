import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import type { SkillCatalog as PortSkillCatalog } from '../../bot/agent/ports.js';
import { skillCatalogPort } from '../../bot/runtime/skill-catalog-port.js';
import type { SkillCatalog } from '../../bot/skills/catalog-types.js';
import type { Store } from '../../bot/store/store.js';
import type { ScenarioResult } from '../../evaluators/runner/report.js';
import { runScenario } from '../../evaluators/runner/run-scenario.js';
import type { Scenario } from '../../evaluators/sandbox/scenario/scenario-schema.js';
import { bundledScenario, openStoreAndSkills, repositoryRoot } from './pipeline.js';

/** Names of the bundled scenarios (the `*.yaml` files of evaluators/scenarios, without extension). */
export function bundledScenarioNames(): string[] {
  return readdirSync(join(repositoryRoot, 'evaluators', 'scenarios'))
    .filter((file) => file.endsWith('.yaml'))
    .map((file) => file.replace(/\.yaml$/, ''))
    .sort();
}

/**
 * The scenarios that passed the strict judge (no noise seed) when
 * `evaluators/scenarios/strict-baseline.json` was last written: suites hold these to "ok" and do
 * not require the others to pass yet.
 */
export function strictBaseline(): ReadonlySet<string> {
  return new Set(readBaseline().passing);
}

/** Answer-property defects the baseline records per scenario (tolerated until triage removes them). */
export function knownAnswerDefects(name: string): readonly string[] {
  return readBaseline().knownAnswerDefects?.[name] ?? [];
}

function readBaseline(): { passing: string[]; knownAnswerDefects?: Record<string, string[]> } {
  const file = join(repositoryRoot, 'evaluators', 'scenarios', 'strict-baseline.json');
  return JSON.parse(readFileSync(file, 'utf8')) as { passing: string[]; knownAnswerDefects?: Record<string, string[]> };
}

/** One scenario run through the whole pipeline, and what a check needs to look at it. */
export interface BundledScenarioRun {
  name: string;
  scenario: Scenario;
  result: ScenarioResult & { answerId?: string };
  store: Store;
  catalog: PortSkillCatalog;
}

/**
 * A describe block with one test per bundled scenario: each runs the scenario through the real
 * sandbox, MCP servers, gateway and investigation (triage, no model) on one shared PGlite store,
 * then hands the run to `check`. `more` adds tests of its own to the block.
 */
export function describeBundledScenarios(
  title: string,
  check: (run: BundledScenarioRun) => Promise<void>,
  more?: () => void,
): void {
  describe(title, () => {
    let store: Store;
    let disk: SkillCatalog;
    let closeAll: () => Promise<void>;
    beforeAll(async () => {
      ({ store, skills: disk, close: closeAll } = await openStoreAndSkills());
    });
    afterAll(async () => {
      await closeAll();
    });
    more?.();
    it.each(bundledScenarioNames())('%s', async (name) => {
      const scenario = await bundledScenario(name);
      const catalog = skillCatalogPort(disk);
      const result = await runScenario(scenario, { store, catalog });
      await check({ name, scenario, result, store, catalog });
    });
  });
}
