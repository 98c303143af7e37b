import { z } from 'zod';

/**
 * Output budget of one tool result. ~4 characters per token, so the default keeps a result
 * near 2k tokens; every cut says what was left out and how to get it.
 */
export const DEFAULT_MAX_CHARS = 8_000;

/** `limit` input shared by list-like tools. */
export const limitSchema = (defaultLimit: number, max = 500) =>
  z.number().int().min(1).max(max).default(defaultLimit).describe(`Maximum items to return (default ${defaultLimit}).`);

/** `cursor` input shared by list-like tools: the opaque value a previous result printed. */
export const cursorSchema = z
  .string()
  .max(64)
  .optional()
  .describe('Opaque cursor from a previous result ("next cursor: ...") to continue the list.');

/** One page of a list plus what is needed to say what was left out. */
export interface Page<T> {
  items: T[];
  total: number;
  offset: number;
  nextCursor?: string;
}

/** Encodes a list offset as an opaque cursor. */
export function encodeCursor(offset: number): string {
  return Buffer.from(`o:${offset}`, 'utf8').toString('base64url');
}

/** Decodes a cursor; a malformed one restarts at 0 rather than failing the call. */
export function decodeCursor(cursor: string | undefined): number {
  if (!cursor) return 0;
  const match = /^o:(\d{1,9})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  return match ? Number(match[1]) : 0;
}

/** Takes one page of `items` at the cursor. */
export function paginate<T>(items: readonly T[], limit: number, cursor?: string): Page<T> {
  const offset = Math.min(decodeCursor(cursor), items.length);
  const page = items.slice(offset, offset + limit);
  const next = offset + page.length;
  return {
    items: page,
    total: items.length,
    offset,
    ...(next < items.length ? { nextCursor: encodeCursor(next) } : {}),
  };
}

/** The "left out" line of a page, or undefined when nothing was left out. */
export function pageFooter(page: Page<unknown>, noun: string): string | undefined {
  if (page.nextCursor === undefined) return undefined;
  const shown = page.items.length;
  const remaining = page.total - page.offset - shown;
  return (
    `… ${remaining} more ${noun} not shown (showing ${page.offset + 1}-${page.offset + shown} of ${page.total}); ` +
    `next cursor: ${page.nextCursor}`
  );
}

/**
 * Joins lines until the character budget is spent; the rest is replaced by one line saying how
 * many lines were dropped and what to pass to see them.
 */
export function fitLines(
  lines: readonly string[],
  maxChars = DEFAULT_MAX_CHARS,
  hint = 'narrow the query or pass a smaller limit',
): string {
  const kept: string[] = [];
  let used = 0;
  for (const [index, line] of lines.entries()) {
    if (used + line.length + 1 > maxChars && kept.length > 0) {
      kept.push(`… ${lines.length - index} more lines left out to stay within the output budget; ${hint}.`);
      break;
    }
    kept.push(line.length > maxChars ? `${line.slice(0, maxChars - 20)} …[truncated]` : line);
    used += line.length + 1;
  }
  return kept.join('\n');
}

/**
 * Shortens one value for a single output line, cutting from the middle: error messages carry
 * the context at the start and the cause at the end ("...: not found").
 */
export function clip(text: string, max = 300): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= max) return flat;
  const head = Math.ceil((max - 3) * 0.6);
  const tail = max - 3 - head;
  return `${flat.slice(0, head)} … ${flat.slice(flat.length - tail)}`;
}

/** Human age of a timestamp relative to `now` ("45s", "12m", "3h", "5d"); "?" when unknown. */
export function formatAge(timestamp: string | undefined, now: Date): string {
  if (!timestamp) return '?';
  const millis = now.getTime() - Date.parse(timestamp);
  if (!Number.isFinite(millis)) return '?';
  const seconds = Math.max(0, Math.round(millis / 1000));
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 120) return `${minutes}m`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `${hours}h`;
  return `${Math.round(hours / 24)}d`;
}

/** Case-insensitive edit distance, for "did you mean" suggestions. */
export function editDistance(a: string, b: string): number {
  const left = a.toLowerCase();
  const right = b.toLowerCase();
  let previous = Array.from({ length: right.length + 1 }, (_, index) => index);
  for (let i = 1; i <= left.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= right.length; j += 1) {
      const substitution = (previous[j - 1] ?? 0) + (left[i - 1] === right[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[right.length] ?? 0;
}

/** Up to `count` candidates closest to `wanted` (substring matches first, then edit distance). */
export function closestMatches(wanted: string, candidates: readonly string[], count = 3): string[] {
  const needle = wanted.toLowerCase();
  return [...new Set(candidates)]
    .map((candidate) => {
      const lower = candidate.toLowerCase();
      const contains = lower.includes(needle) || needle.includes(lower);
      return { candidate, score: (contains ? 0 : 100) + editDistance(needle, lower) };
    })
    .filter((entry) => entry.score < 100 + Math.max(3, Math.ceil(needle.length / 2)))
    .sort((x, y) => x.score - y.score || x.candidate.localeCompare(y.candidate))
    .slice(0, count)
    .map((entry) => entry.candidate);
}
