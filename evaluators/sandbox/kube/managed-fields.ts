/**
 * Server-side field management, as the API server records it in `metadata.managedFields`:
 * one entry per (manager, operation, subresource) with the fields it owns as a FieldsV1 trie
 * (`f:spec`, `k:{"name":"app"}` for keyed list items, `v:"x"` for set members).
 *
 * An Update owns what it changed (creation: everything it wrote, server defaults included) and
 * takes those fields away from the other managers; an Apply owns exactly the fields of its
 * configuration. Entries that own nothing any more are dropped, and the time of an entry moves
 * only when its write changed something. Apply conflicts are not enforced (the write wins as
 * with `--force-conflicts`); status writes of the simulated controllers are not recorded.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { KubeObject } from './cluster-api.js';

/** One `metadata.managedFields` entry. */
export interface ManagedFieldsEntry {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  time: string;
  fieldsType: 'FieldsV1';
  fieldsV1: Record<string, unknown>;
  subresource?: string;
}

/** Who writes and how (the parts of a request that decide its managedFields entry). */
export interface FieldManagerWrite {
  manager: string;
  operation: 'Apply' | 'Update';
  /** RFC 3339 time of the write. */
  time: string;
  /** Subresource written through (`scale`), if any. */
  subresource?: string;
  /** For Apply: the applied configuration (owned fields are exactly its fields). */
  applied?: KubeObject;
}

type Json = Record<string, unknown>;

/** Metadata fields that are tracked; the rest (name, uid, resourceVersion...) are the server's. */
const TRACKED_METADATA = ['labels', 'annotations', 'ownerReferences', 'finalizers'];
/** Lists whose members form a set (`v:` entries); other scalar lists are atomic. */
const SET_LISTS = new Set(['finalizers']);
/** Merge keys of keyed lists by field name (anything else is atomic). */
const MERGE_KEYS: Record<string, string[]> = {
  containers: ['name'],
  initContainers: ['name'],
  ephemeralContainers: ['name'],
  volumes: ['name'],
  env: ['name'],
  imagePullSecrets: ['name'],
  volumeMounts: ['mountPath'],
  ownerReferences: ['uid'],
  hostAliases: ['ip'],
};

function isPlainObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function mergeKeysOf(field: string, items: unknown[]): string[] | undefined {
  if (!items.every(isPlainObject)) return undefined;
  if (field === 'ports') {
    const key = items.every((item) => 'containerPort' in item)
      ? 'containerPort'
      : items.every((item) => 'port' in item)
        ? 'port'
        : undefined;
    return key ? [key, 'protocol'] : undefined;
  }
  const keys = MERGE_KEYS[field];
  return keys && items.every((item) => keys.every((key) => key in item)) ? keys : undefined;
}

function itemKey(item: Json, keys: string[]): string {
  const fields = Object.fromEntries(
    [...keys]
      .sort()
      .filter((key) => item[key] !== undefined)
      .map((key) => [key, item[key]]),
  );
  return `k:${JSON.stringify(fields)}`;
}

/** Leaf field paths of `value` (path elements joined by `\u0000`) with their JSON values. */
function collectLeaves(value: unknown, field: string, path: string[], out: Map<string, string>): void {
  if (isPlainObject(value) && Object.keys(value).length > 0) {
    for (const [key, child] of Object.entries(value)) {
      if (child !== undefined) collectLeaves(child, key, [...path, `f:${key}`], out);
    }
    return;
  }
  if (Array.isArray(value) && value.length > 0) {
    const keys = mergeKeysOf(field, value);
    if (keys) {
      for (const item of value as Json[]) {
        const itemPath = [...path, itemKey(item, keys)];
        out.set([...itemPath, '.'].join('\u0000'), '');
        collectLeaves(item, '', itemPath, out);
      }
      return;
    }
    if (SET_LISTS.has(field) && value.every((item) => typeof item === 'string')) {
      for (const item of value) out.set([...path, `v:${JSON.stringify(item)}`].join('\u0000'), '');
      return;
    }
  }
  out.set(path.join('\u0000'), JSON.stringify(value));
}

/** The tracked fields of an object: everything but status and server-owned metadata. */
export function fieldLeaves(object: KubeObject): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(object)) {
    if (key === 'apiVersion' || key === 'kind' || key === 'status' || value === undefined) continue;
    if (key === 'metadata') {
      const metadata = value as Json;
      for (const field of TRACKED_METADATA) {
        if (metadata[field] !== undefined) collectLeaves(metadata[field], field, ['f:metadata', `f:${field}`], out);
      }
      continue;
    }
    collectLeaves(value, key, [`f:${key}`], out);
  }
  return out;
}

