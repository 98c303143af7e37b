/**
 * Kyverno policies as the engine sees them: validate rules with their match/exclude blocks,
 * failure action, message, pattern/anyPattern, plus the auto-generated rules for pod
 * controllers (`autogen-<rule>` on spec.template, `autogen-cronjob-<rule>` on CronJobs).
 */
import type { KubeObject } from '../kube/cluster-api.js';
import type { ObjectStore } from '../kube/object-store.js';
import { matchesLabelSelector, type LabelSelector } from '../kube/selectors.js';
import { matchPattern } from './pattern.js';
import { wildcardMatch } from './pattern.js';

/** One `resources` filter of a match/exclude block. */
interface ResourceFilter {
  kinds?: string[];
  names?: string[];
  name?: string;
  namespaces?: string[];
  selector?: LabelSelector;
  namespaceSelector?: LabelSelector;
  operations?: string[];
}

interface MatchBlock {
  any?: Array<{ resources?: ResourceFilter }>;
  all?: Array<{ resources?: ResourceFilter }>;
  resources?: ResourceFilter;
}

/** A validate rule ready to evaluate. */
export interface CompiledRule {
  policy: KubeObject;
  policyName: string;
  name: string;
  match: MatchBlock;
  exclude?: MatchBlock;
  isEnforce: boolean;
  message: string;
  pattern?: unknown;
  anyPattern?: unknown[];
  severity?: string;
  category?: string;
  isBackground: boolean;
}

/** Outcome of one rule on one resource. */
export interface RuleOutcome {
  rule: CompiledRule;
  result: 'pass' | 'fail' | 'skip';
  message: string;
}

const POD_CONTROLLERS = ['DaemonSet', 'Deployment', 'Job', 'StatefulSet', 'ReplicaSet', 'ReplicationController'];

/** Namespaces and kinds Kyverno's default resourceFilters leave alone. */
const FILTERED_NAMESPACES = new Set(['kube-system', 'kube-public', 'kube-node-lease', 'kyverno']);
const FILTERED_KINDS = new Set([
  'Event',
  'Node',
  'ReplicaSet',
  'PolicyReport',
  'ClusterPolicyReport',
  'EndpointSlice',
  'Endpoints',
  'CustomResourceDefinition',
  'PersistentVolume',
]);

/** True when Kyverno's default resource filters skip the object. */
export function isFiltered(object: KubeObject): boolean {
  return FILTERED_KINDS.has(object.kind) || FILTERED_NAMESPACES.has(object.metadata.namespace ?? '');
}

function failureAction(policy: KubeObject, rule: Record<string, unknown>): boolean {
  const validate = (rule.validate ?? {}) as { failureAction?: string };
  const spec = (policy.spec ?? {}) as { validationFailureAction?: string };
  return (validate.failureAction ?? spec.validationFailureAction ?? 'Audit').toLowerCase() === 'enforce';
}

/** Rules of a policy that match only Pods get autogen rules (unless disabled by annotation). */
function matchesOnlyPods(match: MatchBlock): boolean {
  const filters = [...(match.any ?? []), ...(match.all ?? [])]
    .map((f) => f.resources)
    .concat(match.resources ? [match.resources] : []);
  return (
    filters.length > 0 &&
    filters.every(
      (f) => (f?.kinds ?? []).length > 0 && (f?.kinds ?? []).every((k) => k === 'Pod' || k.endsWith('/Pod')),
    )
  );
}

function withKinds(match: MatchBlock, kinds: string[]): MatchBlock {
  const swap = (filter: { resources?: ResourceFilter }): { resources?: ResourceFilter } => ({
    ...filter,
    resources: { ...(filter.resources ?? {}), kinds },
  });
  return {
    ...(match.any ? { any: match.any.map(swap) } : {}),
    ...(match.all ? { all: match.all.map(swap) } : {}),
    ...(match.resources ? { resources: { ...match.resources, kinds } } : {}),
  };
}

