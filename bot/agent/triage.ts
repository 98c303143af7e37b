import type { EvidenceBundle } from '../skills/evidence.js';
import type { Finding } from './answer.js';
import type { SkillCatalog, SkillHit, SkillMatchResult } from './ports.js';
import { confidenceOf } from './diagnosis/confidence.js';
import type { Since } from './diagnosis/facts.js';
import { fixAndSteps, fixSelection } from './diagnosis/fix-steps.js';
import { asStatement, distinctLines, gist, itemOf, statementOf } from './diagnosis/statements.js';
import type { TriageScope } from './diagnosis/triage-scope.js';
import { unmatched } from './diagnosis/unmatched.js';
import { ageOf } from './evidence/age.js';
import { asClause, clipWords } from './diagnosis/text.js';
import { causeDetails } from './diagnosis/cause-details.js';

export type { TriageScope } from './diagnosis/triage-scope.js';

const MAX_EVIDENCE = 8;

/** Flagged evidence lines about the objects the hits are about, not already quoted. */
function problemLines(
  evidence: EvidenceBundle,
  hits: ReadonlyArray<Pick<SkillHit, 'line' | 'source'>>,
): Array<{ text: string; source: string }> {
  const quoted = new Set(hits.map((hit) => hit.line));
  const objects = new Set(hits.map((hit) => hit.source.replace(/^[a-z_]+:/, '')));
  const sameObject = (source: string) => objects.has(source.replace(/^[a-z_]+:/, ''));
  const flagged = evidence.filter((item) => item.isProblem && !quoted.has(item.text));
  const ordered = [
    ...flagged.filter((item) => sameObject(item.source)),
    ...flagged.filter((item) => !sameObject(item.source)),
  ];
  return [
    ...new Map(ordered.map((item) => [item.text, { text: item.text.slice(0, 600), source: item.source }])).values(),
  ].slice(0, 4);
}

/** `, since revision abc1234 ("checkout: release 1.8.3", Sam Ortiz, 35m ago)`, or the failed sync of it. */
function sincePhrase(since: Since | undefined, now: number | undefined): string {
  if (!since) return '';
  const details = [
    since.message ? `"${clipWords(asClause(since.message), 120)}"` : undefined,
    since.author?.replace(/\s*<[^>]*>/, ''),
    since.at && now !== undefined ? `${ageOf(since.at, now)} ago` : undefined,
  ].filter(Boolean);
  const what = `revision ${since.revision.slice(0, 7)}${details.length > 0 ? ` (${details.join(', ')})` : ''}`;
  return since.isFailedSync ? `; the sync of ${what} failed` : `, since ${what}`;
}

/** The root cause as one sentence: what is wrong, in which object, since which revision. */
function rootCauseSentence(statement: string, scope: TriageScope, isDependency: boolean): string {
  const details = causeDetails(statement, scope.facts ?? {});
  const clause = [clipWords(asClause(statement), 420), ...details].join('; ');
  const where = !scope.where
    ? ''
    : isDependency
      ? `, which ${scope.where} depends on`
      : clause.toLowerCase().includes(scope.where.toLowerCase())
        ? ''
        : `, in ${scope.where}`;
  // The subject's revision says nothing about when a dependency broke.
  return `${clause}${where}${isDependency ? '' : sincePhrase(scope.since, scope.now)}.`;
}

/** The evidence list: the decisive line first and whole, then the other hits and problem lines, each said once. */
function evidenceList(
  primary: Pick<SkillHit, 'line' | 'source'> | undefined,
  hits: readonly SkillHit[],
  evidence: EvidenceBundle,
): Finding['evidence'] {
  const chosen = [primary, ...hits].filter((hit) => hit !== undefined);
  const lines = [
    ...chosen.map((hit) => {
      const item = itemOf(hit, evidence);
      return {
        text: item?.text ?? hit.line,
        source: hit.source,
        kind: item?.kind,
        gist: gist(item ?? { text: hit.line }),
      };
    }),
    ...problemLines(evidence, chosen).map((item) => {
      const full = evidence.find((candidate) => candidate.text === item.text && candidate.source === item.source);
      return { text: item.text, source: item.source, kind: full?.kind, gist: gist(full ?? item) };
    }),
  ];
  const seen = new Set<string>();
  const distinct = lines.filter((line) => {
    if (seen.has(line.gist)) return false;
    seen.add(line.gist);
    return true;
  });
  return distinctLines(distinct.map((line) => ({ line: line.text, source: line.source, kind: line.kind })))
    .slice(0, MAX_EVIDENCE)
    .map((item) => ({
      text: clipWords(item.line, 600),
      source: item.source,
      ...(item.kind ? { kind: item.kind } : {}),
    }));
}

