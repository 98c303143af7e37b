import type { EvidenceKind } from './evidence.js';

/**
 * The `metadata.signals` syntax: a compact list of clauses, separated by `;` or new lines,
 * each naming what to look for in an evidence bundle. Documented in skills/README.md.
 *
 *   clause  = ["!"] kind [":" value] ["~" pattern] ["^" weight]
 *   kind    = reason | event | argocd | kyverno | log | service | any
 *   value   = a word such as CrashLoopBackOff, FailedScheduling, OutOfSync, fail
 *   pattern = "substring" (case-insensitive, \" and \\ escape) | /regex/flags (flags from imsu)
 *   weight  = number from 0.1 to 10 that scales the clause's score (default 1)
 *
 * A leading `!` makes a counter-signal: when it hits, its weight is subtracted, which keeps
 * look-alike skills apart (probe-failures carries `!reason:OOMKilled`).
 */

/** The signal kinds and the evidence kinds each one reads. */
export const SIGNAL_KINDS = {
  reason: ['container_state'],
  event: ['event'],
  argocd: ['argocd'],
  kyverno: ['kyverno'],
  log: ['log'],
  service: ['service'],
  any: ['container_state', 'event', 'argocd', 'kyverno', 'log', 'service', 'other'],
} as const satisfies Record<string, readonly EvidenceKind[]>;

export type SignalKind = keyof typeof SIGNAL_KINDS;

/** A text pattern: a case-insensitive substring or a regular expression. */
export type SignalPattern = { type: 'substring'; text: string } | { type: 'regex'; source: string; flags: string };

/** One parsed clause. `raw` is its text as written (for reports). */
export interface Signal {
  raw: string;
  kind: SignalKind;
  value?: string;
  pattern?: SignalPattern;
  weight: number;
  isCounter: boolean;
}

/** A syntax error at a character offset of the signals string. */
export interface SignalSyntaxError {
  offset: number;
  clause: string;
  message: string;
}

export interface ParsedSignals {
  signals: Signal[];
  errors: SignalSyntaxError[];
}

const VALUE_CHAR = /[A-Za-z0-9_.\-/]/;
const REGEX_FLAGS = /^[imsu]*$/;

/** Splits the string into clauses on `;` and new lines that sit outside quotes and regexes. */
function splitClauses(input: string): Array<{ text: string; offset: number }> {
  const clauses: Array<{ text: string; offset: number }> = [];
  let start = 0;
  let quote: '"' | '/' | undefined;
  for (let index = 0; index < input.length; index += 1) {
    const char = input[index];
    if (quote && char !== '\n') {
      if (char === '\\') index += 1;
      else if (char === quote) quote = undefined;
      continue;
    }
    if (char === '\n') quote = undefined;
    if (char === '"') quote = '"';
    else if (char === '/' && /~\s*$/.test(input.slice(start, index))) quote = '/';
    else if (char === ';' || char === '\n') {
      clauses.push({ text: input.slice(start, index), offset: start });
      start = index + 1;
    }
  }
  clauses.push({ text: input.slice(start), offset: start });
  return clauses
    .map((clause) => {
      const leading = clause.text.length - clause.text.trimStart().length;
      return { text: clause.text.trim(), offset: clause.offset + leading };
    })
    .filter((clause) => clause.text.length > 0);
}

/** Reads a quoted or slash-delimited pattern starting at `index` (on the opening delimiter). */
function readPattern(clause: string, index: number): { pattern: SignalPattern; end: number } | string {
  const open = clause[index];
  if (open !== '"' && open !== '/') return 'a pattern after ~ must be "substring" or /regex/';
  let text = '';
  let cursor = index + 1;
  for (; cursor < clause.length; cursor += 1) {
    const char = clause[cursor];
    if (char === '\\' && cursor + 1 < clause.length) {
      const next = clause[cursor + 1] ?? '';
      // Substrings unescape \" and \\; regexes keep every escape for RegExp.
      text += open === '"' && (next === '"' || next === '\\') ? next : `${char}${next}`;
      cursor += 1;
      continue;
    }
    if (char === open) break;
    text += char;
  }
  if (cursor >= clause.length) return `unterminated pattern: missing closing ${open}`;
  if (text.length === 0) return 'empty pattern';
  if (open === '"') return { pattern: { type: 'substring', text }, end: cursor + 1 };
  let end = cursor + 1;
  while (end < clause.length && /[a-z]/.test(clause[end] ?? '')) end += 1;
  const flags = clause.slice(cursor + 1, end);
  if (!REGEX_FLAGS.test(flags) || new Set(flags).size !== flags.length) {
    return `regex flags '${flags}' not allowed: use i, m, s or u, once each`;
  }
  try {
    new RegExp(text, flags);
  } catch (error) {
    return `invalid regex /${text}/: ${error instanceof Error ? error.message : String(error)}`;
  }
  return { pattern: { type: 'regex', source: text, flags }, end };
}

