import { EVIDENCE_KINDS, type EvidenceItem } from '../../skills/evidence.js';
import { evaluateFixCases, type FixCase } from '../../skills/fix-cases.js';
import type { Finding } from '../answer.js';
import { hasMidWordCut, isOneSentence, sharedRun } from './text.js';

/** Consecutive words the summary may share with the root cause (object names, not sentences). */
const MAX_SHARED_WORDS = 6;

/**
 * What an on-call engineer would object to in an answer, one line each (none: it reads right):
 * a root cause of more than one sentence, text cut inside a word, a summary that repeats the
 * root cause, an evidence line said twice, a placeholder left in the fix, or a fix case that
 * the answer's own evidence contradicts (`cases`: the fix cases of the skill it used).
 */
export function answerDefects(answer: Finding, cases: readonly FixCase[] = []): string[] {
  const defects: string[] = [];
  if (!isOneSentence(answer.rootCause)) defects.push(`root cause is more than one sentence: ${answer.rootCause}`);
  const texts = [
    answer.rootCause,
    answer.summary,
    ...answer.evidence.map((item) => item.text),
    ...answer.nextSteps,
    answer.fix?.description ?? '',
  ];
  for (const text of texts) if (hasMidWordCut(text)) defects.push(`cut inside a word: ${text}`);
  const shared = sharedRun(answer.rootCause, answer.summary);
  if (shared >= MAX_SHARED_WORDS) defects.push(`summary repeats ${shared} words of the root cause`);
  const lines = answer.evidence.map((item) => item.text);
  const repeated = lines.filter((line, index) => lines.indexOf(line) !== index);
  if (repeated.length > 0) defects.push(`evidence said twice: ${repeated.join(' | ')}`);
  const advice = [answer.fix?.description ?? '', ...answer.nextSteps];
  if (advice.some((text) => /\{\{\s*\w+\s*\}\}/.test(text))) defects.push('a fix placeholder was left unfilled');
  // The answer's evidence as it was gathered (a line without its kind is read as every kind).
  const evidence: EvidenceItem[] = answer.evidence.flatMap((item) =>
    (item.kind ? [item.kind] : EVIDENCE_KINDS).map((kind) => ({ kind, source: item.source, text: item.text })),
  );
  for (const verdict of evaluateFixCases(cases, evidence)) {
    if (verdict.contradictions.length === 0) continue;
    const title = verdict.case.title.toLowerCase();
    if (advice.some((text) => text.toLowerCase().startsWith(`${title}:`)))
      defects.push(`offers '${verdict.case.title}', which its evidence contradicts`);
  }
  return defects;
}
