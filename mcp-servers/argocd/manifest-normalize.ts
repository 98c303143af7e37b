import { stringify } from 'yaml';

const METADATA_NOISE = ['managedFields', 'resourceVersion', 'uid', 'creationTimestamp', 'generation', 'selfLink'];
const ANNOTATION_NOISE = ['kubectl.kubernetes.io/last-applied-configuration', 'deployment.kubernetes.io/revision'];

/** Parses a JSON manifest string as served by managed-resources; undefined when absent ("null"). */
export function parseState(state: string | undefined): Record<string, unknown> | undefined {
  if (!state || state === 'null') return undefined;
  try {
    const parsed = JSON.parse(state) as unknown;
    return parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * YAML of a manifest without the fields the cluster owns (status, managedFields, uid, ...), so a
 * diff shows only what git and the cluster disagree on. Secret data values are masked.
 */
export function comparableYaml(manifest: Record<string, unknown> | undefined): string {
  if (!manifest) return '';
  const { status: _status, ...rest } = manifest;
  const metadata = { ...((rest.metadata as Record<string, unknown> | undefined) ?? {}) };
  for (const key of METADATA_NOISE) delete metadata[key];
  const annotations = metadata.annotations as Record<string, string> | undefined;
  if (annotations) {
    const kept = Object.fromEntries(Object.entries(annotations).filter(([key]) => !ANNOTATION_NOISE.includes(key)));
    if (Object.keys(kept).length > 0) metadata.annotations = kept;
    else delete metadata.annotations;
  }
  const copy: Record<string, unknown> = { ...rest, metadata };
  if (copy.kind === 'Secret') {
    for (const field of ['data', 'stringData']) {
      const values = copy[field] as Record<string, string> | undefined;
      // Hash-free masking: a changed value shows as changed length only, never the value.
      if (values)
        copy[field] = Object.fromEntries(
          Object.entries(values).map(([key, value]) => [key, `<${String(value).length} chars>`]),
        );
    }
  }
  return stringify(copy, { lineWidth: 0, sortMapEntries: true });
}

/**
 * Keeps only the parts of `live` that `desired` also sets (recursively), so fields the API server
 * defaulted (clusterIP, strategy, terminationMessagePath, ...) do not show up as differences.
 * Array elements are matched by index; extra live elements stay, they are real differences.
 */
export function projectOnto(live: unknown, desired: unknown): unknown {
  if (Array.isArray(live) && Array.isArray(desired))
    return live.map((item, index) => (index < desired.length ? projectOnto(item, desired[index]) : item));
  if (isPlainObject(live) && isPlainObject(desired)) {
    const projected: Record<string, unknown> = {};
    for (const key of Object.keys(desired)) if (key in live) projected[key] = projectOnto(live[key], desired[key]);
    return projected;
  }
  return live;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
