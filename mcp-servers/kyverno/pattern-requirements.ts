import type { DenyCondition, PolicyRule } from './policy-shapes.js';

/** Strips a Kyverno anchor from a key and says what it means. */
function anchorOf(key: string): { name: string; note: string } {
  const match = /^([=X^+<]?)\((.+)\)$/.exec(key);
  if (!match) return { name: key, note: '' };
  const [, anchor, name = key] = match;
  switch (anchor) {
    case '=':
      return { name, note: ' (if present)' };
    case 'X':
      return { name, note: ' (must be absent)' };
    case '^':
      return { name, note: ' (global condition)' };
    case '+':
      return { name, note: ' (added if absent)' };
    case '<':
      return { name, note: ' (condition on parent)' };
    default:
      return { name, note: ' (condition: only checked when it matches)' };
  }
}

/** A pattern leaf value in words. */
function describeValue(value: unknown): string {
  if (value === null) return 'must not be set';
  if (typeof value !== 'string') return `must be ${JSON.stringify(value)}`;
  if (value === '?*') return 'must be set (any non-empty value)';
  if (value === '*') return 'may be anything';
  if (value === '!*') return 'must not be set';
  if (value.includes('|'))
    return `must be one of ${value
      .split('|')
      .map((part) => part.trim())
      .join(', ')}`;
  if (value.startsWith('!')) return `must not be ${value.slice(1)}`;
  if (/^[<>]=?/.test(value)) return `must be ${value}`;
  if (value.includes('*') || value.includes('?')) return `must match ${value}`;
  return `must be ${value}`;
}

/** Flattens a validate pattern into `path: requirement` lines (anchors explained). */
export function patternRequirements(pattern: unknown, path = ''): string[] {
  if (Array.isArray(pattern)) return pattern.flatMap((item) => patternRequirements(item, `${path}[*]`));
  if (pattern && typeof pattern === 'object') {
    return Object.entries(pattern as Record<string, unknown>).flatMap(([key, value]) => {
      const { name, note } = anchorOf(key);
      const child = path ? `${path}.${name}` : name;
      if (value && typeof value === 'object')
        return patternRequirements(value, child).map((line) =>
          note && !line.includes(note) ? `${line}${note}` : line,
        );
      return [
        `${child} ` +
          (`${note === ' (must be absent)' ? 'must be absent' : describeValue(value)}` +
            `${note === ' (must be absent)' ? '' : note}`),
      ];
    });
  }
  return [`${path || '(value)'} ${describeValue(pattern)}`];
}

function describeCondition(condition: DenyCondition): string {
  const key = typeof condition.key === 'string' ? condition.key : JSON.stringify(condition.key);
  return `${key} ${condition.operator ?? 'Equals'} ${JSON.stringify(condition.value)}`;
}

/** What a resource must satisfy to pass a validate rule, as short lines. */
export function ruleRequirements(rule: PolicyRule): string[] {
  const validate = rule.validate;
  if (!validate) return [];
  const lines: string[] = [];
  if (validate.pattern !== undefined) lines.push(...patternRequirements(validate.pattern));
  if (validate.anyPattern?.length) {
    lines.push(`one of ${validate.anyPattern.length} alternatives:`);
    validate.anyPattern.forEach((alternative, index) =>
      lines.push(...patternRequirements(alternative).map((line) => `  alt ${index + 1}: ${line}`)),
    );
  }
  const deny = validate.deny?.conditions;
  if (deny) {
    const any = Array.isArray(deny) ? deny : (deny.any ?? []);
    const all = Array.isArray(deny) ? [] : (deny.all ?? []);
    if (any.length) lines.push(`denied when any of: ${any.map(describeCondition).join('; ')}`);
    if (all.length) lines.push(`denied when all of: ${all.map(describeCondition).join('; ')}`);
  }
  if (validate.podSecurity)
    lines.push(
      `pods must meet Pod Security Standard '${validate.podSecurity.level ?? '?'}' ` +
        `(${validate.podSecurity.version ?? 'latest'})`,
    );
  for (const expression of validate.cel?.expressions ?? [])
    lines.push(`CEL must hold: ${expression.expression ?? '?'}${expression.message ? ` (${expression.message})` : ''}`);
  if (validate.foreach) lines.push('per-element (foreach) checks; see the rule message');
  return lines;
}
