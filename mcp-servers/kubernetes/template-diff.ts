/**
 * What a rollout changed in the pod template, field by field: `containers[api].resources.limits.memory:
 * 512Mi -> 256Mi`, `initContainers[migrate]: added`, `volumes[plan].configMap.name: a -> b`. Lists
 * are keyed by `name` (or `mountPath`, `containerPort`), so reordering is not a change. Values that
 * look secret (names with password, token, secret, key, credential) are never shown.
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const SECRET_NAME = /pass(word)?|secret|token|credential|api[-_]?key|private[-_]?key/i;
const MAX_VALUE = 80;
const MAX_CHANGES = 8;

/** Keys a list's items are matched by, first found wins. */
const LIST_KEYS = ['name', 'mountPath', 'containerPort', 'key'] as const;

function keyOf(item: Json, index: number): string {
  if (item && typeof item === 'object' && !Array.isArray(item))
    for (const key of LIST_KEYS) {
      const value = item[key];
      if (typeof value === 'string' || typeof value === 'number') return String(value);
    }
  return String(index);
}

function show(value: Json | undefined, path: string): string {
  if (value === undefined) return '(none)';
  if (SECRET_NAME.test(path)) return '(value hidden)';
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > MAX_VALUE ? `${text.slice(0, MAX_VALUE - 2)} …` : text;
}

/** Fields that say what an added list item is (a container's image and command, a volume's source). */
const TELLING_FIELDS = [
  'image',
  'command',
  'args',
  'mountPath',
  'configMap',
  'secret',
  'persistentVolumeClaim',
  'value',
];

/** ` (image x, command y)` for an added item, from its telling fields only (not every defaulted one). */
function gistOf(item: Json, path: string): string {
  if (!item || typeof item !== 'object' || Array.isArray(item)) return ` ${show(item, path)}`;
  const parts = TELLING_FIELDS.filter((field) => item[field] !== undefined).map((field) => {
    const value = item[field];
    return `${field} ${show(Array.isArray(value) ? value.join(' ') : value, `${path}.${field}`)}`;
  });
  return parts.length > 0 ? ` (${parts.join(', ')})` : '';
}

/** One leaf field that differs between two pod specs, its values as shown (secret-looking ones hidden). */
export interface FieldChange {
  path: string;
  /** Absent: the field was not set before. */
  from?: string;
  /** Absent: the field is not set now. */
  to?: string;
}

function leafChange(path: string, older: Json | undefined, newer: Json | undefined): FieldChange {
  return {
    path,
    ...(older === undefined ? {} : { from: show(older, path) }),
    ...(newer === undefined ? {} : { to: show(newer, path) }),
  };
}

function walk(
  older: Json | undefined,
  newer: Json | undefined,
  path: string,
  out: string[],
  fields: FieldChange[],
): void {
  if (JSON.stringify(older) === JSON.stringify(newer)) return;
  if (Array.isArray(older) || Array.isArray(newer)) {
    const left = new Map((Array.isArray(older) ? older : []).map((item, index) => [keyOf(item, index), item]));
    const right = new Map((Array.isArray(newer) ? newer : []).map((item, index) => [keyOf(item, index), item]));
    for (const [key, item] of right) {
      const name = `${path}[${key}]`;
      if (!left.has(key)) out.push(`${name}: added${gistOf(item, name)}`);
      else walk(left.get(key), item, name, out, fields);
    }
    for (const key of left.keys()) if (!right.has(key)) out.push(`${path}[${key}]: removed`);
    return;
  }
  const isObject = (value: Json | undefined): value is { [key: string]: Json } =>
    value !== null && typeof value === 'object' && !Array.isArray(value);
  if (isObject(older) && isObject(newer)) {
    for (const key of new Set([...Object.keys(older), ...Object.keys(newer)]))
      walk(older[key], newer[key], path ? `${path}.${key}` : key, out, fields);
    return;
  }
  out.push(`${path}: ${show(older, path)} -> ${show(newer, path)}`);
  fields.push(leafChange(path, older, newer));
}

/**
 * The fields of two pod specs (`template.spec`) that differ, at most eight, leaves only; `skip`
 * drops paths another line already reports (images, env names).
 */
export function podSpecChanges(
  older: unknown,
  newer: unknown,
  skip: (path: string) => boolean = () => false,
): string[] {
  const out: string[] = [];
  // Pod specs come from the API server as JSON; nothing else reaches here.
  walk(older as Json | undefined, newer as Json | undefined, '', out, []);
  const kept = out.filter((line) => !skip(line.slice(0, line.indexOf(':'))));
  return kept.length > MAX_CHANGES
    ? [...kept.slice(0, MAX_CHANGES), `… ${kept.length - MAX_CHANGES} more fields`]
    : kept;
}

/**
 * The leaf fields of two pod specs that differ, as data (`containers[api].resources.limits.cpu`
 * from `500m` to unset), at most eight; `skip` as for podSpecChanges.
 */
export function podSpecFieldChanges(
  older: unknown,
  newer: unknown,
  skip: (path: string) => boolean = () => false,
): FieldChange[] {
  const fields: FieldChange[] = [];
  walk(older as Json | undefined, newer as Json | undefined, '', [], fields);
  return fields.filter((field) => !skip(field.path)).slice(0, MAX_CHANGES);
}
