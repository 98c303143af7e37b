/**
 * Fields the API server refuses to change on an existing object, with its own 422 wording: a
 * PersistentVolumeClaim's spec (except the storage request and the volume attributes class) and
 * a workload's label selector. The error text carries the changed field as the server's diff
 * does, so a failed sync says what was asked.
 */
import { KubeApiError, type KubeObject } from './cluster-api.js';

type Spec = Record<string, unknown>;

/** PVC spec fields a bound claim keeps for good, with the Go field name the server's diff prints. */
const CLAIM_FIELDS: Readonly<Record<string, string>> = {
  storageClassName: 'StorageClassName',
  accessModes: 'AccessModes',
  volumeMode: 'VolumeMode',
  selector: 'Selector',
  dataSource: 'DataSource',
};

const SELECTOR_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet']);

function specOf(object: KubeObject): Spec {
  const spec = (object as { spec?: unknown }).spec;
  return spec && typeof spec === 'object' ? (spec as Spec) : {};
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function goValue(value: unknown): string {
  return typeof value === 'string' ? `&"${value}"` : JSON.stringify(value);
}

/** Throws the API server's 422 when `next` changes a field `existing` may no longer change. */
export function checkImmutableFields(existing: KubeObject | undefined, next: KubeObject): void {
  if (!existing) return;
  const before = specOf(existing);
  const after = specOf(next);
  const name = next.metadata.name;
  if (next.kind === 'PersistentVolumeClaim') {
    const changed = Object.entries(CLAIM_FIELDS).filter(
      ([field]) => after[field] !== undefined && before[field] !== undefined && !same(before[field], after[field]),
    );
    if (changed.length === 0) return;
    const diff = changed
      .map(([field, goName]) => `- \t${goName}: ${goValue(before[field])},\n+ \t${goName}: ${goValue(after[field])},`)
      .join('\n');
    throw new KubeApiError(
      422,
      'Invalid',
      `PersistentVolumeClaim "${name}" is invalid: spec: Forbidden: spec is immutable after creation except ` +
        `resources.requests and volumeAttributesClassName for bound claims\n  core.PersistentVolumeClaimSpec{\n` +
        `  \t... // fields unchanged\n${diff}\n  \t... // fields unchanged\n  }`,
    );
  }
  if (SELECTOR_KINDS.has(next.kind) && after.selector !== undefined && before.selector !== undefined) {
    if (same(before.selector, after.selector)) return;
    const group = next.apiVersion.includes('/') ? `.${next.apiVersion.split('/')[0]}` : '';
    throw new KubeApiError(
      422,
      'Invalid',
      `${next.kind}${group} "${name}" is invalid: spec.selector: Invalid value: ${JSON.stringify(after.selector)}: ` +
        `field is immutable`,
    );
  }
}
