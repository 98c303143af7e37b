import { z } from 'zod';
import type { ToolGateway } from '../agent/ports.js';

/**
 * What recipes read of the app's cluster, as Kubernetes objects (the `object` of `get_resource`,
 * the API's own data): StorageClasses, the destination namespace's ResourceQuotas and
 * LimitRanges, and the Kyverno policies that apply there.
 */
export interface ClusterFacts {
  storageClasses?: string[];
  quotas?: Array<Record<string, unknown>>;
  limitRanges?: Array<Record<string, unknown>>;
  /** Kyverno ClusterPolicies and the namespace's Policies. */
  policies?: Array<Record<string, unknown>>;
}

/** Which facts a diagnosed skill's recipes need. */
const FACTS_OF_SKILL: Record<string, ReadonlyArray<keyof ClusterFacts>> = {
  'pvc-pending': ['storageClasses'],
  'resource-quota-exceeded': ['quotas', 'limitRanges'],
  'kyverno-policy-violations': ['policies'],
};

const listSchema = z.object({ items: z.array(z.object({ name: z.string() }).loose()) }).loose();
const objectSchema = z.object({ object: z.record(z.string(), z.unknown()) }).loose();

interface Scope {
  gateway: ToolGateway;
  cluster: string;
  namespace?: string;
  meta: { traceparent?: string };
}

async function listNames(scope: Scope, kind: string, apiVersion?: string, namespace?: string) {
  const result = await scope.gateway.callTool(
    'list_resources',
    { kind, instance: scope.cluster, ...(apiVersion ? { apiVersion } : {}), ...(namespace ? { namespace } : {}) },
    scope.meta,
  );
  const parsed = result.isError ? undefined : listSchema.safeParse(result.structured);
  return parsed?.success ? parsed.data.items.map((item) => item.name) : undefined;
}

/** Every object of `kind` (in `namespace` when given), read whole; undefined when the list cannot be read. */
async function readObjects(scope: Scope, kind: string, apiVersion?: string, namespace?: string) {
  const names = await listNames(scope, kind, apiVersion, namespace);
  if (!names) return undefined;
  const objects: Array<Record<string, unknown>> = [];
  for (const name of names) {
    const result = await scope.gateway.callTool(
      'get_resource',
      {
        kind,
        name,
        instance: scope.cluster,
        ...(apiVersion ? { apiVersion } : {}),
        ...(namespace ? { namespace } : {}),
      },
      scope.meta,
    );
    const parsed = result.isError ? undefined : objectSchema.safeParse(result.structured);
    if (parsed?.success) objects.push(parsed.data.object);
  }
  return objects;
}

/**
 * Reads the cluster facts the diagnosed skills' recipes need (read-only tools through the
 * gateway). A fact that cannot be read stays undefined, and the recipe needing it does not apply.
 */
export async function readClusterFacts(
  gateway: ToolGateway,
  input: { skills: readonly string[]; cluster?: string; namespace?: string; traceparent?: string },
): Promise<ClusterFacts> {
  const wanted = new Set(input.skills.flatMap((skill) => FACTS_OF_SKILL[skill] ?? []));
  if (!input.cluster || wanted.size === 0) return {};
  const scope: Scope = {
    gateway,
    cluster: input.cluster,
    ...(input.namespace ? { namespace: input.namespace } : {}),
    meta: input.traceparent ? { traceparent: input.traceparent } : {},
  };
  const facts: ClusterFacts = {};
  if (wanted.has('storageClasses')) {
    const names = await listNames(scope, 'StorageClass');
    if (names) facts.storageClasses = names;
  }
  if (input.namespace && wanted.has('quotas')) {
    const quotas = await readObjects(scope, 'ResourceQuota', undefined, input.namespace);
    if (quotas) facts.quotas = quotas;
  }
  if (input.namespace && wanted.has('limitRanges')) {
    const ranges = await readObjects(scope, 'LimitRange', undefined, input.namespace);
    if (ranges) facts.limitRanges = ranges;
  }
  if (wanted.has('policies')) {
    const cluster = await readObjects(scope, 'ClusterPolicy', 'kyverno.io/v1');
    const local = input.namespace ? await readObjects(scope, 'Policy', 'kyverno.io/v1', input.namespace) : [];
    if (cluster || local) facts.policies = [...(cluster ?? []), ...(local ?? [])];
  }
  return facts;
}
