import type { Answer, InvestigationOutcome } from '../../bot/agent/answer.js';
import type { ScenarioExpect } from '../sandbox/scenario/scenario-schema.js';

/** The graded parts of an answer: each is read on its own text, never on the whole answer. */
export type AnswerPart = 'rootCause' | 'fix' | 'evidence';

/** How one part of the answer scored. */
export interface PartGrade {
  found: string[];
  missing: string[];
  /** `notInFix` facts the fix states anyway (fix part only). */
  forbidden: string[];
}

/** How one answer scored against a scenario's `expect`. */
export interface Verdict {
  isPassed: boolean;
  /** Root-cause facts found in the root cause or summary. */
  factsFound: string[];
  /** Root-cause facts the root cause and summary do not state. */
  factsMissing: string[];
  parts: Record<AnswerPart, PartGrade>;
  isSkillMatched: boolean;
  /** False when the answer's instances name neither the expected app's instance nor its cluster. */
  isInstanceMatched: boolean;
  /** One line for people: why it failed, or "ok". */
  reason: string;
}

/** The text of each graded part, lowercased. */
export function partTexts(answer: Answer): Record<AnswerPart, string> {
  const lower = (lines: Array<string | undefined>) =>
    lines
      .filter((line) => line !== undefined)
      .join('\n')
      .toLowerCase();
  return {
    rootCause: lower([answer.rootCause, answer.summary]),
    fix: lower([answer.fix?.description, answer.fix?.path, answer.fix?.change, ...answer.nextSteps]),
    evidence: lower(answer.evidence.map((item) => item.text)),
  };
}

/** Everything an answer says, as one lowercase text (for reports; the judge grades by part). */
export function answerText(answer: Answer): string {
  const texts = partTexts(answer);
  return [texts.rootCause, texts.evidence, texts.fix].join('\n');
}

function grade(text: string, facts: readonly string[], forbidden: readonly string[] = []): PartGrade {
  const states = (fact: string) => text.includes(fact.toLowerCase());
  return {
    found: facts.filter(states),
    missing: facts.filter((fact) => !states(fact)),
    forbidden: forbidden.filter(states),
  };
}

/** The verdict of a run that produced no answer (it asked back, or the investigation failed). */
export function failedVerdict(expect: ScenarioExpect, reason: string): Verdict {
  const missing = [...expect.rootCause];
  const none: PartGrade = { found: [], missing: [], forbidden: [] };
  return {
    isPassed: false,
    factsFound: [],
    factsMissing: missing,
    parts: { rootCause: { ...none, missing }, fix: { ...none, missing: [...expect.fix] }, evidence: none },
    isSkillMatched: false,
    isInstanceMatched: false,
    reason,
  };
}

const quoted = (facts: readonly string[]) => facts.map((fact) => `"${fact}"`).join(', ');

/**
 * The strict judge. Each part of the answer is graded on its own text: `expect.rootCause` facts
 * must stand in the root cause (or the summary), `expect.fix` facts in the fix or the next steps,
 * no `expect.notInFix` fact may stand there, and `expect.evidence` facts in the evidence lines. A
 * fact quoted only in the evidence does not count as stated cause. The expected skill must be
 * among those used, and the answer must come from the expected app's instance (or, for a question
 * answered from the cluster alone, its destination cluster `where.cluster`). A clarifying
 * question fails.
 */
export function judge(
  outcome: InvestigationOutcome,
  expect: ScenarioExpect,
  where: { cluster?: string } = {},
): Verdict {
  if (outcome.kind !== 'answer') return failedVerdict(expect, `asked back instead of answering: ${outcome.question}`);
  const { answer } = outcome;
  const texts = partTexts(answer);
  const parts: Record<AnswerPart, PartGrade> = {
    rootCause: grade(texts.rootCause, expect.rootCause),
    fix: grade(texts.fix, expect.fix, expect.notInFix),
    evidence: grade(texts.evidence, expect.evidence),
  };
  const isSkillMatched = answer.skills.includes(expect.skill);
  const isInstanceMatched =
    answer.instances.length === 0 ||
    answer.instances.includes(expect.app.instance) ||
    (where.cluster !== undefined && answer.instances.includes(where.cluster));
  const problems = [
    ...(parts.rootCause.missing.length > 0 ? [`root cause lacks ${quoted(parts.rootCause.missing)}`] : []),
    ...(parts.fix.missing.length > 0 ? [`fix lacks ${quoted(parts.fix.missing)}`] : []),
    ...(parts.fix.forbidden.length > 0 ? [`fix wrongly says ${quoted(parts.fix.forbidden)}`] : []),
    ...(parts.evidence.missing.length > 0 ? [`evidence lacks ${quoted(parts.evidence.missing)}`] : []),
    ...(isSkillMatched ? [] : [`expected skill ${expect.skill}, used ${answer.skills.join(', ') || 'none'}`]),
    ...(isInstanceMatched ? [] : [`answered from ${answer.instances.join(', ')}, expected ${expect.app.instance}`]),
  ];
  return {
    isPassed: problems.length === 0,
    factsFound: parts.rootCause.found,
    factsMissing: parts.rootCause.missing,
    parts,
    isSkillMatched,
    isInstanceMatched,
    reason: problems.join('; ') || 'ok',
  };
}
