import { formatAge } from './output-budget.js';

interface ManagedFieldsEntry {
  manager?: string;
  operation?: string;
  time?: string;
  subresource?: string;
}

/**
 * Who last wrote an object, from `metadata.managedFields` (newest first): the trace of an
 * out-of-band `kubectl edit` or `kubectl scale` that makes an Argo CD app drift.
 */
export function summarizeManagers(managedFields: unknown, now: Date): string | undefined {
  if (!Array.isArray(managedFields) || managedFields.length === 0) return undefined;
  const entries = (managedFields as ManagedFieldsEntry[])
    .filter((entry) => entry.manager && entry.subresource !== 'status')
    .sort((left, right) => (right.time ?? '').localeCompare(left.time ?? ''));
  if (entries.length === 0) return undefined;
  return entries
    .map((entry) => `${entry.manager} (${entry.operation ?? '?'}, ${formatAge(entry.time, now)} ago)`)
    .join(', ');
}
