import { expect } from 'vitest';
import type { Answer } from '../../bot/agent/answer.js';
import { answerDefects } from '../../bot/agent/diagnosis/answer-properties.js';
import { parseFixCases } from '../../bot/skills/fix-cases.js';
import { describeBundledScenarios, knownAnswerDefects } from '../support/scenario-suite.js';

/**
 * Issue 14: every bundled scenario's answer reads as an on-call engineer wants it — a one-sentence
 * cause, nothing cut mid-word, a summary that adds rather than repeats, each evidence line once,
 * concrete values in the fix and no fix case its own evidence contradicts.
 */
describeBundledScenarios('every scenario answer reads right', async ({ name, result, store, catalog }) => {
  expect(result.error).toBeUndefined();
  const answer = (await store.investigations.get(result.answerId ?? ''))?.answer as Answer;
  expect(answer.rootCause).toBeDefined();
  const cases = answer.skills.flatMap((skill) => parseFixCases(catalog.get(skill)?.fix ?? ''));
  // Only defects strict-baseline.json records for a newer scenario are tolerated; any other fails.
  const known = knownAnswerDefects(name);
  expect(answerDefects(answer, cases).filter((defect) => !known.includes(defect))).toEqual([]);
  // The fix names something concrete from the evidence when the skill has cases to fill.
  if (cases.some((fixCase) => fixCase.placeholders.length > 0) && answer.confidence === 'high')
    expect(answer.fix?.description).not.toMatch(/\bthe (missing object|missing key|image)\b/);
});
