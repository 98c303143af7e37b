import { createHash } from 'node:crypto';
import { entropySecretRanges } from './entropy.js';
import { presetSecretRanges, type SecretRange } from './preset-rules.js';
import { activeRedactionScope, createRedactionScope, REDACTED, type RedactionScope } from './redaction-scope.js';
import { isSecretName, scanPatterns } from './token-patterns.js';

export { REDACTED } from './redaction-scope.js';

const MAX_DEPTH = 64;
const LETTERS_ONLY = /^[A-Za-z.]*$/;
/** Annotations whose value is a whole object serialised as JSON (kubectl's last-applied copy). */
const JSON_ANNOTATION = /last-applied-configuration$/;

/** What the text rules made of one string: the redacted text, and the values removed by their key. */
interface RuleResult {
  text: string;
  keyed: readonly string[];
}

/**
 * Recent large texts and what the rules made of them, and each result as its own (already
 * clean) input: a tool's output is redacted by the tool, again as the wire result, and again
 * before the model, and the second and third passes cost a hash. Keyed by a SHA-1 of the text
 * (V8 hashes a long string by its length alone, so long strings as Map keys collide). Only the
 * rules' result is kept: learned values are applied per scope on top.
 */
const CACHE_MIN_LENGTH = 512;
const CACHE_MAX_CHARS = 16_000_000;
const ruleCache = new Map<string, RuleResult>();
let cachedChars = 0;

function fingerprint(text: string): string {
  return createHash('sha1').update(text).digest('base64');
}

function cacheResult(key: string, result: RuleResult): void {
  for (const [entryKey, value] of [
    [key, result],
    [fingerprint(result.text), { text: result.text, keyed: [] }],
  ] as const) {
    if (ruleCache.has(entryKey)) continue;
    ruleCache.set(entryKey, value);
    cachedChars += value.text.length;
  }
  for (const [oldKey, old] of ruleCache) {
    if (cachedChars <= CACHE_MAX_CHARS) break;
    ruleCache.delete(oldKey);
    cachedChars -= old.text.length;
  }
}

/** The text rules over one string: the preset, the extra patterns and the entropy checks. */
function applyRules(text: string, isPrefiltered: boolean): RuleResult {
  // One word of letters and dots (reasons, kinds): no rule below can match such a string, so skip the passes.
  if (text.length < 8 || (text.length < 64 && LETTERS_ONLY.test(text))) return { text, keyed: [] };
  const lower = text.toLowerCase();
  const patterns = scanPatterns(text, lower, isPrefiltered);
  const ranges = [...presetSecretRanges(text, lower, isPrefiltered), ...patterns.ranges, ...entropySecretRanges(text)];
  if (ranges.length === 0) return { text, keyed: [] };
  return { text: replaceRanges(text, ranges), keyed: patterns.keyed.map(([start, end]) => text.slice(start, end)) };
}

function rulesFor(text: string): RuleResult {
  if (text.length < CACHE_MIN_LENGTH) return applyRules(text, true);
  const key = fingerprint(text);
  const cached = ruleCache.get(key);
  if (cached) return cached;
  const result = applyRules(text, true);
  cacheResult(key, result);
  return result;
}

/** How a pass applies the text rules: the fast path, or every rule (the reference). */
type Rules = (text: string) => RuleResult;
const everyRule: Rules = (text) => applyRules(text, false);

/** The text rules, then the values the scope learned (its own `key=value` finds included). */
function redactTextIn(text: string, scope: RedactionScope | undefined, rules: Rules = rulesFor): string {
  const ruled = rules(text);
  const learning = scope ?? (ruled.keyed.length > 0 ? createRedactionScope() : undefined);
  if (!learning) return ruled.text;
  for (const value of ruled.keyed) learning.learn(value);
  return learning.redactLearned(ruled.text);
}

