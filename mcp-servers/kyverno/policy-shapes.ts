import type { KubeObject } from '../common/kube-types.js';

/** A Kyverno resource filter (match/exclude). */
export interface ResourceFilter {
  resources?: {
    kinds?: string[];
    names?: string[];
    namespaces?: string[];
    selector?: unknown;
    namespaceSelector?: unknown;
  };
  subjects?: unknown;
  roles?: string[];
}

export interface MatchBlock extends ResourceFilter {
  any?: ResourceFilter[];
  all?: ResourceFilter[];
}

export interface DenyCondition {
  key?: unknown;
  operator?: string;
  value?: unknown;
  message?: string;
}

export interface PolicyRule {
  name: string;
  match?: MatchBlock;
  exclude?: MatchBlock;
  validate?: {
    message?: string;
    failureAction?: string;
    pattern?: unknown;
    anyPattern?: unknown[];
    deny?: { conditions?: DenyCondition[] | { any?: DenyCondition[]; all?: DenyCondition[] } };
    podSecurity?: { level?: string; version?: string };
    cel?: { expressions?: Array<{ expression?: string; message?: string }> };
    foreach?: unknown[];
  };
  mutate?: unknown;
  generate?: unknown;
  verifyImages?: unknown[];
}

export interface KyvernoPolicy extends KubeObject {
  spec?: {
    validationFailureAction?: string;
    background?: boolean;
    rules?: PolicyRule[];
    admission?: boolean;
  };
  status?: { conditions?: Array<{ type: string; status: string; reason?: string; message?: string }>; ready?: boolean };
}

export interface ReportResult {
  policy?: string;
  rule?: string;
  result?: 'pass' | 'fail' | 'warn' | 'error' | 'skip';
  message?: string;
  severity?: string;
  category?: string;
  resources?: Array<{ apiVersion?: string; kind?: string; name?: string; namespace?: string; uid?: string }>;
  timestamp?: { seconds?: number; nanos?: number };
  source?: string;
}

export interface PolicyReport extends KubeObject {
  scope?: { apiVersion?: string; kind?: string; name?: string; namespace?: string };
  results?: ReportResult[];
  summary?: { pass?: number; fail?: number; warn?: number; error?: number; skip?: number };
}

/** `Enforce` or `Audit` for a rule: the rule's own failureAction wins over the policy-wide default. */
export function ruleMode(policy: KyvernoPolicy, rule: PolicyRule): 'Enforce' | 'Audit' {
  const action = rule.validate?.failureAction ?? policy.spec?.validationFailureAction ?? 'Audit';
  return action.toLowerCase() === 'enforce' ? 'Enforce' : 'Audit';
}

/** The policy-level mode: Enforce when any validate rule enforces, else Audit. */
export function policyMode(policy: KyvernoPolicy): 'Enforce' | 'Audit' | 'Mixed' {
  const modes = new Set(
    (policy.spec?.rules ?? []).filter((rule) => rule.validate).map((rule) => ruleMode(policy, rule)),
  );
  if (modes.size === 0)
    return (policy.spec?.validationFailureAction ?? 'Audit').toLowerCase() === 'enforce' ? 'Enforce' : 'Audit';
  return modes.size > 1 ? 'Mixed' : ([...modes][0] ?? 'Audit');
}

/** What kind of rule this is: validate, mutate, generate or verifyImages. */
export function ruleType(rule: PolicyRule): string {
  return rule.validate
    ? 'validate'
    : rule.mutate
      ? 'mutate'
      : rule.generate
        ? 'generate'
        : rule.verifyImages
          ? 'verifyImages'
          : 'other';
}

/** Kinds (and namespaces) a rule matches, in words. */
export function describeMatch(block: MatchBlock | undefined): string {
  if (!block) return 'anything';
  const filters = [...(block.any ?? []), ...(block.all ?? []), ...(block.resources ? [block as ResourceFilter] : [])];
  const parts = filters.map((filter) => {
    const resources = filter.resources ?? {};
    const kinds = resources.kinds?.join('/') ?? 'any kind';
    const namespaces = resources.namespaces?.length ? ` in ${resources.namespaces.join(',')}` : '';
    const names = resources.names?.length ? ` named ${resources.names.join(',')}` : '';
    return `${kinds}${names}${namespaces}`;
  });
  return parts.join(' or ') || 'anything';
}

/** The kinds a match block names (empty: any kind), the data behind `describeMatch`. */
export function matchedKinds(block: MatchBlock | undefined): string[] {
  const filters = [
    ...(block?.any ?? []),
    ...(block?.all ?? []),
    ...(block?.resources ? [block as ResourceFilter] : []),
  ];
  return [...new Set(filters.flatMap((filter) => filter.resources?.kinds ?? []))];
}

/** Ready status of a policy from its status conditions. */
export function policyReady(policy: KyvernoPolicy): boolean | undefined {
  const condition = policy.status?.conditions?.find((candidate) => candidate.type === 'Ready');
  if (condition) return condition.status === 'True';
  return policy.status?.ready;
}
