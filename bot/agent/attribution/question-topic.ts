/**
 * A question about a whole namespace has no subject, so ownership cannot say which of the
 * namespace's failures it is about; the question's own words can. "Which workloads violate our
 * kyverno policies?" is about policy results even when a neighbour's missing Secret scores higher.
 */
import type { SkillMatchResult } from '../ports.js';

/** Words of skill names that name no topic (every family has failures and errors). */
const GENERIC_WORDS = new Set(['errors', 'error', 'failures', 'failure', 'issues', 'kubernetes', 'triage', 'missing']);

/** Words compared by their first five letters, so `policies` meets `policy` and `violate` meets `violations`. */
function stemOf(word: string): string {
  return word.slice(0, 5);
}

function topicWords(skillName: string): string[] {
  return skillName.split('-').filter((word) => word.length >= 4 && !GENERIC_WORDS.has(word));
}

/**
 * The matches with the one the question names first: the matched skill whose name words the
 * question uses most (at least one, and more than any other matched skill). Unchanged when no
 * matched skill, or more than one equally, is named.
 */
export function byQuestionTopic(matches: readonly SkillMatchResult[], question: string): SkillMatchResult[] {
  const asked = new Set((question.toLowerCase().match(/[a-z0-9]{4,}/g) ?? []).map(stemOf));
  const named = matches.map((match) => topicWords(match.name).filter((word) => asked.has(stemOf(word))).length);
  const most = Math.max(0, ...named);
  if (most === 0 || named.filter((count) => count === most).length > 1) return [...matches];
  const index = named.indexOf(most);
  const chosen = matches[index];
  return chosen ? [chosen, ...matches.filter((_, other) => other !== index)] : [...matches];
}
