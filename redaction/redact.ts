import { entropySecretRanges } from './entropy.js';
import { presetSecretRanges, type SecretRange } from './preset-rules.js';
import { isSecretName, patternSecretRanges } from './token-patterns.js';

/** What replaces every secret. */
export const REDACTED = '[redacted]';

const MAX_DEPTH = 64;
const LETTERS_ONLY = /^[A-Za-z.]*$/;
/** Annotations whose value is a whole object serialised as JSON (kubectl's last-applied copy). */
const JSON_ANNOTATION = /last-applied-configuration$/;

/**
 * Replaces every secret in a string: the rules of secretlint's recommended preset, the extra
 * token and Kubernetes-shaped patterns (flags, env assignments, YAML env entries, prose), and
 * the entropy checks. Conservative by design: a false positive costs a little context, a false
 * negative leaks a credential.
 */
export function redactText(text: string): string {
  // One word of letters and dots (reasons, kinds): no rule below can match such a string, so skip the passes.
  if (text.length < 8 || (text.length < 64 && LETTERS_ONLY.test(text))) return text;
  const ranges = [...presetSecretRanges(text), ...patternSecretRanges(text), ...entropySecretRanges(text)];
  return ranges.length === 0 ? text : replaceRanges(text, ranges);
}

/** Whether `text` holds anything {@link redactText} would replace. */
export function containsSecret(text: string): boolean {
  return redactText(text) !== text;
}

function replaceRanges(text: string, ranges: SecretRange[]): string {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0] || b[1] - a[1]);
  let out = '';
  let cursor = 0;
  for (const [start, end] of sorted) {
    if (end <= cursor) continue;
    out += text.slice(cursor, Math.max(cursor, start)) + REDACTED;
    cursor = end;
  }
  return out + text.slice(cursor);
}

/**
 * A deep copy of a JSON-like value with every secret removed. Structural rules come first:
 * a Secret's `data` and `stringData` lose every value (keys stay, they say what is there); an
 * env entry `{name, value}` whose name looks secret loses its value; any scalar under a key
 * whose name looks secret (annotations, ConfigMap keys, JSON fields) is replaced (numbers and
 * booleans are not secrets: token counts stay); kubectl's
 * last-applied annotation is parsed and redacted as the object it is. Every other string goes
 * through {@link redactText}. Values nested deeper than 64 levels are replaced whole.
 */
export function redactValue<T>(value: T): T {
  return walk(value, 0) as T;
}

function walk(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return redactText(value);
  if (value === null || typeof value !== 'object') return value;
  if (depth > MAX_DEPTH) return REDACTED;
  if (Array.isArray(value)) return value.map((item) => walk(item, depth + 1));
  const record = value as Record<string, unknown>;
  const isSecretObject = record.kind === 'Secret';
  const isEnvEntry = typeof record.name === 'string' && 'value' in record && isSecretName(record.name);
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(record)) {
    if (isSecretObject && (key === 'data' || key === 'stringData')) out[key] = blankValues(item);
    else if (isEnvEntry && key === 'value') out[key] = item === null || item === '' ? item : REDACTED;
    else if (typeof item === 'string' && JSON_ANNOTATION.test(key)) out[key] = redactJsonText(item);
    else if (typeof item === 'string' && item !== '' && isSecretName(key)) out[key] = REDACTED;
    else out[key] = walk(item, depth + 1);
  }
  return out;
}

/** A size marker a server already put in place of a Secret value (`<redacted: 12 bytes>`): kept, it holds no secret. */
const SIZE_MARKER = /^<redacted: \d+ bytes>$/;

/** Every value of a map replaced; an absent or empty map is kept as it is. */
function blankValues(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value === undefined || value === null ? value : REDACTED;
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [
      key,
      typeof item === 'string' && SIZE_MARKER.test(item) ? item : REDACTED,
    ]),
  );
}

function redactJsonText(text: string): string {
  try {
    return JSON.stringify(walk(JSON.parse(text) as unknown, 1));
  } catch {
    // Not JSON after all: the text rules still apply.
    return redactText(text);
  }
}
