/** The fields a unified diff of one resource changes, read from its `-live`/`+desired` lines. */

/** One field that differs: its name (a list item's `name:` when the key is generic), live and git values. */
export interface DriftedField {
  field: string;
  live: string;
  desired: string;
}

/** Keys whose name alone says nothing: the list item's `name:` names the field (`- name: X` / `value: debug`). */
const GENERIC_KEYS = new Set(['value', 'image', 'mountPath', 'containerPort', 'key']);

interface ParsedLine {
  sign: '-' | '+' | ' ';
  indent: number;
  key: string;
  value: string;
}

/** `-      replicas: 4` → sign, indentation (a `- ` list marker counts as indentation), key and value. */
function parse(line: string): ParsedLine | undefined {
  const sign = line[0];
  if (sign !== '-' && sign !== '+' && sign !== ' ') return undefined;
  if (line.startsWith('---') || line.startsWith('+++')) return undefined;
  const body = line.slice(1);
  const match = /^(\s*(?:-\s+)?)([\w.\-/]+):\s*(.*)$/.exec(body);
  if (!match) return undefined;
  return { sign, indent: (match[1] ?? '').length, key: match[2] ?? '', value: (match[3] ?? '').trim() };
}

/**
 * The scalar fields a diff changes, live value (`-`) against git (`+`), in diff order. A generic
 * key (`value`) is named by the nearest `name:` above it at the same depth, so an env change reads
 * `LOG_LEVEL: debug → info` rather than `value`.
 */
export function driftedFields(lines: readonly string[]): DriftedField[] {
  const parsed = lines.map(parse);
  const fields: DriftedField[] = [];
  const nameAbove = (index: number, indent: number): string | undefined => {
    for (let above = index - 1; above >= 0; above -= 1) {
      const line = parsed[above];
      if (!line) continue;
      if (line.indent < indent - 2) return undefined;
      if (line.key === 'name' && line.indent === indent && line.value) return line.value;
    }
    return undefined;
  };
  parsed.forEach((line, index) => {
    if (line?.sign !== '-' || !line.value) return;
    const desired = parsed
      .slice(index + 1, index + 4)
      .find((other) => other?.sign === '+' && other.key === line.key && other.indent === line.indent);
    if (!desired || desired.value === line.value) return;
    const named = GENERIC_KEYS.has(line.key) ? nameAbove(index, line.indent) : undefined;
    fields.push({ field: named ?? line.key, live: line.value, desired: desired.value });
  });
  return fields;
}

/** `replicas is 4 live, 2 in git; LOG_LEVEL is debug live, info in git`. */
export function describeDrift(fields: readonly DriftedField[]): string {
  return fields.map((field) => `${field.field} is ${field.live} live, ${field.desired} in git`).join('; ');
}
