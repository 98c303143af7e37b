import { formatBytes, quantityBytes } from './memory-limit.js';

/** The resources the fit recipes size: memory in bytes, CPU in millicores. */
export type SizedResource = 'cpu' | 'memory';

/** A quantity of `resource` as a number (bytes, millicores); undefined when it is not one. */
export function parseQuantity(resource: SizedResource, quantity: unknown): number | undefined {
  if (resource === 'memory') return quantityBytes(quantity);
  const match = /^(\d+(?:\.\d+)?)(m)?$/.exec(String(quantity));
  if (!match) return undefined;
  return match[2] ? Number(match[1]) : Math.round(Number(match[1]) * 1000);
}

/** A number of bytes or millicores rounded down to a readable unit (`768Mi`, `250m`, `2`). */
export function formatQuantity(resource: SizedResource, amount: number): string {
  if (resource === 'memory') return formatBytes(Math.floor(amount / 2 ** 20) * 2 ** 20);
  const millicores = Math.floor(amount);
  return millicores % 1000 === 0 ? String(millicores / 1000) : `${millicores}m`;
}
