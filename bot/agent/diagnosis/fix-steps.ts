/** A skill's `## Fix` as the answer's fix and next steps: its cases as the evidence decides, or its plain items. */
import type { EvidenceBundle } from '../../skills/evidence.js';
import { parseFixCases } from '../../skills/fix-cases.js';
import type { DiagnosisFacts } from './facts.js';
import { selectFixCase, type FixSelection } from './fix-selection.js';
import { clipWords } from './text.js';

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

/** The fix cases of a skill, when its `## Fix` has them. */
export function fixSelection(
  fix: string | undefined,
  evidence: EvidenceBundle,
  facts: DiagnosisFacts,
): FixSelection | undefined {
  const cases = parseFixCases(fix ?? '');
  return cases.length > 0 ? selectFixCase(cases, evidence, facts) : undefined;
}

/** Next steps and the fix from the skill: its cases as the evidence decides, or its plain items. */
export function fixAndSteps(
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