/** The summary: impact and the case to fix, never a copy of the root cause. */
function summaryOf(skillName: string, scope: TriageScope, fixTitle: string | undefined): string {
  const impact = scope.impact ? `${scope.impact.replace(/[.\s]+$/, '')}.` : '';
  const fix = fixTitle ? ` Most likely fix: ${fixTitle.replace(/[.\s]+$/, '').toLowerCase()}.` : '';
  return clipWords(`${impact}${fix} This is the pattern of the ${skillName} skill.`.trim(), 800);
}

/**
 * The deterministic answer when no model is configured or the model is down: the best-matching
 * skill's most telling hit, as one sentence naming the object and the revision, is the root
 * cause; the evidence lines prove it, each said once; the skill's fix case that the evidence
 * supports is the fix, with the evidence's names and values; confidence follows the documented
 * rule (diagnosis/confidence.ts).
 */
export function triage(
  question: string,
  evidence: EvidenceBundle,
  matches: readonly SkillMatchResult[],
  catalog: SkillCatalog,
  scope: TriageScope = {},
): Finding {
  const best = matches[0];
  const skill = best ? catalog.get(best.name) : undefined;
  if (!best || !skill) return unmatched(question, evidence, scope);
  // The most telling line first: a specific log or event beats a generic waiting reason.
  const hitLines = distinctLines([...new Map(best.hits.map((hit) => [hit.line, hit])).values()]).sort(
    (a, b) =>
      b.weight - a.weight ||
      Number(a.line.includes('…')) - Number(b.line.includes('…')) ||
      b.line.length - a.line.length,
  );
  // The root-cause line: telling (weight) and complete (long enough to carry the object and the reason).
  const informativeness = (hit: Pick<SkillHit, 'line' | 'weight'>) =>
    hit.weight * Math.min(1, hit.line.length / 150) * (hit.line.includes('…') ? 0.8 : 1);
  const selection = fixSelection(skill.fix, evidence, scope.facts ?? {});

  // What singles out the fix case is the cause; without a case, the skill's most telling hit.
  const caseLines = (selection?.chosen?.support ?? []).filter((hit) => hit.line.length > 0);
  // A dependency's state explains the subject's symptom (not ready because the Service it calls is down).
  const isAboutDependency = (hit: Pick<SkillHit, 'line' | 'source'>) => {
    const item = itemOf(hit, evidence);
    return item !== undefined && (scope.dependencyLines?.has(item.text) ?? false);
  };
  const primary = [...(caseLines.length > 0 ? caseLines : hitLines)].sort(
    (a, b) => Number(isAboutDependency(b)) - Number(isAboutDependency(a)) || informativeness(b) - informativeness(a),
  )[0];
  const runnerUp = matches[1];
  const primaryItem = primary ? itemOf(primary, evidence) : undefined;
  const statement = primary
    ? asStatement(
        primaryItem?.text ?? primary.line,
        primary.source,
        primaryItem?.statement ?? statementOf(primary, evidence),
      )
    : skill.description;
  const isDependency = primaryItem !== undefined && (scope.dependencyLines?.has(primaryItem.text) ?? false);
  const { steps, fix, isDecided, isConcrete } = fixAndSteps(
    skill.fix ?? '',
    selection,
    hitLines.map((hit) => hit.line).join('\n'),
  );
  const confidence = confidenceOf({
    isClearSkill: !runnerUp || best.score >= runnerUp.score * 1.5,
    hasCases: selection !== undefined,
    isCaseDecided: isDecided,
    isFixConcrete: isConcrete,
    signalHits: new Set(hitLines.map((hit) => hit.signal)).size,
    hasBlindSpots: (scope.unreachable?.length ?? 0) > 0,
  });
  return {
    summary: summaryOf(skill.name, scope, selection?.chosen?.title),
    rootCause: clipWords(rootCauseSentence(statement, scope, isDependency), 1500),
    evidence: evidenceList(primary, hitLines, evidence),
    confidence,
    nextSteps: steps.slice(0, 6).map((step) => clipWords(step, 400)),
    ...(fix ? { fix: { description: clipWords(fix, 800) } } : {}),
  };
}
