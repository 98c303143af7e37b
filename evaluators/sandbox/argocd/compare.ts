import type { KubeObject } from '../kube/cluster-api.js';

/** One field where the live object differs from what git declares. */
export interface FieldDifference {
  path: string;
  live: unknown;
  target: unknown;
}

/** Argo CD's annotation-based resource tracking (the default since Argo CD 3.0). */
export const TRACKING_ANNOTATION = 'argocd.argoproj.io/tracking-id';

/** Splits `apps/v1` into group `apps` and version `v1`; core `v1` has group ''. */
export function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.indexOf('/');
  return slash < 0
    ? { group: '', version: apiVersion }
    : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

/** Stable identity of a resource: `group/Kind/namespace/name`. */
export function resourceKey(object: Pick<KubeObject, 'apiVersion' | 'kind' | 'metadata'>): string {
  return (
    `${splitApiVersion(object.apiVersion).group}/${object.kind}/${object.metadata.namespace ?? ''}/` +
    `${object.metadata.name}`
  );
}

/** The tracking id Argo CD writes on every object an app manages. */
export function trackingId(app: string, object: KubeObject): string {
  const { group } = splitApiVersion(object.apiVersion);
  return `${app}:${group}/${object.kind}:${object.metadata.namespace ?? ''}/${object.metadata.name}`;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function scalarEqual(live: unknown, target: unknown): boolean {
  if (live === target) return true;
  // Quantities and ports are often written as numbers in git and strings live (or the reverse).
  if (
    (typeof live === 'number' || typeof live === 'string') &&
    (typeof target === 'number' || typeof target === 'string')
  ) {
    return String(live) === String(target);
  }
  return false;
}

function compareValue(path: string, live: unknown, target: unknown, out: FieldDifference[]): void {
  if (target === null || target === undefined) return;
  if (isPlainObject(target)) {
    if (!isPlainObject(live)) {
      out.push({ path, live, target });
      return;
    }
    for (const [key, value] of Object.entries(target)) {
      compareValue(path ? `${path}.${key}` : key, live[key], value, out);
    }
    return;
  }
  if (Array.isArray(target)) {
    if (!Array.isArray(live) || live.length !== target.length) {
      out.push({ path, live, target });
      return;
    }
    target.forEach((item, index) => compareValue(`${path}[${index}]`, live[index], item, out));
    return;
  }
  if (!scalarEqual(live, target)) out.push({ path, live, target });
}

/**
 * Compares a live object with the desired object from git on the fields git sets (like a
 * three-way diff where git owns only what it declares): labels, annotations, spec, data, ...
 * but never `status` or server-populated metadata. Returns the differing fields.
 */
export function compareWithTarget(target: KubeObject, live: KubeObject): FieldDifference[] {
  const out: FieldDifference[] = [];
  for (const [key, value] of Object.entries(target)) {
    if (key === 'status' || key === 'apiVersion' || key === 'kind') continue;
    if (key === 'metadata') {
      const metadata = target.metadata;
      compareValue('metadata.labels', live.metadata.labels ?? {}, metadata.labels, out);
      compareValue('metadata.annotations', live.metadata.annotations ?? {}, metadata.annotations, out);
      continue;
    }
    compareValue(key, live[key], value, out);
  }
  return out;
}

/** Renders differences as a compact unified-style diff (`- live` / `+ desired`). */
export function formatDifferences(differences: readonly FieldDifference[]): string {
  if (differences.length === 0) return '';
  const lines = ['--- live', '+++ desired'];
  for (const difference of differences) {
    lines.push(`- ${difference.path}: ${JSON.stringify(difference.live) ?? '<absent>'}`);
    lines.push(`+ ${difference.path}: ${JSON.stringify(difference.target)}`);
  }
  return `${lines.join('\n')}\n`;
}
