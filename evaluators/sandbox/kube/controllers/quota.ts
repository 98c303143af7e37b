/**
 * ResourceQuota: admission of new pods against every quota of their namespace (with the API
 * server's `exceeded quota` / `must specify` messages) and the quota controller's status.used.
 */
import type { KubeObject } from '../cluster-api.js';
import type { ObjectStore } from '../object-store.js';
import { formatResource, parseQuantity } from '../quantity.js';
import { type ControllerContext, putIfChanged } from './context.js';
import { isTerminated } from './scheduler.js';

interface ContainerResources {
  name: string;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
}

/** What one pod adds to each quota resource. */
function podUsage(pod: KubeObject): Map<string, number> {
  const containers = (pod.spec as { containers?: ContainerResources[] } | undefined)?.containers ?? [];
  const usage = new Map<string, number>([
    ['pods', 1],
    ['count/pods', 1],
  ]);
  const add = (key: string, value: number): void => {
    usage.set(key, (usage.get(key) ?? 0) + value);
  };
  for (const container of containers) {
    const requests = container.resources?.requests ?? {};
    const limits = container.resources?.limits ?? {};
    for (const resource of ['cpu', 'memory', 'ephemeral-storage']) {
      const request = parseQuantity(requests[resource] ?? limits[resource]);
      const limit = parseQuantity(limits[resource]);
      if (request !== undefined) {
        add(`requests.${resource}`, request);
        add(resource, request);
      }
      if (limit !== undefined) add(`limits.${resource}`, limit);
    }
  }
  return usage;
}

/** Current usage of a namespace for every resource a quota can name. */
export function namespaceUsage(store: ObjectStore, namespace: string): Map<string, number> {
  const usage = new Map<string, number>();
  for (const pod of store.iterate('/Pod', namespace)) {
    if (isTerminated(pod)) continue;
    for (const [key, value] of podUsage(pod)) usage.set(key, (usage.get(key) ?? 0) + value);
  }
  const counts: Array<[string, string]> = [
    ['services', '/Service'],
    ['configmaps', '/ConfigMap'],
    ['secrets', '/Secret'],
    ['persistentvolumeclaims', '/PersistentVolumeClaim'],
    ['count/deployments.apps', 'apps/Deployment'],
    ['count/replicasets.apps', 'apps/ReplicaSet'],
    ['count/jobs.batch', 'batch/Job'],
  ];
  for (const [name, key] of counts) usage.set(name, store.count(key, namespace));
  let storage = 0;
  for (const pvc of store.iterate('/PersistentVolumeClaim', namespace)) {
    storage +=
      parseQuantity(
        (pvc.spec as { resources?: { requests?: { storage?: string } } } | undefined)?.resources?.requests?.storage,
      ) ?? 0;
  }
  usage.set('requests.storage', storage);
  return usage;
}

/**
 * Checks a new pod against the namespace's quotas; returns the API server's Forbidden message
 * (without the `pods "x" is forbidden: ` prefix) or undefined when admitted.
 */
export function checkPodQuota(store: ObjectStore, pod: KubeObject): string | undefined {
  const namespace = pod.metadata.namespace ?? 'default';
  const quotas = store.list('/ResourceQuota', namespace);
  if (quotas.length === 0) return undefined;
  const requested = podUsage(pod);
  const used = namespaceUsage(store, namespace);
  const containers = (pod.spec as { containers?: ContainerResources[] } | undefined)?.containers ?? [];
  for (const quota of quotas) {
    const hard = (quota.spec as { hard?: Record<string, string> } | undefined)?.hard ?? {};
    const missing: string[] = [];
    for (const resource of Object.keys(hard).sort()) {
      const [scope, name] = resource.includes('.') ? resource.split('.', 2) : ['requests', resource];
      if (!name || !['cpu', 'memory'].includes(name) || !['requests', 'limits'].includes(scope ?? '')) continue;
      const without = containers.filter((c) => {
        const values =
          scope === 'limits'
            ? c.resources?.limits
            : { ...(c.resources?.limits ?? {}), ...(c.resources?.requests ?? {}) };
        return values?.[name] === undefined;
      });
      if (without.length > 0) missing.push(`${scope}.${name} for: ${without.map((c) => c.name).join(',')}`);
    }
    if (missing.length > 0) return `failed quota: ${quota.metadata.name}: must specify ${missing.join('; ')}`;
    const exceeded: string[] = [];
    for (const resource of Object.keys(hard).sort()) {
      const increment = requested.get(resource);
      if (increment === undefined || increment === 0) continue;
      const limit = parseQuantity(hard[resource]) ?? 0;
      if ((used.get(resource) ?? 0) + increment > limit + 1e-9) exceeded.push(resource);
    }
    if (exceeded.length > 0) {
      const list = (values: (resource: string) => string): string => exceeded.map((r) => `${r}=${values(r)}`).join(',');
      return (
        `exceeded quota: ${quota.metadata.name}, requested: ` +
        `${list((r) => formatResource(r, requested.get(r) ?? 0))}, used: ` +
        `${list((r) => formatResource(r, used.get(r) ?? 0))}, limited: ${list((r) => hard[r] ?? '0')}`
      );
    }
  }
  return undefined;
}

/** Writes status.hard/used of every quota in the namespace. */
export function reconcileQuotas(context: ControllerContext, namespace: string): void {
  const quotas = context.store.list('/ResourceQuota', namespace);
  if (quotas.length === 0) return;
  const usage = namespaceUsage(context.store, namespace);
  for (const quota of quotas) {
    const hard = (quota.spec as { hard?: Record<string, string> } | undefined)?.hard ?? {};
    const used: Record<string, string> = {};
    for (const resource of Object.keys(hard)) used[resource] = formatResource(resource, usage.get(resource) ?? 0);
    putIfChanged(context, quota, { ...quota, status: { hard, used } });
  }
}