/**
 * Replaces every secret in a string: the rules of secretlint's recommended preset, the extra
 * token and Kubernetes-shaped patterns (flags, env assignments, YAML env entries, prose), and
 * the entropy checks; then every value the active {@link RedactionScope} learned (and the values
 * this text's own `key=value` pairs give away, wherever else they stand in it). Conservative by
 * design: a false positive costs a little context, a false negative leaks a credential.
 */
export function redactText(text: string): string {
  return redactTextIn(text, activeRedactionScope());
}

/**
 * {@link redactText}'s rules without the prefilter or the cache, and without a scope: every regex
 * over every text. The reference the fast path is tested and benchmarked against.
 */
export function redactTextUnfiltered(text: string): string {
  return everyRule(text).text;
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
  return redactValueWith(value, rulesFor);
}

/** {@link redactValue} with every rule over every string, no prefilter or cache (the benchmark's reference). */
export function redactValueUnfiltered<T>(value: T): T {
  return redactValueWith(value, everyRule);
}

function redactValueWith<T>(value: T, rules: Rules): T {
  // Structural values first, wherever they stand, so a bare repeat earlier in the same value is caught too.
  const scope = activeRedactionScope() ?? createRedactionScope();
  learnStructural(value, 0, scope);
  return walk(value, 0, scope, rules) as T;
}

/** Remembers every value a structural rule of {@link walk} removes, without building a copy. */
function learnStructural(value: unknown, depth: number, scope: RedactionScope): void {
  if (value === null || typeof value !== 'object' || depth > MAX_DEPTH) return;
  if (Array.isArray(value)) {
    for (const item of value) learnStructural(item, depth + 1, scope);
    return;
  }
  const record = value as Record<string, unknown>;
  const isSecretObject = record.kind === 'Secret';
  const isEnvEntry = typeof record.name === 'string' && 'value' in record && isSecretName(record.name);
  for (const [key, item] of Object.entries(record)) {
    if (isSecretObject && (key === 'data' || key === 'stringData')) {
      if (item !== null && typeof item === 'object')
        for (const secret of Object.values(item)) if (typeof secret === 'string') scope.learn(secret);
    } else if (isEnvEntry && key === 'value') {
      if (typeof item === 'string') scope.learn(item);
    } else if (typeof item === 'string' && JSON_ANNOTATION.test(key)) {
      learnJsonText(item, depth, scope);
    } else if (typeof item === 'string' && item !== '' && isSecretName(key)) scope.learn(item);
    else learnStructural(item, depth + 1, scope);
  }
}

function learnJsonText(text: string, depth: number, scope: RedactionScope): void {
  try {
    learnStructural(JSON.parse(text) as unknown, depth + 1, scope);
  } catch {
    // Not JSON: the text rules see it when it is redacted.
  }
}

function walk(value: unknown, depth: number, scope: RedactionScope, rules: Rules): unknown {
  if (typeof value === 'string') return redactTextIn(value, scope, rules);
  if (value === null || typeof value !== 'object') return value;
  if (depth > MAX_DEPTH) return REDACTED;
  if (Array.isArray(value)) return value.map((item) => walk(item, depth + 1, scope, rules));
  const record = value as Record<string, unknown>;
  const isSecretObject = record.kind === 'Secret';
  const isEnvEntry = typeof record.name === 'string' && 'value' in record && isSecretName(record.name);
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(record)) {
    if (isSecretObject && (key === 'data' || key === 'stringData')) out[key] = blankValues(item);
    else if (isEnvEntry && key === 'value') out[key] = item === null || item === '' ? item : REDACTED;
    else if (typeof item === 'string' && JSON_ANNOTATION.test(key)) out[key] = redactJsonText(item, scope, rules);
    else if (typeof item === 'string' && item !== '' && isSecretName(key)) out[key] = REDACTED;
    else out[key] = walk(item, depth + 1, scope, rules);
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

function redactJsonText(text: string, scope: RedactionScope, rules: Rules): string {
  try {
    return JSON.stringify(walk(JSON.parse(text) as unknown, 1, scope, rules));
  } catch {
    // Not JSON after all: the text rules still apply.
    return redactTextIn(text, scope, rules);
  }
}
