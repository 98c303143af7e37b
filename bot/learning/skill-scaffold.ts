import type { EvidenceLine } from './correction-signals.js';
import { significantWords } from './correction-signals.js';
import { renderSkillTemplate } from '../skills/scaffold.js';
import { addSignalClauses, appendToSection } from './skill-edit.js';
import { SKILL_NAME_MAX } from '../skills/skill-spec.js';

/** What a new skill is scaffolded from: the correction, the clause its evidence gave, the entries. */
export interface ScaffoldFromEvidence {
  name: string;
  facts: {
    correctRootCause: string;
    details?: string;
    correctFix?: string;
    evidence: readonly EvidenceLine[];
  };
  clause?: string;
  entries: readonly string[];
  owner?: string;
}

function clip(text: string, limit: number): string {
  const flat = text.replace(/\s+/g, ' ').replace(/[<>]/g, '').trim();
  return flat.length <= limit ? flat : `${flat.slice(0, limit - 1)}…`;
}

/** A skill name from a root cause: its first significant words, lowercase and hyphenated. */
export function skillNameFrom(text: string): string {
  const words = significantWords(text)
    .map((word) => word.replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, ''))
    .filter(Boolean)
    .slice(0, 4);
  const name = words.join('-').replace(/-{2,}/g, '-').slice(0, SKILL_NAME_MAX).replace(/-+$/, '');
  return name || 'new-fault';
}

/**
 * A new SKILL.md from a correction and the evidence it was made on: the template (which passes
 * lint), a description from the corrected cause, the evidence's signal in `metadata.signals`
 * instead of the template's placeholder, the evidence lines under `## Signals`, the fix the
 * person gave, and the dated entry. SREs review and finish it in the pull request.
 */
export function scaffoldSkillFromEvidence(input: ScaffoldFromEvidence): string {
  const description =
    `Diagnose ${clip(input.facts.correctRootCause, 400)}. Use when the evidence shows what this skill's signals ` +
    `describe; scaffolded from a correction, review before relying on it.`;
  let text = renderSkillTemplate({ name: input.name, description, ...(input.owner ? { owner: input.owner } : {}) });
  if (input.clause) {
    text = text.replace(/^ {2}signals: .*$/m, '  signals: placeholder');
    text = addSignalClauses(text, [input.clause]).replace(/^ {4}placeholder\n/m, '');
  }
  const observed = input.facts.evidence
    .slice(0, 6)
    .map((line) => `- Seen: ${clip(line.text, 200)} (${line.kind ?? 'other'})`);
  if (observed.length > 0) text = appendToSection(text, 'Signals', observed);
  if (input.facts.correctFix)
    text = appendToSection(text, 'Fix', [`In this case: ${clip(input.facts.correctFix, 600)}`]);
  return appendToSection(text, 'Corrections', input.entries);
}
