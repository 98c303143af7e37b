import type { RecipeResult } from '../fix-plan.js';
import { EditSet, type RecipeContext } from '../recipe-context.js';
import {
  containerHome,
  fieldSource,
  workloadContainers,
  workloadFieldSource,
  type SourceTree,
} from '../source-tree.js';
import { formatQuantity, parseQuantity, type SizedResource } from './quantities.js';

type Field = 'requests' | 'limits';
const RESOURCES: readonly SizedResource[] = ['cpu', 'memory'];

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function objectName(object: Record<string, unknown>): string {
  return String(record(object['metadata'])['name'] ?? '?');
}

/** A quota key as the container field it bounds: `requests.memory`, `memory` (= requests), `limits.cpu`. */
function quotaField(key: string): { field: Field; resource: SizedResource } | undefined {
  const [first, second] = key.split('.');
  if (second === undefined)
    return RESOURCES.includes(first as SizedResource)
      ? { field: 'requests', resource: first as SizedResource }
      : undefined;
  if ((first === 'requests' || first === 'limits') && RESOURCES.includes(second as SizedResource))
    return { field: first, resource: second as SizedResource };
  return undefined;
}

interface Sizing {
  key: string;
  name: string;
  replicas: number;
}

function replicasOf(tree: SourceTree, key: string): number {
  const value = Number(workloadFieldSource(tree, key, ['spec', 'replicas'])?.value ?? 1);
  return Number.isFinite(value) ? value : 1;
}

function amountOf(tree: SourceTree | undefined, sizing: Sizing, field: Field, resource: SizedResource) {
  if (!tree) return undefined;
  return parseQuantity(resource, fieldSource(tree, sizing.key, sizing.name, ['resources', field, resource])?.value);
}

/**
 * Requests and limits that do not fit the namespace (quota or LimitRange refusals): each change
 * is computed from the ResourceQuota and LimitRange objects of the app's namespace.
 * - a container above a LimitRange `max` comes down to the max;
 * - a quota that bounds `limits.X` or `requests.X` needs the field on every container: the value
 *   it had at the last healthy revision, else the LimitRange default, else the other field's value;
 * - a workload whose replicas × requests (or pods) exceed a quota's `hard`: the value it ran with
 *   at the last healthy revision when that fits, else requests shrink (limits and pods: fewer
 *   replicas) to fit the whole quota.
 * Values from other tenants of the quota are not known here; the rationale says which bound was used.
 */
