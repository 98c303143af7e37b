/**
 * Kubernetes label selectors as Argo CD's `selector` query accepts them: `k=v`, `k==v`, `k!=v`,
 * `k in (a,b)`, `k notin (a,b)`, `k` and `!k`, comma-separated (all must match).
 */
export function parseLabelSelector(selector: string): (labels: Readonly<Record<string, string>>) => boolean {
  const requirements: Array<(labels: Readonly<Record<string, string>>) => boolean> = [];
  const parts = selector.match(/(?:[^,(]|\([^)]*\))+/g) ?? [];
  if (parts.join(',').replace(/\s/g, '') !== selector.replace(/\s/g, '').replace(/^,+|,+$/g, '')) {
    throw new Error(`unable to parse requirement: '${selector}'`);
  }
  for (const raw of parts) {
    const part = raw.trim();
    if (part === '') continue;
    let match: RegExpExecArray | null;
    if ((match = /^([\w./-]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(part))) {
      const [, key = '', operator, list = ''] = match;
      const values = new Set(list.split(',').map((value) => value.trim()));
      requirements.push(
        operator === 'in' ? (labels) => values.has(labels[key] ?? '\0') : (labels) => !values.has(labels[key] ?? '\0'),
      );
    } else if ((match = /^([\w./-]+)\s*(==|=|!=)\s*([\w./-]*)$/.exec(part))) {
      const [, key = '', operator, value = ''] = match;
      requirements.push(operator === '!=' ? (labels) => labels[key] !== value : (labels) => labels[key] === value);
    } else if ((match = /^!\s*([\w./-]+)$/.exec(part))) {
      const key = match[1] ?? '';
      requirements.push((labels) => !(key in labels));
    } else if ((match = /^([\w./-]+)$/.exec(part))) {
      const key = match[1] ?? '';
      requirements.push((labels) => key in labels);
    } else {
      throw new Error(`unable to parse requirement: '${part}'`);
    }
  }
  return (labels) => requirements.every((requirement) => requirement(labels));
}
