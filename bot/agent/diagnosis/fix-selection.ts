import type { EvidenceBundle } from '../../skills/evidence.js';
import { evaluateFixCases, fillPlaceholders, type FixCase, type FixCaseVerdict } from '../../skills/fix-cases.js';
import type { DiagnosisFacts } from './facts.js';

/** A case as offered in an answer: its text with the evidence's names and values filled in. */
export interface OfferedCase {
  title: string;
  text: string;
  /** Placeholders the evidence had no value for (their fallback words stand in). */
  missingFacts: string[];
  score: number;
  /** The evidence lines whose clauses support the case (what singles it out). */
  support: Array<{ line: string; source: string; weight: number; signal: string }>;
}

/** What the evidence says about a skill's fix cases. */
export interface FixSelection {
  /** The case the evidence supports best, when one stands out. */
  chosen?: OfferedCase;
  /** Cases not contradicted, best supported first (the chosen one first when there is one). */
  offered: OfferedCase[];
  /** Titles of cases the evidence contradicts: never offered. */
  contradicted: string[];
}

function offer(verdict: FixCaseVerdict, facts: DiagnosisFacts): OfferedCase {
  const filled = fillPlaceholders(verdict.case.text, facts);
  return {
    title: verdict.case.title,
    text: filled.text,
    missingFacts: filled.missing,
    score: verdict.score,
    support: verdict.support.map(({ line, source, weight, signal }) => ({ line, source, weight, signal })),
  };
}

/**
 * Picks the fix case the evidence supports: cases whose counter-clauses hit are dropped; of the
 * rest, the one with the highest positive score is chosen when it has support and no other case
 * scores as much. With no support anywhere, nothing is chosen and the remaining cases are
 * offered in the skill author's order (most common first).
 */
export function selectFixCase(
  cases: readonly FixCase[],
  evidence: EvidenceBundle,
  facts: DiagnosisFacts,
): FixSelection {
  const verdicts = evaluateFixCases(cases, evidence);
  const contradicted = verdicts.filter((verdict) => verdict.contradictions.length > 0);
  const open = verdicts.filter((verdict) => verdict.contradictions.length === 0);
  const supported = open
    .filter((verdict) => verdict.support.length > 0 && verdict.score > 0)
    .sort((left, right) => right.score - left.score);
  const [best, runnerUp] = supported;
  const isDecided = best !== undefined && (runnerUp === undefined || best.score > runnerUp.score);
  // Decided: the chosen case and any other the evidence supports; undecided: every case not contradicted.
  const ordered =
    isDecided && best ? supported : [...supported, ...open.filter((verdict) => !supported.includes(verdict))];
  return {
    ...(isDecided && best ? { chosen: offer(best, facts) } : {}),
    offered: ordered.map((verdict) => offer(verdict, facts)),
    contradicted: contradicted.map((verdict) => verdict.case.title),
  };
}