export function resourceFitRecipe(context: RecipeContext): RecipeResult {
  const { current, healthy } = context;
  const quotas = context.cluster?.quotas ?? [];
  const ranges = context.cluster?.limitRanges ?? [];
  if (quotas.length === 0 && ranges.length === 0) return undefined;
  const edits = new EditSet(current);
  const reasons: string[] = [];
  const sizings: Sizing[] = workloadContainers(current).map(({ key, name }) => ({
    key,
    name,
    replicas: replicasOf(current, key),
  }));
  const edited = new Set<string>();
  const setField = (sizing: Sizing, field: Field, resource: SizedResource, amount: number, why: string) => {
    const id = `${sizing.key}/${sizing.name}/${field}/${resource}`;
    if (edited.has(id)) return undefined;
    const source = fieldSource(current, sizing.key, sizing.name, ['resources', field, resource]);
    const home = source ?? containerHome(current, sizing.key, sizing.name);
    if (!home) return undefined;
    const refusal = EditSet.refusal(home.document);
    if (refusal) return refusal;
    const path = source ? source.path : [...home.path, 'resources', field, resource];
    edits.put(home.document.file, home.document.index, path, formatQuantity(resource, amount));
    edited.add(id);
    reasons.push(
      `${sizing.key} container ${sizing.name}: ${field}.${resource} ` +
        `${source ? String(source.value) : '(not set)'} → ${formatQuantity(resource, amount)} (${why})`,
    );
    return undefined;
  };

  for (const range of ranges)
    for (const item of Array.isArray(record(range['spec'])['limits'])
      ? (record(range['spec'])['limits'] as unknown[])
      : []) {
      const limit = record(item);
      if (limit['type'] !== 'Container') continue;
      for (const resource of RESOURCES) {
        const max = parseQuantity(resource, record(limit['max'])[resource]);
        if (max === undefined) continue;
        for (const sizing of sizings)
          for (const field of ['limits', 'requests'] as const) {
            const now = amountOf(current, sizing, field, resource);
            if (now === undefined || now <= max) continue;
            const refusal = setField(
              sizing,
              field,
              resource,
              max,
              `LimitRange ${objectName(range)} allows at most ${String(record(limit['max'])[resource])}`,
            );
            if (refusal) return { kind: 'handoff', reason: refusal };
          }
      }
    }

  const defaults = (field: Field, resource: SizedResource): number | undefined => {
    for (const range of ranges)
      for (const item of Array.isArray(record(range['spec'])['limits'])
        ? (record(range['spec'])['limits'] as unknown[])
        : []) {
        const limit = record(item);
        const amount = parseQuantity(
          resource,
          record(limit[field === 'limits' ? 'default' : 'defaultRequest'])[resource],
        );
        if (limit['type'] === 'Container' && amount !== undefined) return amount;
      }
    return undefined;
  };

  for (const quota of quotas) {
    const name = objectName(quota);
    const hard = record(record(quota['spec'])['hard']);
    for (const [key, bound] of Object.entries(hard)) {
      if (key === 'pods') {
        const allowed = Number(bound);
        for (const workload of new Set(sizings.map((sizing) => sizing.key))) {
          const replicas = replicasOf(current, workload);
          if (!Number.isFinite(allowed) || replicas <= allowed) continue;
          const source = workloadFieldSource(current, workload, ['spec', 'replicas']);
          if (!source) continue;
          const refusal = EditSet.refusal(source.document);
          if (refusal) return { kind: 'handoff', reason: refusal };
          const before = healthy ? replicasOf(healthy, workload) : undefined;
          const target = before !== undefined && before <= allowed ? before : allowed;
          edits.set(source.document.file, source.document.index, source.path, target, replicas);
          reasons.push(`${workload}: replicas ${replicas} → ${target} (quota ${name} allows ${allowed} pods)`);
        }
        continue;
      }
      const bounded = quotaField(key);
      const limit = bounded ? parseQuantity(bounded.resource, bound) : undefined;
      if (!bounded || limit === undefined) continue;
      const { field, resource } = bounded;
      for (const sizing of sizings) {
        if (amountOf(current, sizing, field, resource) !== undefined) continue;
        const other = amountOf(current, sizing, field === 'limits' ? 'requests' : 'limits', resource);
        const old = amountOf(healthy, sizing, field, resource);
        const amount = old ?? defaults(field, resource) ?? other;
        if (amount === undefined)
          return {
            kind: 'handoff',
            reason: `quota ${name} needs ${field}.${resource} on ${sizing.name}, and nothing says how much`,
          };
        const why =
          old !== undefined
            ? `as at ${healthy?.revision.slice(0, 7) ?? ''}`
            : other === amount
              ? `equal to its ${field === 'limits' ? 'request' : 'limit'}`
              : 'the LimitRange default';
        const refusal = setField(
          sizing,
          field,
          resource,
          amount,
          `quota ${name} bounds ${key}, so every container must set it; ${why}`,
        );
        if (refusal) return { kind: 'handoff', reason: refusal };
      }
      for (const workload of new Set(sizings.map((sizing) => sizing.key))) {
        const own = sizings.filter((sizing) => sizing.key === workload);
        const replicas = replicasOf(current, workload);
        const perPod = own.reduce((sum, sizing) => sum + (amountOf(current, sizing, field, resource) ?? 0), 0);
        if (perPod * replicas <= limit) continue;
        const healthyPerPod = own.reduce((sum, sizing) => sum + (amountOf(healthy, sizing, field, resource) ?? 0), 0);
        if (healthy && healthyPerPod > 0 && healthyPerPod * replicas <= limit) {
          for (const sizing of own) {
            const old = amountOf(healthy, sizing, field, resource);
            const now = amountOf(current, sizing, field, resource);
            if (old === undefined || old === now) continue;
            const refusal = setField(
              sizing,
              field,
              resource,
              old,
              `${replicas} replicas must fit quota ${name} (${key} ${String(bound)}); ` +
                `the value at ${healthy.revision.slice(0, 7)}`,
            );
            if (refusal) return { kind: 'handoff', reason: refusal };
          }
        } else if (field === 'requests') {
          for (const sizing of own) {
            const now = amountOf(current, sizing, field, resource) ?? 0;
            const refusal = setField(
              sizing,
              field,
              resource,
              (now * limit) / (perPod * replicas),
              `${replicas} replicas share quota ${name} (${key} ${String(bound)})`,
            );
            if (refusal) return { kind: 'handoff', reason: refusal };
          }
        } else {
          const source = workloadFieldSource(current, workload, ['spec', 'replicas']);
          const target = Math.max(1, Math.floor(limit / perPod));
          if (!source || EditSet.refusal(source.document))
            return {
              kind: 'handoff',
              reason: `${workload} does not fit quota ${name}; a person must raise the quota or lower the replicas`,
            };
          edits.set(source.document.file, source.document.index, source.path, target, replicas);
          reasons.push(`${workload}: replicas ${replicas} → ${target} (quota ${name}: ${key} ${String(bound)})`);
        }
      }
    }
  }
  if (edits.edits.length === 0) return undefined;
  return {
    kind: 'edits',
    title: `${context.app.name}: fit requests and limits to the namespace's quota and limits`,
    rationale: `${reasons.join('; ')}.`,
    edits: edits.edits,
    files: edits.files(),
  };
}
