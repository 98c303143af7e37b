import { z } from 'zod';
import type { EvidenceBundle } from '../skills/evidence.js';
import type { Finding } from './answer.js';
import type { SkillCatalog, SkillHit, SkillMatchResult } from './ports.js';
import { candidateTerms } from './resolve/question-terms.js';
import { confidenceOf } from './diagnosis/confidence.js';
import type { DiagnosisFacts, Since } from './diagnosis/facts.js';
import { selectFixCase, type FixSelection } from './diagnosis/fix-selection.js';
import { ageOf } from './evidence/age.js';
import { asClause, clipWords } from './diagnosis/text.js';
import { parseFixCases } from '../skills/fix-cases.js';

/** What the investigation covered, so a "nothing found" answer says what was and was not looked at. */
export interface TriageScope {
  /** The estate was swept (the question named no object); see Entities.swept. */
  swept?: boolean;
  /** Instances that did not answer. */
  unreachable?: readonly string[];
  /** Names and values for fixes, from the gathered data. */
  facts?: DiagnosisFacts;
  /** The revision the failing state came with. */
  since?: Since;
  /** The object under investigation, as people name it (`Deployment shop/checkout, Argo CD app checkout`). */
  where?: string;
  /** What is broken for users, one clause (`Argo CD app checkout is Degraded; 0/3 pods ready`). */
  impact?: string;
  /** Evidence lines about a dependency of the subject rather than the subject itself. */
  dependencyLines?: ReadonlySet<string>;
  /** The clock, for "deployed 35m ago". */
  now?: number;
}

const MAX_EVIDENCE = 8;

/** Said after a fix the evidence did not single out among the skill's cases. */
const UNDECIDED_FIX = "(The skill's most common case; nothing in the evidence singled it out, so check that it fits.)";

