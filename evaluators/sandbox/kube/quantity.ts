/**
 * Kubernetes resource quantities (`250m`, `1.5`, `512Mi`, `1G`) as numbers, and back to the
 * canonical strings the API server prints in quota and scheduler messages.
 */

const SUFFIX: Record<string, number> = {
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 1024,
  Mi: 1024 ** 2,
  Gi: 1024 ** 3,
  Ti: 1024 ** 4,
  Pi: 1024 ** 5,
  Ei: 1024 ** 6,
};

/** Parses a quantity; returns undefined for malformed input. */
export function parseQuantity(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value !== 'string') return undefined;
  const match = /^([+-]?[0-9.]+(?:[eE][+-]?[0-9]+)?)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)?$/.exec(value.trim());
  if (!match) return undefined;
  const multiplier = SUFFIX[match[2] ?? ''];
  if (multiplier === undefined) return undefined;
  return Number(match[1]) * multiplier;
}

/** Canonical CPU string: whole cores as `2`, otherwise millicores as `1500m`. */
export function formatCpu(cores: number): string {
  const millis = Math.round(cores * 1000);
  return millis % 1000 === 0 ? String(millis / 1000) : `${millis}m`;
}

/** Canonical memory string: the largest binary suffix that divides exactly, else bytes. */
export function formatMemory(bytes: number): string {
  const rounded = Math.round(bytes);
  for (const [suffix, size] of [
    ['Ti', 1024 ** 4],
    ['Gi', 1024 ** 3],
    ['Mi', 1024 ** 2],
    ['Ki', 1024],
  ] as const) {
    if (rounded !== 0 && rounded % size === 0) return `${rounded / size}${suffix}`;
  }
  return String(rounded);
}

/** Formats a quantity of the named resource (`cpu`, `requests.memory`, `pods`, ...). */
export function formatResource(resource: string, value: number): string {
  if (resource.endsWith('cpu')) return formatCpu(value);
  if (resource.endsWith('memory') || resource.endsWith('storage')) return formatMemory(value);
  return String(Math.round(value));
}
