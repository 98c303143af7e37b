/**
 * Kyverno inside one simulated cluster: validating admission for Enforce rules (create,
 * update, server-side dry run and controller-created pods), policy status (Ready, autogen
 * rules, rule counts), and the background scan that writes one wgpolicyk8s.io/v1alpha2
 * PolicyReport (or ClusterPolicyReport) per scanned resource, named by the resource's uid.
 */
import type { AdmissionDenial, KubeObject } from '../kube/cluster-api.js';
import type { ObjectStore } from '../kube/object-store.js';
import { RESOURCE_TYPES, typeKey } from '../kube/resource-types.js';
import { compilePolicy, type CompiledRule, evaluateRule, isFiltered, ruleApplies } from './policy-rules.js';
import { kyvernoCustomResourceDefinitions } from './crds.js';

/** Options of createKyverno. */
export interface KyvernoOptions {
  store: ObjectStore;
  now: () => Date;
  clusterName: string;
}

/** The Kyverno engine of one cluster. */
export interface Kyverno {
  /** Enforce-mode denials for a create/update of `object` (empty when admitted). */
  admit(object: KubeObject, operation: 'CREATE' | 'UPDATE'): AdmissionDenial[];
  /** Re-reads policies after a policy changed and refreshes their status. */
  onPolicyChange(): void;
  /** Stores the Kyverno and policy-report CRDs. */
  installCustomResourceDefinitions(createdMs: number): void;
  /** Background scan of the given namespaces (and cluster-scoped resources for 'all'). */
  scan(scope: Set<string> | 'all'): void;
}

const POLICY_KEYS = ['kyverno.io/ClusterPolicy', 'kyverno.io/Policy'];
const REPORT_KEY = 'wgpolicyk8s.io/PolicyReport';
const CLUSTER_REPORT_KEY = 'wgpolicyk8s.io/ClusterPolicyReport';

