import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Answer } from '../../bot/agent/answer.js';
import { answerDefects } from '../../bot/agent/diagnosis/answer-properties.js';
import { skillCatalogPort } from '../../bot/runtime/skill-catalog-port.js';
import type { SkillCatalog } from '../../bot/skills/catalog-types.js';
import { parseFixCases } from '../../bot/skills/fix-cases.js';
import type { Store } from '../../bot/store/store.js';
import { runScenario } from '../../evaluators/runner/run-scenario.js';
import { bundledScenario, openStoreAndSkills, repositoryRoot } from '../support/pipeline.js';

const names = readdirSync(join(repositoryRoot, 'evaluators', 'scenarios'))
  .filter((file) => file.endsWith('.yaml'))
  .map((file) => file.replace(/\.yaml$/, ''));

/**
 * Issue 14: every bundled scenario's answer reads as an on-call engineer wants it — a one-sentence
 * cause, nothing cut mid-word, a summary that adds rather than repeats, each evidence line once,
 * concrete values in the fix and no fix case its own evidence contradicts.
 */
describe('every scenario answer reads right', () => {
  let store: Store;
  let disk: SkillCatalog;
  let closeAll: () => Promise<void>;
  beforeAll(async () => {
    ({ store, skills: disk, close: closeAll } = await openStoreAndSkills());
  });
  afterAll(async () => {
    await closeAll();
  });

  it.each(names)('%s', async (name) => {
    const scenario = await bundledScenario(name);
    const catalog = skillCatalogPort(disk);
    const result = await runScenario(scenario, { store, catalog });
    expect(result.error).toBeUndefined();
    const answer = (await store.investigations.get(result.answerId ?? ''))?.answer as Answer;
    expect(answer.rootCause).toBeDefined();
    const cases = answer.skills.flatMap((skill) => parseFixCases(catalog.get(skill)?.fix ?? ''));
    expect(answerDefects(answer, cases)).toEqual([]);
    // The fix names something concrete from the evidence when the skill has cases to fill.
    if (cases.some((fixCase) => fixCase.placeholders.length > 0) && answer.confidence === 'high')
      expect(answer.fix?.description).not.toMatch(/\bthe (missing object|missing key|image)\b/);
  });
});
