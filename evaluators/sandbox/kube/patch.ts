/**
 * PATCH bodies: JSON merge patch (RFC 7386), JSON patch (RFC 6902), and strategic merge patch
 * approximated the way kubectl's patches need it: lists of objects merge by their merge key
 * (`name`, `containerPort`, `mountPath`, ...), with `$patch: delete`, `$setElementOrder/...`,
 * `$deleteFromPrimitiveList/...` and `$retainKeys` honoured.
 */
import { KubeApiError } from './cluster-api.js';

type Json = unknown;
type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** RFC 7386 JSON merge patch. */
export function mergePatch(target: Json, patch: Json): Json {
  if (!isObject(patch)) return patch;
  const result: JsonObject = isObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = mergePatch(result[key], value);
  }
  return result;
}

/** Merge keys of the list fields kubectl patches most (the strategic-merge metadata of core types). */
const MERGE_KEYS: Record<string, string> = {
  containers: 'name',
  initContainers: 'name',
  ephemeralContainers: 'name',
  env: 'name',
  volumes: 'name',
  volumeMounts: 'mountPath',
  volumeDevices: 'devicePath',
  ports: 'containerPort',
  imagePullSecrets: 'name',
  hostAliases: 'ip',
  tolerations: 'key',
  conditions: 'type',
  ownerReferences: 'uid',
  finalizers: '',
};

/** Strategic merge patch (approximation, see the module comment). */
export function strategicMergePatch(target: Json, patch: Json): Json {
  if (!isObject(patch)) return patch;
  if (patch.$patch === 'replace') {
    const { $patch: _p, ...rest } = patch;
    return rest;
  }
  const result: JsonObject = isObject(target) ? { ...target } : {};
  const retain = Array.isArray(patch.$retainKeys) ? (patch.$retainKeys as string[]) : undefined;
  for (const [key, value] of Object.entries(patch)) {
    if (key === '$retainKeys' || key === '$patch') continue;
    if (key.startsWith('$setElementOrder/')) continue;
    if (key.startsWith('$deleteFromPrimitiveList/')) {
      const listKey = key.slice('$deleteFromPrimitiveList/'.length);
      const current = Array.isArray(result[listKey]) ? (result[listKey] as unknown[]) : [];
      result[listKey] = current.filter((item) => !(value as unknown[]).includes(item));
      continue;
    }
    if (value === null) {
      delete result[key];
      continue;
    }
    if (Array.isArray(value)) {
      result[key] = mergeList(result[key], value, key, patch[`$setElementOrder/${key}`]);
      continue;
    }
    result[key] = strategicMergePatch(result[key], value);
  }
  if (retain) for (const key of Object.keys(result)) if (!retain.includes(key)) delete result[key];
  return result;
}

function mergeList(target: unknown, patch: unknown[], field: string, order: unknown): unknown[] {
  const mergeKey = MERGE_KEYS[field];
  const current = Array.isArray(target) ? target : [];
  const objectItems = patch.length > 0 && patch.every(isObject);
  if (mergeKey === undefined || mergeKey === '' || !objectItems) {
    if (mergeKey === '' && !objectItems) return [...new Set([...current, ...patch])];
    return patch;
  }
  const merged = [...current] as JsonObject[];
  for (const item of patch as JsonObject[]) {
    const keyValue = item[mergeKey];
    const index = merged.findIndex((existing) => isObject(existing) && existing[mergeKey] === keyValue);
    if (item.$patch === 'delete') {
      if (index >= 0) merged.splice(index, 1);
      continue;
    }
    if (index >= 0) merged[index] = strategicMergePatch(merged[index], item) as JsonObject;
    else merged.push(strategicMergePatch({}, item) as JsonObject);
  }
  if (Array.isArray(order)) {
    const position = new Map((order as JsonObject[]).map((entry, i) => [entry[mergeKey], i]));
    merged.sort(
      (a, b) =>
        (position.get(a[mergeKey]) ?? Number.MAX_SAFE_INTEGER) - (position.get(b[mergeKey]) ?? Number.MAX_SAFE_INTEGER),
    );
  }
  return merged;
}

interface JsonPatchOperation {
  op: 'add' | 'remove' | 'replace' | 'move' | 'copy' | 'test';
  path: string;
  value?: unknown;
  from?: string;
}

function pointer(path: string): string[] {
  if (path === '') return [];
  if (!path.startsWith('/'))
    throw new KubeApiError(
      422,
      'Invalid',
      `the server rejected our request due to an error in our request: invalid JSON pointer ${path}`,
    );
  return path
    .slice(1)
    .split('/')
    .map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'));
}

function getAt(document: unknown, segments: string[]): unknown {
  let current = document;
  for (const segment of segments) {
    if (Array.isArray(current)) current = current[Number(segment)];
    else if (isObject(current)) current = current[segment];
    else return undefined;
  }
  return current;
}

function setAt(document: unknown, segments: string[], value: unknown, op: 'add' | 'replace' | 'remove'): unknown {
  if (segments.length === 0) return op === 'remove' ? undefined : value;
  const [head = '', ...rest] = segments;
  if (Array.isArray(document)) {
    const copy = [...document];
    const index = head === '-' ? copy.length : Number(head);
    if (rest.length === 0) {
      if (op === 'add') copy.splice(index, 0, value);
      else if (op === 'remove') copy.splice(index, 1);
      else copy[index] = value;
      return copy;
    }
    copy[index] = setAt(copy[index], rest, value, op);
    return copy;
  }
  const object: JsonObject = isObject(document) ? { ...document } : {};
  if (rest.length === 0) {
    if (op === 'remove') {
      if (!(head in object))
        throw new KubeApiError(
          422,
          'Invalid',
          `the server rejected our request due to an error in our request: unable to remove nonexistent key: ${head}`,
        );
      delete object[head];
    } else object[head] = value;
    return object;
  }
  if (!(head in object) && op !== 'add')
    throw new KubeApiError(
      422,
      'Invalid',
      `the server rejected our request due to an error in our request: doc is missing path: /${segments.join('/')}`,
    );
  object[head] = setAt(object[head], rest, value, op);
  return object;
}

/** RFC 6902 JSON patch. */
export function jsonPatch(document: Json, operations: unknown): Json {
  if (!Array.isArray(operations))
    throw new KubeApiError(400, 'BadRequest', 'json patch must be an array of operations');
  let current = document;
  for (const operation of operations as JsonPatchOperation[]) {
    const path = pointer(operation.path);
    switch (operation.op) {
      case 'add':
      case 'replace':
        current = setAt(current, path, operation.value, operation.op);
        break;
      case 'remove':
        current = setAt(current, path, undefined, 'remove');
        break;
      case 'copy':
      case 'move': {
        const from = pointer(operation.from ?? '');
        const value = getAt(current, from);
        if (operation.op === 'move') current = setAt(current, from, undefined, 'remove');
        current = setAt(current, path, value, 'add');
        break;
      }
      case 'test':
        if (JSON.stringify(getAt(current, path)) !== JSON.stringify(operation.value)) {
          throw new KubeApiError(
            422,
            'Invalid',
            `the server rejected our request due to an error in our request: testing value ${operation.path} failed`,
          );
        }
        break;
    }
  }
  return current;
}
