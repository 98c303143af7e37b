import type { EvidenceKind } from '../skills/evidence.js';

/** An evidence line as the stored answer keeps it (structured, with its kind). */
export interface EvidenceLine {
  text: string;
  source: string;
  kind?: EvidenceKind;
}

const SIGNAL_KIND: Record<EvidenceKind, string> = {
  container_state: 'reason',
  event: 'event',
  argocd: 'argocd',
  kyverno: 'kyverno',
  log: 'log',
  service: 'service',
  other: 'any',
};

const STOP_WORDS = new Set(
  (
    'the a an and or of to in on for from with was were is are it its this that not no but by as at be ' +
    'has have had which when what why how there their them they then than into out because wrong right ' +
    'actually really just set'
  ).split(' '),
);

/** The words that carry meaning (lowercase), for comparing corrections and evidence. */
export function significantWords(text: string): string[] {
  return (text.toLowerCase().match(/[a-z0-9][a-z0-9_.-]*[a-z0-9]|[a-z0-9]/g) ?? []).filter(
    (word) => word.length >= 3 && !STOP_WORDS.has(word),
  );
}

/** Word-set overlap (Jaccard) of two texts, 0..1: how alike two corrections are. */
export function similarity(left: string, right: string): number {
  const a = new Set(significantWords(left));
  const b = new Set(significantWords(right));
  if (a.size === 0 || b.size === 0) return 0;
  let shared = 0;
  for (const word of a) if (b.has(word)) shared += 1;
  return shared / (a.size + b.size - shared);
}

/** The evidence line that best supports the corrected cause (most shared words), if any shares one. */
export function supportingLine(lines: readonly EvidenceLine[], correction: string): EvidenceLine | undefined {
  const wanted = new Set(significantWords(correction));
  let best: { line: EvidenceLine; score: number } | undefined;
  for (const line of lines) {
    const score = new Set(significantWords(line.text).filter((word) => wanted.has(word))).size;
    if (score > 0 && (!best || score > best.score)) best = { line, score };
  }
  return best?.line;
}

function escapeSubstring(text: string): string {
  return text.replace(/[\\"]/g, (character) => `\\${character}`);
}

/**
 * A signal clause for the evidence line (kind from the line's kind, a substring pattern covering
 * the words it shares with the correction, at most 60 characters), weighted `^2` so the corrected
 * skill outranks a look-alike. Undefined when the line shares no word with the correction.
 */
export function clauseFor(line: EvidenceLine, correction: string): string | undefined {
  const wanted = new Set(significantWords(correction));
  const lower = line.text.toLowerCase();
  const spans: Array<[number, number]> = [];
  for (const word of new Set(significantWords(line.text))) {
    if (!wanted.has(word)) continue;
    const at = lower.indexOf(word);
    if (at >= 0) spans.push([at, at + word.length]);
  }
  if (spans.length === 0) return undefined;
  spans.sort((left, right) => left[0] - right[0]);
  // The longest run of shared words that fits in 60 characters.
  let best: [number, number] = spans[0] ?? [0, 0];
  for (let first = 0; first < spans.length; first += 1) {
    for (let last = first; last < spans.length; last += 1) {
      const start = spans[first]?.[0] ?? 0;
      const end = Math.max(...spans.slice(first, last + 1).map((span) => span[1]));
      if (end - start <= 60 && end - start > best[1] - best[0]) best = [start, end];
    }
  }
  const fragment = line.text.slice(best[0], best[1]).replace(/\s+/g, ' ').trim();
  if (fragment.length < 3) return undefined;
  return `${SIGNAL_KIND[line.kind ?? 'other']}~"${escapeSubstring(fragment)}" ^2`;
}