/** Top-level list items of a markdown section (continuation lines joined), as plain sentences. */
export function listItems(markdown: string): string[] {
  const items: string[] = [];
  for (const line of markdown.split('\n')) {
    const start = /^(?:[-*+]|\d+[.)])\s+(.*)$/.exec(line);
    if (start?.[1]) items.push(start[1].trim());
    else if (items.length > 0 && /^\s{2,}\S/.test(line)) items[items.length - 1] += ` ${line.trim()}`;
  }
  return items.map((item) => item.replace(/\*\*/g, '').replace(/`/g, ''));
}

const WORD = /[a-z0-9][a-z0-9.-]+/g;

/**
 * Orders fix items by how many of their words appear in the evidence that hit (most relevant
 * first); `isDecided` says whether the evidence picked the first item or it is simply the skill
 * author's first (most common) case.
 */
function rankByEvidence(items: readonly string[], evidenceText: string): { items: string[]; isDecided: boolean } {
  const evidenceWords = new Set(evidenceText.toLowerCase().match(WORD) ?? []);
  const scored = items.map((item, index) => {
    const words = new Set((item.split(':')[0] ?? item).toLowerCase().match(WORD) ?? []);
    let score = 0;
    for (const word of words) if (word.length > 3 && evidenceWords.has(word)) score += 1;
    return { item, score, index };
  });
  // The skill author's order is the default (most common cause first); only clear evidence reorders it.
  const best = Math.max(...scored.map((entry) => entry.score));
  const runnerUp = Math.max(...scored.filter((entry) => entry.score !== best).map((entry) => entry.score), 0);
  if (best - runnerUp < 2) return { items: [...items], isDecided: items.length === 1 };
  return {
    items: scored.sort((a, b) => b.score - a.score || a.index - b.index).map((entry) => entry.item),
    isDecided: true,
  };
}

function firstParagraph(markdown: string): string {
  const paragraph = markdown
    .split(/\n\s*\n/)
    .map((block) => block.trim())
    .find((block) => block.length > 0 && !block.startsWith('#'));
  return (paragraph ?? markdown).replace(/\s+/g, ' ').slice(0, 700);
}

/** A JSON log line: an object of fields (what they hold is checked field by field). */
const logRecord = z.record(z.string(), z.unknown());

const FAILURE_LEVELS = /^(?:fatal|panic|critical|crit|error|err)$/i;

/**
 * A structured (JSON) log line reduced to what it says: `{"level":"fatal","msg":"config: x
 * missing","error":"envconfig: x"}` → `fatal: config: x missing (envconfig: x)`. Undefined when the
 * line is not a JSON object with a message.
 */
export function logMessage(line: string): string | undefined {
  const trimmed = line.trim();
  if (!trimmed.startsWith('{') || !trimmed.endsWith('}')) return undefined;
  let record: unknown;
  try {
    record = JSON.parse(trimmed);
  } catch {
    return undefined;
  }
  const parsed = logRecord.safeParse(record);
  if (!parsed.success) return undefined;
  const fields = parsed.data;
  const field = (...keys: string[]): string | undefined => {
    for (const key of keys) {
      const value = fields[key];
      if (typeof value === 'string' && value.trim() !== '') return value.trim();
    }
    return undefined;
  };
  const message = field('msg', 'message', 'log', 'event');
  if (!message) return undefined;
  const level = field('level', 'severity', 'lvl');
  const error = field('error', 'err', 'exception', 'stack');
  const prefix = level && FAILURE_LEVELS.test(level) ? `${level.toLowerCase()}: ` : '';
  return `${prefix}${message}${error && !message.includes(error) ? ` (${error.split('\n')[0] ?? error})` : ''}`;
}

/**
 * An evidence line as a sentence for the root cause: the item's own statement when it has one
 * (an event without its count and age); a log line says who logged it, and a JSON log line
 * only its message and error.
 */
export function asStatement(line: string, source = '', statement?: string): string {
  if (statement) return statement;
  const objectName =
    source
      .replace(/^[a-z_]+:/, '')
      .split('/')
      .pop() ?? '';
  const structured = logMessage(line);
  if (structured) return objectName ? `${objectName} logged: ${structured}` : structured;
  if (objectName && /^get_(?:pod|application)_logs:/.test(source)) return `${objectName} logged: ${line.trim()}`;
  return line.replace(/\s*…\s*/g, ' … ');
}

/** The statement of the evidence item a hit quotes (the matcher hands back the line, clipped at 240). */
function statementOf(hit: { line: string; source: string }, evidence: EvidenceBundle): string | undefined {
  const stem = hit.line.endsWith('…') ? hit.line.slice(0, -1) : undefined;
  const item = evidence.find(
    (candidate) =>
      candidate.source === hit.source &&
      (candidate.text === hit.line || (stem !== undefined && candidate.text.startsWith(stem))),
  );
  return item?.statement;
}

/** Drops lines that are a clipped copy ("…") of a longer line that is also present. */
function distinctLines<T extends { line: string }>(hits: T[]): T[] {
  return hits.filter((hit) => {
    const stem = hit.line.replace(/….*$/s, '');
    return !hits.some((other) => other !== hit && other.line.length > hit.line.length && other.line.startsWith(stem));
  });
}

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

/** The evidence its formatter flagged from the structured result as a problem, used when no skill matched. */
function notableEvidence(evidence: EvidenceBundle): EvidenceBundle {
  return evidence.filter((item) => item.isProblem === true);
}

/** The answer when no skill matched: the notable evidence, or an honest account of what was (not) checked. */
function unmatched(question: string, evidence: EvidenceBundle, scope: TriageScope): Finding {
  const notable = notableEvidence(evidence).slice(0, MAX_EVIDENCE);
  const notChecked =
    scope.unreachable && scope.unreachable.length > 0
      ? ` ${scope.unreachable.join(', ')} did not answer and could not be checked.`
      : '';
  if (notable.length > 0) {
    return {
      summary: 'No known fault signature matched; these are the problems found.',
      rootCause: `Undetermined. The most relevant signal: ${notable[0]?.text ?? ''}${notChecked}`,
      evidence: notable.map((item) => ({ text: item.text.slice(0, 600), source: item.source })),
      confidence: 'low',
      nextSteps: [
        'Check the application name and environment in the question.',
        'Ask the owning team or escalate to the on-call SRE.',
      ],
    };
  }
  if (scope.swept) {
    return {
      summary: 'Nothing looks broken right now.',
      rootCause:
        `Nothing found: no Argo CD app is unhealthy or out of sync, every Deployment and StatefulSet is ready, ` +
        `and no policy result fails.${notChecked}`,
      evidence: [
        {
          text:
            'Every Argo CD app, every not-ready Deployment and StatefulSet, and the failing policy results of ' +
            'every instance were listed; none was found.',
          source: 'sre-bot/triage',
        },
      ],
      confidence: notChecked ? 'low' : 'medium',
      nextSteps: [
        'Name the app or service and what fails (error message, time), and ask again.',
        'If users see errors, check the ingress or the dependency they call: it may be outside the clusters ' +
          'sre-bot sees.',
      ],
    };
  }
  if (evidence.length === 0) {
    const terms = candidateTerms(question);
    return {
      summary: 'Nothing the question names was found.',
      rootCause:
        `Undetermined: no Argo CD app, workload or namespace matching ` +
        `${terms.length > 0 ? terms.map((term) => `"${term}"`).join(', ') : 'the question'} was found, so nothing ` +
        `was checked.${notChecked}`,
      evidence: [
        {
          text:
            `Looked up ${terms.length > 0 ? terms.join(', ') : 'the question'} on every Argo CD instance and ` +
            `cluster: no match.`,
          source: 'sre-bot/resolve',
        },
      ],
      confidence: 'low',
      nextSteps: [
        'Check the spelling of the app or service name (the Argo CD application name is the surest).',
        'Ask "what is wrong in prod?" to have every instance checked for broken apps and workloads.',
      ],
    };
  }
  return {
    summary: 'No problem was found in the gathered state.',
    rootCause: `Undetermined: the workloads, Argo CD applications and policies checked look healthy.${notChecked}`,
    evidence: [{ text: 'No warnings, failed syncs or policy violations found.', source: 'sre-bot/triage' }],
    confidence: 'low',
    nextSteps: [
      'Check the application name and environment in the question.',
      'Ask the owning team or escalate to the on-call SRE.',
    ],
  };
}

/** The evidence item a hit quotes (the matcher hands back the line, clipped). */
function itemOf(hit: { line: string; source: string }, evidence: EvidenceBundle): EvidenceBundle[number] | undefined {
  const stem = hit.line.replace(/\s*…$/, '');
  return evidence.find(
    (candidate) => candidate.source === hit.source && (candidate.text === hit.line || candidate.text.startsWith(stem)),
  );
}

/** What a line says, without counts and ages, for telling copies apart across tools. */
function gist(item: { text: string; statement?: string }): string {
  return (item.statement ?? item.text)
    .replace(/^x\d+\s+/, '')
    .replace(/\(\S+ ago\)/g, '')
    .replace(/\s+/g, ' ')
    .trim()
    .toLowerCase();
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
  const clause = clipWords(asClause(statement), 420);
  const where = !scope.where
    ? ''
    : isDependency
      ? `, which ${scope.where} depends on`
      : clause.toLowerCase().includes(scope.where.toLowerCase())
        ? ''
        : `, in ${scope.where}`;
  return `${clause}${where}${sincePhrase(scope.since, scope.now)}.`;
}

/** The fix cases of a skill, when its `## Fix` has them. */
function fixSelection(
  fix: string | undefined,
  evidence: EvidenceBundle,
  facts: DiagnosisFacts,
): FixSelection | undefined {
  const cases = parseFixCases(fix ?? '');
  return cases.length > 0 ? selectFixCase(cases, evidence, facts) : undefined;
}

/** Next steps and the fix from the skill: its cases as the evidence decides, or its plain items. */
function fixAndSteps(
  fixText: string,
  selection: FixSelection | undefined,
  hitText: string,
): { steps: string[]; fix?: string; isDecided: boolean; isConcrete: boolean } {
  if (selection) {
    const steps = selection.offered.map((offered) => offered.text);
    const chosen = selection.chosen;
    if (chosen) return { steps, fix: chosen.text, isDecided: true, isConcrete: chosen.missingFacts.length === 0 };
    const [first, ...others] = selection.offered;
    const alternatives = others.length > 0 ? ` Other cases: ${others.map((other) => other.title).join('; ')}.` : '';
    return {
      steps,
      ...(first ? { fix: `${first.text.replace(/[;,.]?\s*$/, '.')} ${UNDECIDED_FIX}${alternatives}` } : {}),
      isDecided: false,
      isConcrete: false,
    };
  }
  const ranked = rankByEvidence(listItems(fixText), hitText);
  const [first] = ranked.items;
  const fix = first
    ? ranked.isDecided
      ? first
      : `${clipWords(first, 700).replace(/[;,.]?\s*$/, '.')} ${UNDECIDED_FIX}`
    : fixText
      ? firstParagraph(fixText)
      : undefined;
  return { steps: ranked.items, ...(fix ? { fix } : {}), isDecided: ranked.isDecided, isConcrete: ranked.isDecided };
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
  const primary = [...(caseLines.length > 0 ? caseLines : hitLines)].sort(
    (a, b) => informativeness(b) - informativeness(a),
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