function wrapPattern(pattern: unknown, isCronJob: boolean): unknown {
  if (pattern === undefined) return undefined;
  return isCronJob ? { spec: { jobTemplate: { spec: { template: pattern } } } } : { spec: { template: pattern } };
}

/** Compiles every validate rule of a policy, autogen rules included. */
export function compilePolicy(policy: KubeObject): CompiledRule[] {
  const spec = (policy.spec ?? {}) as { rules?: Array<Record<string, unknown>>; background?: boolean };
  const annotations = policy.metadata.annotations ?? {};
  const autogen = annotations['pod-policies.kyverno.io/autogen-controllers'];
  const controllers =
    autogen === undefined ? POD_CONTROLLERS : autogen === 'none' ? [] : autogen.split(',').map((c) => c.trim());
  const out: CompiledRule[] = [];
  for (const rule of spec.rules ?? []) {
    const validate = rule.validate as { message?: string; pattern?: unknown; anyPattern?: unknown[] } | undefined;
    if (!validate || (validate.pattern === undefined && validate.anyPattern === undefined)) continue;
    const base: CompiledRule = {
      policy,
      policyName: policy.metadata.name,
      name: String(rule.name ?? ''),
      match: (rule.match ?? {}) as MatchBlock,
      ...(rule.exclude ? { exclude: rule.exclude as MatchBlock } : {}),
      isEnforce: failureAction(policy, rule),
      message: validate.message ?? '',
      ...(validate.pattern !== undefined ? { pattern: validate.pattern } : {}),
      ...(validate.anyPattern ? { anyPattern: validate.anyPattern } : {}),
      ...(annotations['policies.kyverno.io/severity'] ? { severity: annotations['policies.kyverno.io/severity'] } : {}),
      ...(annotations['policies.kyverno.io/category'] ? { category: annotations['policies.kyverno.io/category'] } : {}),
      isBackground: spec.background !== false,
    };
    out.push(base);
    if (!matchesOnlyPods(base.match)) continue;
    const podControllers = controllers.filter((c) => c !== 'CronJob');
    if (podControllers.length > 0) {
      out.push({
        ...base,
        name: `autogen-${base.name}`,
        match: withKinds(base.match, podControllers),
        ...(base.exclude ? { exclude: withKinds(base.exclude, podControllers) } : {}),
        ...(base.pattern !== undefined ? { pattern: wrapPattern(base.pattern, false) } : {}),
        ...(base.anyPattern ? { anyPattern: base.anyPattern.map((p) => wrapPattern(p, false)) } : {}),
      });
    }
    if (autogen === undefined || controllers.includes('CronJob')) {
      out.push({
        ...base,
        name: `autogen-cronjob-${base.name}`,
        match: withKinds(base.match, ['CronJob']),
        ...(base.exclude ? { exclude: withKinds(base.exclude, ['CronJob']) } : {}),
        ...(base.pattern !== undefined ? { pattern: wrapPattern(base.pattern, true) } : {}),
        ...(base.anyPattern ? { anyPattern: base.anyPattern.map((p) => wrapPattern(p, true)) } : {}),
      });
    }
  }
  return out;
}

function kindMatches(object: KubeObject, kind: string): boolean {
  if (kind === '*') return true;
  const parts = kind.split('/');
  const plainKind = parts[parts.length - 1] ?? '';
  if (!wildcardMatch(object.kind, plainKind)) return false;
  if (parts.length === 1) return true;
  const groupVersion = parts.slice(0, -1).join('/');
  return (
    wildcardMatch(object.apiVersion, groupVersion) || wildcardMatch(object.apiVersion.split('/')[0] ?? '', groupVersion)
  );
}