function iso(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/** Creates the engine (see the module comment). */
export function createKyverno(options: KyvernoOptions): Kyverno {
  const { store, now } = options;
  let rules: CompiledRule[] = [];
  let scannedKinds = new Set<string>();

  function compile(): void {
    rules = [];
    for (const key of POLICY_KEYS) for (const policy of store.iterate(key)) rules.push(...compilePolicy(policy));
    scannedKinds = new Set();
    for (const rule of rules) {
      if (!rule.isBackground) continue;
      const filters = [...(rule.match.any ?? []), ...(rule.match.all ?? [])]
        .map((f) => f.resources)
        .concat(rule.match.resources ? [rule.match.resources] : []);
      for (const filter of filters)
        for (const kind of filter?.kinds ?? []) scannedKinds.add(kind.split('/').pop() ?? kind);
    }
  }

  function refreshStatus(): void {
    for (const key of POLICY_KEYS) {
      for (const policy of [...store.iterate(key)]) {
        const compiled = compilePolicy(policy);
        const own = compiled.filter((r) => !r.name.startsWith('autogen-'));
        const autogen = compiled.filter((r) => r.name.startsWith('autogen-'));
        const previous = (
          policy.status as { conditions?: Array<{ type: string; lastTransitionTime?: string }> } | undefined
        )?.conditions?.find((c) => c.type === 'Ready');
        const status = {
          autogen: {
            rules: autogen.map((r) => ({
              name: r.name,
              match: r.match,
              validate: {
                message: r.message,
                ...(r.pattern !== undefined ? { pattern: r.pattern } : {}),
                ...(r.anyPattern ? { anyPattern: r.anyPattern } : {}),
              },
            })),
          },
          conditions: [
            {
              type: 'Ready',
              status: 'True',
              reason: 'Succeeded',
              message: 'Ready',
              lastTransitionTime:
                previous?.lastTransitionTime ?? policy.metadata.creationTimestamp ?? iso(now().getTime()),
            },
          ],
          ready: true,
          rulecount: { generate: 0, mutate: 0, validate: own.length, verifyimages: 0 },
          validatingadmissionpolicy: { generated: false, message: '' },
        };
        const spec = {
          admission: true,
          background: true,
          validationFailureAction: 'Audit',
          ...(policy.spec as object),
        };
        if (
          JSON.stringify(policy.status) !== JSON.stringify(status) ||
          JSON.stringify(policy.spec) !== JSON.stringify(spec)
        ) {
          store.put(key, { ...policy, spec, status });
        }
      }
    }
  }

  function admit(object: KubeObject, operation: 'CREATE' | 'UPDATE'): AdmissionDenial[] {
    if (rules.length === 0 || isFiltered(object)) return [];
    const denials: AdmissionDenial[] = [];
    for (const rule of rules) {
      if (!rule.isEnforce || (rule.policy.spec as { admission?: boolean }).admission === false) continue;
      if (!ruleApplies(store, rule, object, operation)) continue;
      const outcome = evaluateRule(rule, object, operation);
      if (outcome.result === 'fail')
        denials.push({ policy: rule.policyName, rule: rule.name, message: outcome.message });
    }
    return denials;
  }

  function scanObject(object: KubeObject, timestamp: number): void {
    if (isFiltered(object)) return;
    const results: Array<Record<string, unknown>> = [];
    for (const rule of rules) {
      if (!rule.isBackground || !ruleApplies(store, rule, object, 'CREATE')) continue;
      const outcome = evaluateRule(rule, object, 'CREATE');
      results.push({
        category: rule.category,
        message: outcome.message,
        policy: rule.policyName,
        properties: { process: 'background scan' },
        result: outcome.result,
        rule: rule.name,
        scored: true,
        severity: rule.severity,
        source: 'kyverno',
      });
    }
    const isNamespaced = object.metadata.namespace !== undefined;
    const key = isNamespaced ? REPORT_KEY : CLUSTER_REPORT_KEY;
    const name = object.metadata.uid ?? object.metadata.name;
    const existing = store.get(key, object.metadata.namespace, name);
    if (results.length === 0) {
      if (existing) store.remove(key, object.metadata.namespace, name);
      return;
    }
    const cleaned = results.map((r) => Object.fromEntries(Object.entries(r).filter(([, v]) => v !== undefined)));
    const previousResults = (existing?.results as Array<Record<string, unknown>> | undefined) ?? [];
    const isSame =
      JSON.stringify(previousResults.map(({ timestamp: _t, ...rest }) => rest)) === JSON.stringify(cleaned);
    if (existing && isSame) return;
    const seconds = Math.floor(timestamp / 1000);
    const summary = { error: 0, fail: 0, pass: 0, skip: 0, warn: 0 };
    for (const result of cleaned) summary[result.result as keyof typeof summary] += 1;
    store.put(key, {
      apiVersion: 'wgpolicyk8s.io/v1alpha2',
      kind: isNamespaced ? 'PolicyReport' : 'ClusterPolicyReport',
      metadata: {
        name,
        ...(isNamespaced ? { namespace: object.metadata.namespace } : {}),
        uid: existing?.metadata.uid ?? `${name.slice(0, 8)}-report-${name.slice(-12)}`,
        creationTimestamp: existing?.metadata.creationTimestamp ?? iso(timestamp),
        labels: { 'app.kubernetes.io/managed-by': 'kyverno' },
        ownerReferences: [
          {
            apiVersion: object.apiVersion,
            kind: object.kind,
            name: object.metadata.name,
            uid: object.metadata.uid ?? '',
          },
        ],
      },
      scope: {
        apiVersion: object.apiVersion,
        kind: object.kind,
        name: object.metadata.name,
        ...(isNamespaced ? { namespace: object.metadata.namespace } : {}),
        uid: object.metadata.uid,
      },
      results: cleaned.map((r) => ({ ...r, timestamp: { nanos: 0, seconds } })),
      summary,
    });
  }

  function scan(scope: Set<string> | 'all'): void {
    const hasReports = store.count(REPORT_KEY) + store.count(CLUSTER_REPORT_KEY) > 0;
    if (scannedKinds.size === 0 && !hasReports) return;
    const timestamp = now().getTime();
    const live = new Set<string>();
    for (const type of RESOURCE_TYPES) {
      if (!scannedKinds.has(type.kind) && !scannedKinds.has('*')) continue;
      if (!type.namespaced && scope !== 'all') continue;
      const namespaces = type.namespaced ? (scope === 'all' ? undefined : [...scope]) : [undefined];
      for (const namespace of namespaces ?? [undefined]) {
        for (const object of [...store.iterate(typeKey(type), namespace)]) {
          live.add(object.metadata.uid ?? '');
          scanObject(object, timestamp);
        }
      }
    }
    // Reports of resources no longer scanned (policy removed, resource gone) are deleted.
    for (const key of [REPORT_KEY, CLUSTER_REPORT_KEY]) {
      for (const report of [...store.iterate(key)]) {
        const namespace = report.metadata.namespace;
        if (key === REPORT_KEY && scope !== 'all' && !scope.has(namespace ?? '')) continue;
        if (key === CLUSTER_REPORT_KEY && scope !== 'all') continue;
        if (!live.has(report.metadata.name)) store.remove(key, namespace, report.metadata.name);
      }
    }
  }

  return {
    admit,
    onPolicyChange() {
      compile();
      refreshStatus();
      compile();
    },
    installCustomResourceDefinitions(createdMs) {
      for (const crd of kyvernoCustomResourceDefinitions(iso(createdMs)))
        store.put('apiextensions.k8s.io/CustomResourceDefinition', crd);
    },
    scan,
  };
}
