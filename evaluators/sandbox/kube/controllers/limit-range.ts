/**
 * LimitRange admission of new pods: a container whose limit (or request) is above the `max`, or
 * below the `min`, of a `Container` item is refused with the API server's Forbidden message.
 */
import type { KubeObject } from '../cluster-api.js';
import type { ObjectStore } from '../object-store.js';
import { parseQuantity } from '../quantity.js';

interface LimitRangeItem {
  type?: string;
  max?: Record<string, string>;
  min?: Record<string, string>;
}

interface ContainerResources {
  name: string;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
}

/** The rejection (without the `pods "x" is forbidden: ` prefix), or undefined when admitted. */
export function checkPodLimitRange(store: ObjectStore, pod: KubeObject): string | undefined {
  const namespace = pod.metadata.namespace ?? 'default';
  const containers = (pod.spec as { containers?: ContainerResources[] } | undefined)?.containers ?? [];
  const problems: string[] = [];
  for (const range of store.list('/LimitRange', namespace)) {
    const items = (range.spec as { limits?: LimitRangeItem[] } | undefined)?.limits ?? [];
    for (const item of items.filter((candidate) => (candidate.type ?? 'Container') === 'Container')) {
      for (const container of containers) {
        for (const [resource, max] of Object.entries(item.max ?? {})) {
          const limit = container.resources?.limits?.[resource];
          const limitValue = parseQuantity(limit);
          const maxValue = parseQuantity(max);
          if (limit !== undefined && limitValue !== undefined && maxValue !== undefined && limitValue > maxValue)
            problems.push(`maximum ${resource} usage per Container is ${max}, but limit is ${limit}`);
        }
        for (const [resource, min] of Object.entries(item.min ?? {})) {
          const request = container.resources?.requests?.[resource] ?? container.resources?.limits?.[resource];
          const requestValue = parseQuantity(request);
          const minValue = parseQuantity(min);
          if (request !== undefined && requestValue !== undefined && minValue !== undefined && requestValue < minValue)
            problems.push(`minimum ${resource} usage per Container is ${min}, but request is ${request}`);
        }
      }
    }
  }
  return problems.length > 0 ? problems.join(', ') : undefined;
}