function filterMatches(
  store: ObjectStore,
  object: KubeObject,
  filter: ResourceFilter | undefined,
  operation: string,
): boolean {
  if (!filter) return false;
  if (filter.kinds && !filter.kinds.some((k) => kindMatches(object, k))) return false;
  const names = filter.names ?? (filter.name ? [filter.name] : undefined);
  if (names && !names.some((n) => wildcardMatch(object.metadata.name, n))) return false;
  if (filter.namespaces && !filter.namespaces.some((n) => wildcardMatch(object.metadata.namespace ?? '', n)))
    return false;
  if (filter.selector && !matchesLabelSelector(object.metadata.labels, filter.selector)) return false;
  if (filter.operations && !filter.operations.includes(operation)) return false;
  if (filter.namespaceSelector) {
    const namespace = store.get('/Namespace', undefined, object.metadata.namespace ?? '');
    if (!namespace || !matchesLabelSelector(namespace.metadata.labels, filter.namespaceSelector)) return false;
  }
  return true;
}

function blockMatches(
  store: ObjectStore,
  object: KubeObject,
  block: MatchBlock | undefined,
  operation: string,
): boolean {
  if (!block) return false;
  if (block.any && block.any.length > 0)
    return block.any.some((f) => filterMatches(store, object, f.resources, operation));
  if (block.all && block.all.length > 0)
    return block.all.every((f) => filterMatches(store, object, f.resources, operation));
  if (block.resources) return filterMatches(store, object, block.resources, operation);
  return false;
}

/** True when the rule applies to the object (match and not exclude; Policy = own namespace). */
export function ruleApplies(store: ObjectStore, rule: CompiledRule, object: KubeObject, operation: string): boolean {
  if (rule.policy.kind === 'Policy' && rule.policy.metadata.namespace !== object.metadata.namespace) return false;
  if (!blockMatches(store, object, rule.match, operation)) return false;
  return !blockMatches(store, object, rule.exclude, operation);
}

/** Substitutes `{{request.object.x.y}}` style variables in a message. */
function substitute(message: string, object: KubeObject, operation: string): string {
  return message.replace(/\{\{\s*([A-Za-z0-9_.]+)\s*\}\}/g, (whole, path: string) => {
    let current: unknown = { request: { object, operation } };
    for (const segment of path.split('.')) {
      if (current === null || typeof current !== 'object') return whole;
      current = (current as Record<string, unknown>)[segment];
    }
    return current === undefined ? whole : typeof current === 'object' ? JSON.stringify(current) : String(current);
  });
}

/** Evaluates one applicable rule on the object, producing Kyverno's result message. */
export function evaluateRule(rule: CompiledRule, object: KubeObject, operation: string): RuleOutcome {
  const message = substitute(rule.message, object, operation);
  if (rule.pattern !== undefined) {
    const result = matchPattern(object, rule.pattern);
    if (result.status === 'pass') return { rule, result: 'pass', message: `validation rule '${rule.name}' passed.` };
    if (result.status === 'skip')
      return {
        rule,
        result: 'skip',
        message: `rule ${rule.name} skipped due to conditional anchor mismatch at path ${result.path}`,
      };
    return {
      rule,
      result: 'fail',
      message: `validation error: ${sentence(message)} rule ${rule.name} failed at path ${result.path}`,
    };
  }
  const failures: string[] = [];
  let skipped = 0;
  for (const [i, pattern] of (rule.anyPattern ?? []).entries()) {
    const result = matchPattern(object, pattern);
    if (result.status === 'pass')
      return { rule, result: 'pass', message: `validation rule '${rule.name}' anyPattern[${i}] passed.` };
    if (result.status === 'skip') skipped += 1;
    else failures.push(`rule ${rule.name}[${i}] failed at path ${result.path}`);
  }
  if (failures.length === 0 && skipped > 0)
    return { rule, result: 'skip', message: `rule ${rule.name} skipped due to conditional anchor mismatch` };
  return { rule, result: 'fail', message: `validation error: ${sentence(message)} ${failures.join(' ')}` };
}

/** The message as a sentence: Kyverno separates it from the failure detail with a period. */
function sentence(message: string): string {
  return message.endsWith('.') ? message : `${message}.`;
}
