import { z } from 'zod';
import type { EvidenceBundle } from '../skills/evidence.js';
import type { Finding } from './answer.js';
import type { SkillCatalog, SkillHit, SkillMatchResult } from './ports.js';
import { candidateTerms } from './resolve/question-terms.js';

/** What the investigation covered, so a "nothing found" answer says what was and was not looked at. */
export interface TriageScope {
  /** The estate was swept (the question named no object); see Entities.swept. */
  swept?: boolean;
  /** Instances that did not answer. */
  unreachable?: readonly string[];
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
function problemLines(evidence: EvidenceBundle, hits: readonly SkillHit[]): Array<{ text: string; source: string }> {
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

/**
 * The deterministic answer when no model is configured or the model is down: the best-matching
 * skill's signal hits are the root cause, the evidence lines prove it, and the skill's Fix
 * section says what to change.
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
  const informativeness = (hit: SkillHit) =>
    hit.weight * Math.min(1, hit.line.length / 150) * (hit.line.includes('…') ? 0.8 : 1);
  const primary = [...hitLines].sort((a, b) => informativeness(b) - informativeness(a))[0];
  const runnerUp = matches[1];
  const isClearWinner = !runnerUp || best.score >= runnerUp.score * 1.5;
  const fixText = skill.fix ?? '';
  const ranked = rankByEvidence(listItems(fixText), hitLines.map((hit) => hit.line).join('\n'));
  const steps = ranked.items;
  // Several cases and nothing in the evidence chose one: offer the skill's first case as such, not as the fix.
  const fixDescription = steps[0]
    ? ranked.isDecided
      ? steps[0]
      : `${steps[0].slice(0, 700).replace(/[;,.]?\s*$/, '.')} ${UNDECIDED_FIX}`
    : fixText
      ? firstParagraph(fixText)
      : undefined;
  const where = primary ? ` (${primary.source.replace(/^[a-z_]+:/, '')})` : '';
  return {
    summary: (
      (primary
        ? asStatement(primary.line, primary.source, statementOf(primary, evidence)).slice(0, 400)
        : skill.description) +
      `${where}. ` +
      `This is the pattern of the ${skill.name} skill.`
    ).slice(0, 800),
    rootCause: (
      `${primary ? asStatement(primary.line, primary.source, statementOf(primary, evidence)) : skill.description}` +
      `${where}.`
    ).slice(0, 1500),
    evidence: distinctLines([
      ...hitLines.map((hit) => ({ line: hit.line, source: hit.source })),
      // Lines the tools flagged as problems on the same objects: the specifics (limits, selectors, diffs).
      ...problemLines(evidence, hitLines).map((item) => ({ line: item.text, source: item.source })),
    ])
      .slice(0, MAX_EVIDENCE)
      .map((item) => ({ text: item.line.slice(0, 600), source: item.source })),
    confidence: isClearWinner && hitLines.length >= 2 ? 'high' : isClearWinner ? 'medium' : 'low',
    nextSteps: steps.slice(0, 6).map((step) => step.slice(0, 400)),
    ...(fixDescription ? { fix: { description: fixDescription.slice(0, 800) } } : {}),
  };
}
