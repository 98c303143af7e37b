/** Text shaping for answers: cut at word boundaries, and one sentence where one is asked for. */

/**
 * `text` at most `max` characters, cut at the last word boundary that fits and marked ` …` (a
 * space, then the ellipsis, so a reader sees that whole words were kept); never mid-word.
 * Whitespace is collapsed.
 */
export function clipWords(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= max) return flat;
  const room = flat.slice(0, Math.max(1, max - 2));
  const boundary = room.search(/\s\S*$/);
  const cut = boundary > 0 ? room.slice(0, boundary) : room;
  return `${cut.replace(/[\s,;:–—-]+$/, '')} …`;
}

/** Sentence ends inside a text: a `.`, `!` or `?` followed by space and more text (not `e.g.`, `i.e.`). */
const SENTENCE_BREAK = /(?<!\b(?:e\.g|i\.e|etc|vs))([.!?])\s+(?=\S)/g;

/**
 * One sentence from a statement that may hold several (an event message such as
 * `0/3 nodes are available: 3 Insufficient cpu. preemption: …`): inner breaks become `;`,
 * the end is left without a full stop so the caller can go on.
 */
export function asClause(text: string): string {
  return text
    .replace(/\s+/g, ' ')
    .trim()
    .replace(SENTENCE_BREAK, (_whole, mark: string) => (mark === '.' ? '; ' : `${mark === '?' ? '?' : ''}; `))
    .replace(/[.;:,\s]+$/, '');
}

/** Whether a text is one sentence: no sentence break inside it. */
export function isOneSentence(text: string): boolean {
  return !new RegExp(SENTENCE_BREAK.source).test(text.trim().replace(/[.!?]$/, ''));
}

/** Whether a text was cut inside a word: an ellipsis glued to the letters before it (clipWords leaves a space). */
export function hasMidWordCut(text: string): boolean {
  return /[A-Za-z0-9]…/.test(text);
}

/** Lowercase words of a text. */
function words(text: string): string[] {
  return text.toLowerCase().match(/[a-z0-9][a-z0-9./:-]*/g) ?? [];
}

/** The longest run of consecutive words two texts share. */
export function sharedRun(left: string, right: string): number {
  const a = words(left);
  const b = words(right);
  let best = 0;
  const previous = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i += 1) {
    let diagonal = 0;
    for (let j = 1; j <= b.length; j += 1) {
      const above = previous[j] ?? 0;
      previous[j] = a[i - 1] === b[j - 1] ? diagonal + 1 : 0;
      best = Math.max(best, previous[j] ?? 0);
      diagonal = above;
    }
  }
  return best;
}
