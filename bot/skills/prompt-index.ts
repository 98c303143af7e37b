import { estimateTokens } from './tokens.js';

/** What the prompt index lists about a skill. */
export interface IndexEntry {
  name: string;
  description: string;
}

/** The skill index as it goes into the model's context. */
export interface PromptIndex {
  text: string;
  /** Estimated tokens of `text`. */
  tokens: number;
  /** Names listed, in order. */
  included: string[];
  /** Skills in the catalog. */
  total: number;
  /** True when every skill is listed; false when the model must use search_skills for the rest. */
  isComplete: boolean;
}

/** Up to this many skills the index lists them all; above it only the most relevant. */
export const DEFAULT_INDEX_LIMIT = 40;

function line(entry: IndexEntry): string {
  return `- ${entry.name}: ${entry.description.replace(/\s+/g, ' ').trim()}`;
}

/**
 * Renders the index. Small catalogs are listed whole (the Agent Skills way: name and
 * description of everything); large ones list `ranked` (most relevant first, cut at `limit`)
 * and point the model at `search_skills`, so the prompt stays the same size at 2,000 skills.
 */
export function renderPromptIndex(
  all: readonly IndexEntry[],
  ranked: readonly IndexEntry[],
  limit = DEFAULT_INDEX_LIMIT,
): PromptIndex {
  const total = all.length;
  const isComplete = total <= limit;
  const listed = isComplete
    ? [...all].sort((left, right) => left.name.localeCompare(right.name))
    : ranked.slice(0, limit);
  const header = isComplete
    ? `Skills (${total}). Call load_skill(name) to read one before you follow it.`
    : `Skills: ${total} in the catalog; the ${listed.length} most relevant to this question are listed. ` +
      'Call search_skills(query) to find others and load_skill(name) to read one before you follow it.';
  const text = [header, ...listed.map(line)].join('\n');
  return { text, tokens: estimateTokens(text), included: listed.map((entry) => entry.name), total, isComplete };
}
