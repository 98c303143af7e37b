/**
 * Kyverno `validate.pattern` matching (the subset documented in README.md): anchors `(k)`
 * condition, `=(k)` equality, `X(k)` negation, `^(k)` existence, `<(k)` global, `+(k)` add; value operators `*`, `?`,
 * `!`, `|`, `&`, `>`, `>=`,
 * `<`, `<=`, ranges `a-b` / `a!-b`, quantities; arrays matched element by element.
 */
import { parseQuantity } from '../kube/quantity.js';

/** Result of matching a resource against a pattern. */
export type PatternResult =
  | { status: 'pass' }
  /** A conditional or global anchor did not match: the pattern does not apply here. */
  | { status: 'skip'; path: string; isGlobal: boolean }
  | { status: 'fail'; path: string };

type Anchor = 'condition' | 'equality' | 'negation' | 'global' | 'existence' | 'add' | 'none';

/** Splits an anchored key like `=(name)` into the anchor and the plain key. */
export function parseAnchor(key: string): { anchor: Anchor; key: string } {
  const match = /^([=X^<+]?)\((.+)\)$/.exec(key);
  if (!match) return { anchor: 'none', key };
  const prefix = match[1] ?? '';
  const anchor: Anchor =
    prefix === ''
      ? 'condition'
      : prefix === '='
        ? 'equality'
        : prefix === 'X'
          ? 'negation'
          : prefix === '^'
            ? 'existence'
            : prefix === '<'
              ? 'global'
              : 'add';
  return { anchor, key: match[2] ?? key };
}

const PASS: PatternResult = { status: 'pass' };

/** Matches `resource` against `pattern`; `path` is the JSON-pointer-like path with a trailing slash. */
export function matchPattern(resource: unknown, pattern: unknown, path = '/'): PatternResult {
  if (pattern !== null && typeof pattern === 'object' && !Array.isArray(pattern))
    return matchObject(resource, pattern as Record<string, unknown>, path);
  if (Array.isArray(pattern)) return matchArray(resource, pattern, path);
  return matchValue(resource, pattern) ? PASS : { status: 'fail', path };
}

function matchObject(resource: unknown, pattern: Record<string, unknown>, path: string): PatternResult {
  if (resource === null || typeof resource !== 'object' || Array.isArray(resource)) return { status: 'fail', path };
  const object = resource as Record<string, unknown>;
  const entries = Object.entries(pattern).map(([rawKey, value]) => ({ ...parseAnchor(rawKey), value }));
  // Conditions (and global conditions) decide whether the rest applies at all.
  for (const entry of entries) {
    if (entry.anchor !== 'condition' && entry.anchor !== 'global') continue;
    const childPath = `${path}${entry.key}/`;
    if (!(entry.key in object)) return { status: 'skip', path: childPath, isGlobal: entry.anchor === 'global' };
    const result = matchPattern(object[entry.key], entry.value, childPath);
    if (result.status === 'fail') return { status: 'skip', path: childPath, isGlobal: entry.anchor === 'global' };
    if (result.status === 'skip') return result;
  }
  for (const entry of entries) {
    const childPath = `${path}${entry.key}/`;
    const has = entry.key in object && object[entry.key] !== undefined;
    switch (entry.anchor) {
      case 'condition':
      case 'global':
        break;
      case 'negation':
        if (has) return { status: 'fail', path: childPath };
        break;
      case 'equality':
      case 'add': {
        if (!has) break;
        const result = matchPattern(object[entry.key], entry.value, childPath);
        if (result.status !== 'pass') return result;
        break;
      }
      case 'existence': {
        const list = object[entry.key];
        if (!Array.isArray(list)) return { status: 'fail', path: childPath };
        const element = Array.isArray(entry.value) ? entry.value[0] : entry.value;
        if (!list.some((item, i) => matchPattern(item, element, `${childPath}${i}/`).status === 'pass'))
          return { status: 'fail', path: childPath };
        break;
      }
      case 'none': {
        if (!has) {
          // A missing field only satisfies patterns that allow "nothing" (null or a negation).
          if (entry.value === null || (typeof entry.value === 'string' && entry.value.startsWith('!'))) break;
          return { status: 'fail', path: childPath };
        }
        const result = matchPattern(object[entry.key], entry.value, childPath);
        if (result.status !== 'pass') return result;
        break;
      }
    }
  }
  return PASS;
}

function matchArray(resource: unknown, pattern: unknown[], path: string): PatternResult {
  if (!Array.isArray(resource)) return { status: 'fail', path };
  if (pattern.length === 0) return PASS;
  for (let i = 0; i < resource.length; i++) {
    const element = pattern.length === 1 ? pattern[0] : pattern[i];
    if (element === undefined) continue;
    const result = matchPattern(resource[i], element, `${path}${i}/`);
    if (result.status === 'fail') return result;
    if (result.status === 'skip') {
      if (result.isGlobal) return result;
      continue;
    }
  }
  return PASS;
}

/** Matches a scalar value against a scalar pattern (operators, wildcards, alternatives). */
export function matchValue(value: unknown, pattern: unknown): boolean {
  if (pattern === null) return value === null || value === undefined;
  if (typeof pattern === 'boolean') return value === pattern || String(value) === String(pattern);
  if (typeof pattern === 'number') return Number(value) === pattern || parseQuantity(value) === pattern;
  if (typeof pattern !== 'string') return false;
  if (value !== null && typeof value === 'object') return false;
  return pattern
    .split('|')
    .some((alternative) => alternative.split('&').every((operand) => matchOperand(value, operand.trim())));
}

function matchOperand(value: unknown, operand: string): boolean {
  const text = value === undefined || value === null ? '' : String(value);
  const range = /^(-?[0-9.]+[A-Za-z]*)(!?)-(-?[0-9.]+[A-Za-z]*)$/.exec(operand);
  if (range) {
    const low = parseQuantity(range[1]);
    const high = parseQuantity(range[3]);
    const actual = parseQuantity(value);
    if (low !== undefined && high !== undefined && actual !== undefined) {
      const inside = actual >= low && actual <= high;
      return range[2] === '!' ? !inside : inside;
    }
  }
  for (const operator of ['>=', '<=', '>', '<'] as const) {
    if (!operand.startsWith(operator)) continue;
    const expected = parseQuantity(operand.slice(operator.length).trim());
    const actual = parseQuantity(value);
    if (expected === undefined || actual === undefined) return false;
    switch (operator) {
      case '>=':
        return actual >= expected;
      case '<=':
        return actual <= expected;
      case '>':
        return actual > expected;
      case '<':
        return actual < expected;
    }
  }
  if (operand.startsWith('!')) return !wildcardMatch(text, operand.slice(1));
  if (value === undefined) return false;
  const expectedQuantity = /^[0-9]/.test(operand) ? parseQuantity(operand) : undefined;
  const actualQuantity = typeof value === 'number' || /^[0-9]/.test(text) ? parseQuantity(value) : undefined;
  if (expectedQuantity !== undefined && actualQuantity !== undefined && !/[*?]/.test(operand))
    return expectedQuantity === actualQuantity;
  return wildcardMatch(text, operand);
}

/** Shell-style wildcard match: `*` any run, `?` one character. */
export function wildcardMatch(text: string, pattern: string): boolean {
  if (!pattern.includes('*') && !pattern.includes('?')) return text === pattern;
  const regex = new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replaceAll('*', '.*')
      .replaceAll('?', '.')}$`,
    's',
  );
  return regex.test(text);
}
