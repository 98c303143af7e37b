import type { Answer, InvestigationOutcome } from '../../bot/agent/answer.js';
import type { ScenarioExpect } from '../sandbox/scenario/scenario-schema.js';

/** How one answer scored against a scenario's `expect`. */
export interface Verdict {
  isPassed: boolean;
  factsFound: string[];
  factsMissing: string[];
  isSkillMatched: boolean;
  /** One line for people: why it failed, or "ok". */
  reason: string;
}

/** Everything an answer says, as one lowercase text to look facts up in. */
export function answerText(answer: Answer): string {
  return [
    answer.summary,
    answer.rootCause,
    ...answer.evidence.map((item) => item.text),
    ...answer.nextSteps,
    answer.fix?.description ?? '',
    answer.fix?.change ?? '',
  ]
    .join('\n')
    .toLowerCase();
}

/**
 * Scores an outcome: every root-cause fact must appear in the answer (case-insensitively) and the
 * expected skill must be among the skills the answer used. A clarifying question fails.
 */
export function judge(outcome: InvestigationOutcome, expect: ScenarioExpect): Verdict {
  if (outcome.kind !== 'answer') {
    return {
      isPassed: false,
      factsFound: [],
      factsMissing: expect.rootCause,
      isSkillMatched: false,
      reason: `asked back instead of answering: ${outcome.question}`,
    };
  }
  const text = answerText(outcome.answer);
  const factsFound = expect.rootCause.filter((fact) => text.includes(fact.toLowerCase()));
  const factsMissing = expect.rootCause.filter((fact) => !text.includes(fact.toLowerCase()));
  const isSkillMatched = outcome.answer.skills.includes(expect.skill);
  const problems = [
    ...(factsMissing.length > 0 ? [`missing facts: ${factsMissing.map((fact) => `"${fact}"`).join(', ')}`] : []),
    ...(isSkillMatched ? [] : [`expected skill ${expect.skill}, used ${outcome.answer.skills.join(', ') || 'none'}`]),
  ];
  return {
    isPassed: problems.length === 0,
    factsFound,
    factsMissing,
    isSkillMatched,
    reason: problems.join('; ') || 'ok',
  };
}