/** The FieldsV1 trie of a set of leaf paths. */
export function toFieldsV1(paths: Iterable<string>): Record<string, unknown> {
  const root: Json = {};
  for (const path of [...paths].sort()) {
    let node = root;
    for (const element of path.split('\u0000')) {
      node[element] ??= {};
      node = node[element] as Json;
    }
  }
  return root;
}

/** The leaf paths of a FieldsV1 trie (inverse of toFieldsV1). */
export function fromFieldsV1(fields: unknown, prefix: string[] = [], out = new Set<string>()): Set<string> {
  if (!isPlainObject(fields)) return out;
  const entries = Object.entries(fields);
  if (entries.length === 0 && prefix.length > 0) out.add(prefix.join('\u0000'));
  for (const [key, child] of entries) fromFieldsV1(child, [...prefix, key], out);
  return out;
}

function entryKey(entry: Pick<ManagedFieldsEntry, 'manager' | 'operation' | 'subresource'>): string {
  return `${entry.manager}|${entry.operation}|${entry.subresource ?? ''}`;
}

/**
 * The managedFields of `next` after `write` replaced `existing` (undefined on create). Pure:
 * returns a new list and leaves the objects untouched.
 */
export function updateManagedFields(
  existing: KubeObject | undefined,
  next: KubeObject,
  write: FieldManagerWrite,
): ManagedFieldsEntry[] {
  const before = existing ? fieldLeaves(existing) : new Map<string, string>();
  const after = fieldLeaves(next);
  const changed = new Set<string>();
  for (const [path, value] of after) if (before.get(path) !== value) changed.add(path);
  for (const path of before.keys()) if (!after.has(path)) changed.add(path);
  const previous = ((existing?.metadata.managedFields ?? []) as ManagedFieldsEntry[]).filter(
    (entry) => isPlainObject(entry) && typeof entry.manager === 'string',
  );
  const key = entryKey(write);
  const own = previous.find((entry) => entryKey(entry) === key);
  let owned: Set<string>;
  if (write.operation === 'Apply') {
    owned = new Set([...fieldLeaves(write.applied ?? next).keys()].filter((path) => after.has(path)));
  } else {
    owned = new Set([...(own ? fromFieldsV1(own.fieldsV1) : []), ...changed].filter((path) => after.has(path)));
  }
  const taken = write.operation === 'Apply' ? new Set([...owned].filter((path) => changed.has(path))) : changed;
  let entry: ManagedFieldsEntry | undefined;
  if (owned.size > 0) {
    const fieldsV1 = toFieldsV1(owned);
    // The time moves only when this manager's fields or their values changed.
    const isUnchanged =
      own !== undefined &&
      JSON.stringify(own.fieldsV1) === JSON.stringify(fieldsV1) &&
      ![...owned].some((path) => changed.has(path));
    entry = isUnchanged
      ? own
      : {
          manager: write.manager,
          operation: write.operation,
          apiVersion: next.apiVersion,
          time: write.time,
          fieldsType: 'FieldsV1',
          fieldsV1,
          ...(write.subresource ? { subresource: write.subresource } : {}),
        };
  }
  // Entries keep their place; a new manager goes last, as the API server lists them.
  const result: ManagedFieldsEntry[] = [];
  for (const candidate of previous) {
    if (entryKey(candidate) === key) {
      if (entry) result.push(entry);
      continue;
    }
    const held = fromFieldsV1(candidate.fieldsV1);
    const remaining = [...held].filter((path) => after.has(path) && !taken.has(path));
    if (remaining.length === 0) continue;
    result.push(remaining.length === held.size ? candidate : { ...candidate, fieldsV1: toFieldsV1(remaining) });
  }
  if (entry && !own) result.push(entry);
  return result;
}

/**
 * The field manager of a request: the `fieldManager` query parameter kubectl sends
 * (`kubectl-edit`, `kubectl-patch`, `kubectl-client-side-apply`...), otherwise the user agent
 * up to its first `/`, as the API server derives it (at most 128 characters).
 */
export function fieldManagerOf(query: URLSearchParams, headers: IncomingHttpHeaders): string | undefined {
  const explicit = query.get('fieldManager');
  if (explicit) return explicit;
  const agent = headers['user-agent'];
  if (!agent) return undefined;
  return (agent.split('/')[0] ?? agent).slice(0, 128) || undefined;
}
