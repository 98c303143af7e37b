import { redactText } from '../../redaction/index.js';

/** Log text reduced for the model: redacted, repeated lines collapsed, optionally filtered. */
export interface CondensedLog {
  lines: string[];
  /** Lines in the raw text before filtering and collapsing. */
  totalLines: number;
  /** Lines dropped because they repeated the previous line (ignoring timestamps and numbers). */
  collapsedLines: number;
  matchedLines?: number;
}

const TIMESTAMP =
  /^\s*(\d{4}-\d{2}-\d{2}[T ][\d:.,]+(Z|[+-]\d{2}:?\d{2})?|\[\d{4}-\d{2}-\d{2}[^\]]*\]|\d{2}:\d{2}:\d{2}(\.\d+)?)\s*/;

/** A line's identity for collapsing: no leading timestamp, digits folded. */
function shapeOf(line: string): string {
  return line.replace(TIMESTAMP, '').replace(/\d+/g, '#').trim();
}

/**
 * Redacts secrets, keeps lines matching `grep` (case-insensitive substring or /regex/), and
 * collapses runs of lines that differ only in timestamps and numbers into one line with a count.
 */
export function condenseLog(text: string, options: { grep?: string; maxLineChars?: number } = {}): CondensedLog {
  const raw = text.split(/\r?\n/);
  if (raw.at(-1) === '') raw.pop();
  let matcher: ((line: string) => boolean) | undefined;
  if (options.grep) {
    const regex = /^\/(.+)\/([a-z]*)$/.exec(options.grep);
    if (regex?.[1]) {
      const pattern = new RegExp(regex[1], (regex[2] ?? '').replace(/[gy]/g, '') || 'i');
      matcher = (line) => pattern.test(line);
    } else {
      const needle = options.grep.toLowerCase();
      matcher = (line) => line.toLowerCase().includes(needle);
    }
  }
  const selected = matcher ? raw.filter(matcher) : raw;
  const maxLineChars = options.maxLineChars ?? 400;
  const lines: string[] = [];
  let collapsed = 0;
  let runShape: string | undefined;
  let runCount = 0;
  const flush = () => {
    if (runCount > 1) lines.push(`  [previous line repeated ${runCount - 1} more times]`);
  };
  for (const line of selected) {
    const shape = shapeOf(line);
    if (shape === runShape) {
      runCount += 1;
      collapsed += 1;
      continue;
    }
    flush();
    runShape = shape;
    runCount = 1;
    const clean = redactText(line);
    lines.push(clean.length > maxLineChars ? `${clean.slice(0, maxLineChars)} …[line truncated]` : clean);
  }
  flush();
  return {
    lines,
    totalLines: raw.length,
    collapsedLines: collapsed,
    ...(matcher ? { matchedLines: selected.length } : {}),
  };
}
