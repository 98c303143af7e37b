import { z } from 'zod';

/**
 * A small line diff (LCS) rendered as unified-diff hunks with a little context. Manifests are
 * short, so quadratic time is fine; inputs beyond `maxLines` are compared line by line.
 */
export function unifiedDiff(
  before: string,
  after: string,
  options: { context?: number; maxLines?: number } = {},
): string[] {
  const context = options.context ?? 2;
  const maxLines = options.maxLines ?? 1_500;
  const left = before === '' ? [] : before.replace(/\n$/, '').split('\n');
  const right = after === '' ? [] : after.replace(/\n$/, '').split('\n');
  const ops: Array<{ kind: ' ' | '-' | '+'; text: string; leftLine: number; rightLine: number }> = [];
  if (left.length > maxLines || right.length > maxLines) {
    const length = Math.max(left.length, right.length);
    for (let index = 0; index < length; index += 1) {
      if (left[index] === right[index])
        ops.push({ kind: ' ', text: left[index] ?? '', leftLine: index, rightLine: index });
      else {
        if (index < left.length) ops.push({ kind: '-', text: left[index] ?? '', leftLine: index, rightLine: index });
        if (index < right.length) ops.push({ kind: '+', text: right[index] ?? '', leftLine: index, rightLine: index });
      }
    }
  } else {
    const rows = left.length + 1;
    const cols = right.length + 1;
    const table = new Uint32Array(rows * cols);
    for (let i = left.length - 1; i >= 0; i -= 1) {
      for (let j = right.length - 1; j >= 0; j -= 1) {
        table[i * cols + j] =
          left[i] === right[j]
            ? (table[(i + 1) * cols + j + 1] ?? 0) + 1
            : Math.max(table[(i + 1) * cols + j] ?? 0, table[i * cols + j + 1] ?? 0);
      }
    }
    let i = 0;
    let j = 0;
    while (i < left.length || j < right.length) {
      if (i < left.length && j < right.length && left[i] === right[j]) {
        ops.push({ kind: ' ', text: left[i] ?? '', leftLine: i, rightLine: j });
        i += 1;
        j += 1;
      } else if (
        i < left.length &&
        (j >= right.length || (table[(i + 1) * cols + j] ?? 0) >= (table[i * cols + j + 1] ?? 0))
      ) {
        // Deletions before insertions, as diff(1) prints them.
        ops.push({ kind: '-', text: left[i] ?? '', leftLine: i, rightLine: j });
        i += 1;
      } else {
        ops.push({ kind: '+', text: right[j] ?? '', leftLine: i, rightLine: j });
        j += 1;
      }
    }
  }
  const changed = ops.map((op, index) => (op.kind === ' ' ? -1 : index)).filter((index) => index >= 0);
  if (changed.length === 0) return [];
  const lines: string[] = [];
  let start = 0;
  while (start < changed.length) {
    let end = start;
    while (end + 1 < changed.length && (changed[end + 1] ?? 0) - (changed[end] ?? 0) <= context * 2 + 1) end += 1;
    const from = Math.max(0, (changed[start] ?? 0) - context);
    const to = Math.min(ops.length - 1, (changed[end] ?? 0) + context);
    const first = ops[from];
    const hunk = ops.slice(from, to + 1);
    const leftCount = hunk.filter((op) => op.kind !== '+').length;
    const rightCount = hunk.filter((op) => op.kind !== '-').length;
    lines.push(`@@ -${(first?.leftLine ?? 0) + 1},${leftCount} +${(first?.rightLine ?? 0) + 1},${rightCount} @@`);
    for (const op of hunk) lines.push(`${op.kind}${op.text}`);
    start = end + 1;
  }
  return lines;
}

/** One hunk of a unified diff as data: where it starts on each side and its lines. */
export interface DiffHunk {
  oldStart: number;
  oldLines: number;
  newStart: number;
  newLines: number;
  /** The hunk body: each line starts with ' ', '-' or '+'. */
  lines: string[];
}

/** Output schema of a `DiffHunk`. */
export const hunkSchema = z.object({
  oldStart: z.number().int(),
  oldLines: z.number().int(),
  newStart: z.number().int(),
  newLines: z.number().int(),
  lines: z.array(z.string()),
});

const HUNK_HEADER = /^@@ -(\d+),(\d+) \+(\d+),(\d+) @@$/;

/** Splits `unifiedDiff` output into hunks (the header numbers parsed, body lines kept). */
export function diffHunks(lines: readonly string[]): DiffHunk[] {
  const hunks: DiffHunk[] = [];
  for (const line of lines) {
    const header = HUNK_HEADER.exec(line);
    if (header)
      hunks.push({
        oldStart: Number(header[1]),
        oldLines: Number(header[2]),
        newStart: Number(header[3]),
        newLines: Number(header[4]),
        lines: [],
      });
    else hunks.at(-1)?.lines.push(line);
  }
  return hunks;
}