function parseClause(clause: string): Signal | string {
  let index = 0;
  const isCounter = clause.startsWith('!');
  if (isCounter) index = 1;
  const kindMatch = /^[a-z_]+/.exec(clause.slice(index));
  const kind = kindMatch?.[0] ?? '';
  if (!(kind in SIGNAL_KINDS)) {
    return (
      `unknown signal kind '${kind || clause.slice(index, index + 12)}': use ` +
      `${Object.keys(SIGNAL_KINDS).join(', ')}`
    );
  }
  index += kind.length;
  const signal: Signal = { raw: clause, kind: kind as SignalKind, weight: 1, isCounter };
  if (clause[index] === ':') {
    index += 1;
    let value = '';
    while (index < clause.length && VALUE_CHAR.test(clause[index] ?? '')) {
      value += clause[index];
      index += 1;
    }
    if (!value) return `missing value after '${kind}:'`;
    signal.value = value;
  }
  while (clause[index] === ' ') index += 1;
  if (clause[index] === '~') {
    index += 1;
    while (clause[index] === ' ') index += 1;
    const read = readPattern(clause, index);
    if (typeof read === 'string') return read;
    signal.pattern = read.pattern;
    index = read.end;
  }
  while (clause[index] === ' ') index += 1;
  if (clause[index] === '^') {
    const weightMatch = /^\^(\d+(?:\.\d+)?)/.exec(clause.slice(index));
    const weight = weightMatch ? Number(weightMatch[1]) : Number.NaN;
    if (!weightMatch || weight < 0.1 || weight > 10) return 'weight after ^ must be a number from 0.1 to 10';
    signal.weight = weight;
    index += weightMatch[0].length;
  }
  while (clause[index] === ' ') index += 1;
  if (index < clause.length) {
    return `unexpected '${clause.slice(index, index + 12)}' in clause (quote patterns: ~"text" or ~/regex/i)`;
  }
  if (signal.value === undefined && signal.pattern === undefined) {
    return `clause '${clause}' needs a value (${kind}:Word) or a pattern (${kind}~"text")`;
  }
  return signal;
}

/** Parses a `metadata.signals` string; every clause error is reported, valid clauses are kept. */
export function parseSignals(input: string): ParsedSignals {
  const signals: Signal[] = [];
  const errors: SignalSyntaxError[] = [];
  for (const clause of splitClauses(input)) {
    const parsed = parseClause(clause.text);
    if (typeof parsed === 'string') errors.push({ offset: clause.offset, clause: clause.text, message: parsed });
    else signals.push(parsed);
  }
  return { signals, errors };
}

/** The base specificity of a clause before catalog rarity: a pattern says more than a word. */
export function baseSpecificity(signal: Signal): number {
  const hasValue = signal.value !== undefined;
  const hasPattern = signal.pattern !== undefined;
  const base = hasValue && hasPattern ? 3 : hasPattern ? 2 : 1;
  return base * signal.weight;
}

/** A canonical key for a clause (kind, value, pattern), used to count how many skills share it. */
export function signalKey(signal: Signal): string {
  const pattern = signal.pattern
    ? signal.pattern.type === 'substring'
      ? `"${signal.pattern.text.toLowerCase()}"`
      : `/${signal.pattern.source}/${signal.pattern.flags}`
    : '';
  return `${signal.kind}:${(signal.value ?? '').toLowerCase()}~${pattern}`;
}
