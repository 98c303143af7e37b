import type { InvestigationSnapshot, SnapshotEntry } from './snapshot.js';

/** An estate object outside the app that the gathered evidence names (a quota, a policy). */
export interface ObjectReference {
  /** The Kubernetes instance (cluster) that holds it. */
  instance: string;
  /** Kinds to try in order: a Kyverno policy may be a ClusterPolicy or a namespaced Policy. */
  kinds: string[];
  name: string;
  namespace?: string;
}

/** Kubernetes' own quota admission message: `exceeded quota: <name>, requested: ...`. */
const EXCEEDED_QUOTA = /exceeded quota: ([a-z0-9](?:[-a-z0-9.]*[a-z0-9])?)/g;

/**
 * Kyverno's admission response (relayed by Argo CD in a failed sync, or in an event): the policy
 * names listed after `was blocked due to the following policies`, one `name:` line each.
 */
const BLOCKED_BY = 'was blocked due to the following policies';
const POLICY_LINE = /^\s*([a-z0-9](?:[-a-z0-9.]*[a-z0-9])?):\s*$/gm;

function blockingPolicies(text: string): string[] {
  const at = text.indexOf(BLOCKED_BY);
  if (at < 0) return [];
  return [...text.slice(at + BLOCKED_BY.length).matchAll(POLICY_LINE)].flatMap((match) => (match[1] ? [match[1]] : []));
}

function strings(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const item of value) strings(item, out);
  else if (value && typeof value === 'object') for (const item of Object.values(value)) strings(item, out);
  return out;
}

/** Policy names from the Kyverno tools' structured results (denials, violation groups). */
function policyNames(entries: readonly SnapshotEntry[]): string[] {
  return entries.flatMap((entry) => {
    const data = (entry.data ?? {}) as {
      denials?: Array<{ policy?: string; policyFound?: boolean }>;
      groups?: Array<{ policy?: string }>;
    };
    return [
      ...(data.denials ?? []).filter((denial) => denial.policyFound !== false).map((denial) => denial.policy),
      ...(data.groups ?? []).map((group) => group.policy),
    ].filter((name): name is string => typeof name === 'string' && name.length > 0);
  });
}

/**
 * The objects a replay needs that the investigation only saw by name: the ResourceQuota a
 * FailedCreate event names, the Kyverno policies a denial, a violation or an admission response
 * (a failed sync's message) names. Objects already read
 * (a `get_resource` result) are left out. The scenario generator writes the objects read for
 * these references into the scenario's cluster, so the sandbox enforces the same quota or policy.
 */
export function referencedObjects(snapshot: InvestigationSnapshot): ObjectReference[] {
  const app = snapshot.app;
  if (!app?.cluster) return [];
  const instance = app.cluster;
  const read = new Set(
    snapshot.objects
      .filter((entry) => entry.tool === 'get_resource')
      .map((entry) => `${String(entry.arguments['kind'])}/${String(entry.arguments['name'])}`.toLowerCase()),
  );
  const references = new Map<string, ObjectReference>();
  const add = (reference: ObjectReference) => {
    const key = `${reference.kinds[0] ?? ''}/${reference.name}`.toLowerCase();
    if (!read.has(key) && !references.has(key)) references.set(key, reference);
  };
  for (const text of strings([snapshot.objects, snapshot.events]))
    for (const match of text.matchAll(EXCEEDED_QUOTA))
      if (match[1])
        add({
          instance,
          kinds: ['ResourceQuota'],
          name: match[1],
          ...(app.namespace ? { namespace: app.namespace } : {}),
        });
  const denied = strings([snapshot.appState, snapshot.events, snapshot.objects]).flatMap(blockingPolicies);
  for (const name of new Set([...policyNames(snapshot.policies), ...denied]))
    add({ instance, kinds: ['ClusterPolicy', 'Policy'], name, ...(app.namespace ? { namespace: app.namespace } : {}) });
  return [...references.values()].slice(0, 10);
}
