import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { judge } from '../../evaluators/runner/judge.js';
import type { Store } from '../../bot/store/store.js';
import type { SkillCatalog } from '../../bot/skills/catalog-types.js';
import { skillCatalogPort } from '../../bot/runtime/skill-catalog-port.js';
import { runScenario } from '../../evaluators/runner/run-scenario.js';
import { bundledScenario, openStoreAndSkills, repositoryRoot } from '../support/pipeline.js';

const names = readdirSync(join(repositoryRoot, 'evaluators', 'scenarios'))
  .filter((file) => file.endsWith('.yaml'))
  .map((file) => file.replace(/\.yaml$/, ''));

/**
 * Acceptance of the triage path: with no model, every bundled scenario is answered with its
 * root-cause facts and the expected skill, through the real sandbox, MCP servers and gateway.
 */
describe('triage answers every bundled scenario', () => {
  let store: Store;
  let disk: SkillCatalog;
  let closeAll: () => Promise<void>;
  beforeAll(async () => {
    ({ store, skills: disk, close: closeAll } = await openStoreAndSkills());
  });
  afterAll(async () => {
    await closeAll();
  });

  it('has the scenarios the sandbox issue asks for', () => {
    expect(names.length).toBeGreaterThanOrEqual(16);
  });

  it.each(names)('%s', async (name) => {
    const scenario = await bundledScenario(name);
    const result = await runScenario(scenario, { store, catalog: skillCatalogPort(disk) });
    expect(result.error).toBeUndefined();
    expect(result.mode).toBe('triage');
    expect(result.verdict.reason).toBe('ok');
    // Every call the pipeline made is in the audit table.
    const calls = await store.toolCalls.listForInvestigation(result.answerId ?? '');
    expect(calls.length).toBe(result.toolCalls);
    const stored = await store.investigations.get(result.answerId ?? '');
    expect(stored?.status).toBe('answered');
    expect(judge({ kind: 'answer', answer: stored?.answer as never }, scenario.expect).isPassed).toBe(true);
  });
});
