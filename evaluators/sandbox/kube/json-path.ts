/**
 * The small JSONPath subset CRD printer columns use: `.a.b`, `[0]`, `['key']` and filters
 * like `[?(@.type == "Ready")]` (first match).
 */

/** Evaluates `path` against `value`; undefined when any step is missing. */
export function evaluateJsonPath(value: unknown, path: string): unknown {
  const tokens = path.match(/\[\?\(@\.[A-Za-z0-9_.]+\s*==\s*["'][^"']*["']\)\]|\[[^\]]+\]|\.[^.[]+/g) ?? [];
  let current: unknown = value;
  for (const token of tokens) {
    if (current === undefined || current === null) return undefined;
    const filter = /^\[\?\(@\.([A-Za-z0-9_.]+)\s*==\s*["']([^"']*)["']\)\]$/.exec(token);
    if (filter) {
      if (!Array.isArray(current)) return undefined;
      const [, field = '', expected] = filter;
      current = current.find((item) => String(evaluateJsonPath(item, `.${field}`)) === expected);
      continue;
    }
    if (token.startsWith('[')) {
      const inner = token.slice(1, -1).replace(/^['"]|['"]$/g, '');
      current = Array.isArray(current) ? current[Number(inner)] : (current as Record<string, unknown>)[inner];
      continue;
    }
    current = typeof current === 'object' ? (current as Record<string, unknown>)[token.slice(1)] : undefined;
  }
  return current;
}
