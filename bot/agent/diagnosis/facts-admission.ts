/**
 * Fix facts of admission denials: the ResourceQuota, LimitRange or Kyverno policy that refused the
 * workload's pods (or its sync), the field and values at fault, and what that field held before the
 * rollout that changed it. Read from the structured results (describe_workload, get_application,
 * explain_admission_denial, list_policy_violations, get_rollout_history) and from the admission
 * messages Kubernetes and Kyverno write into their events and conditions.
 */
import type { FixFact } from '../../skills/fix-cases.js';
import {
  dottedPath,
  parseKyvernoDenial,
  parseLimitRangeBreaches,
  parseQuotaExceeded,
  parseQuotaMissingField,
  ruleMessage,
  type PolicyRuleFailure,
} from '../evidence/cause-phrases/admission-messages.js';
import type { GatheredSection } from '../evidence/section.js';
import type { InstanceAnswer } from '../tool-results/read-result.js';
import type { ReadTool, ResultOf } from '../tool-results/result-schemas.js';

type Facts = Partial<Record<FixFact, string>>;
type Workload = ResultOf<'describe_workload'>;

/** Every answer's data of one tool's sections. */
function dataOf<T extends ReadTool>(sections: readonly GatheredSection[], tool: T): Array<ResultOf<T>> {
  return sections.flatMap((section) =>
    // The section's tag says which schema checked `read`; TypeScript cannot correlate the two through T.
    section.tool === tool ? (section.read.answers as Array<InstanceAnswer<T>>).map((answer) => answer.data) : [],
  );
}

/** The admission messages the workload and its app carry: rollout conditions, warning events, sync results. */
function admissionMessages(sections: readonly GatheredSection[], workload: Workload | undefined): string[] {
  const application = dataOf(sections, 'get_application').flatMap((app) => [
    app.operation?.message,
    ...(app.operation?.failedResources ?? []).map((resource) => resource.message),
    ...app.conditions.map((condition) => condition.message),
    ...app.unhealthyResources.map((resource) => resource.message ?? resource.health?.message),
  ]);
  return [
    ...(workload?.rollout?.problems ?? []),
    ...(workload?.warningEvents ?? []).map((event) => event.message),
    ...application,
    ...dataOf(sections, 'get_application_events').flatMap((events) => events.groups.map((group) => group.message)),
  ].filter((message): message is string => message !== undefined && message !== '');
}

/** The first parse of a message that succeeds. */
function firstOf<T>(messages: readonly string[], parse: (message: string) => T | undefined): T | undefined {
  for (const message of messages) {
    const parsed = parse(message);
    if (parsed !== undefined) return parsed;
  }
  return undefined;
}

/** What a field of a container held before the current rollout changed it: `500m before revision abc1234`. */
function previousValueOf(
  history: ResultOf<'get_rollout_history'> | undefined,
  path: string,
  revision: string | undefined,
): Facts {
  const current = history?.revisions.find((entry) => entry.isCurrent) ?? history?.revisions[0];
  const change = current?.fieldChanges.find((field) => field.path === path || field.path.startsWith(`${path}.`));
  if (!current || !change) return {};
  const before = change.path === path ? (change.from ?? 'unset') : 'set differently';
  const when = revision ? `revision ${revision}` : `rollout revision ${current.revision}`;
  return { previousValue: `${before} before ${when}` };
}

function quotaFacts(messages: readonly string[], workload: Workload | undefined): Facts & { path?: string } {
  const missing = firstOf(messages, parseQuotaMissingField);
  if (missing) {
    const container = missing.missing.flatMap((entry) => entry.containers)[0] ?? workload?.containers[0]?.name;
    const resource = missing.missing[0]?.resource ?? '';
    return {
      quota: `ResourceQuota ${missing.quota}`,
      quotaResource: [...new Set(missing.missing.map((entry) => entry.resource))].join(', '),
      ...(container ? { container, path: `containers[${container}].resources.${resource}` } : {}),
    };
  }
  const exceeded = firstOf(messages, parseQuotaExceeded);
  const [usage] = exceeded?.usages ?? [];
  if (!exceeded || !usage) return {};
  // A quota on amounts (requests.memory) is met per container; on counts (pods) it is the replicas.
  const isAmount = /^(?:requests|limits)\.|^(?:cpu|memory|ephemeral-storage)$/.test(usage.resource);
  const resource = usage.resource.includes('.') ? usage.resource : `requests.${usage.resource}`;
  const container = isAmount ? workload?.containers[0]?.name : undefined;
  return {
    quota: `ResourceQuota ${exceeded.quota}`,
    quotaResource: usage.resource,
    ...(usage.requested ? { quotaRequested: usage.requested } : {}),
    ...(usage.used ? { quotaUsed: usage.used } : {}),
    ...(usage.limited ? { quotaLimit: usage.limited } : {}),
    ...(container ? { container, path: `containers[${container}].resources.${resource}` } : {}),
  };
}

function limitRangeFacts(messages: readonly string[], workload: Workload | undefined): Facts & { path?: string } {
  const breach = firstOf(messages, (message) => parseLimitRangeBreaches(message)[0]);
  if (!breach) return {};
  const values = breach.field === 'limit' ? 'limits' : 'requests';
  // The container whose value the message quotes; with one container, that one.
  const container =
    workload?.containers.find((candidate) => candidate[values]?.[breach.resource] === breach.actual) ??
    (workload?.containers.length === 1 ? workload.containers[0] : undefined);
  return {
    limitRangeResource: breach.resource,
    limitRangeField: breach.field,
    ...(breach.bound === 'maximum' ? { limitRangeMax: breach.allowed } : {}),
    ...(breach.bound === 'minimum' ? { limitRangeMin: breach.allowed } : {}),
    ...(breach.actual ? { limitRangeActual: breach.actual } : {}),
    ...(container
      ? { container: container.name, path: `containers[${container.name}].resources.${values}.${breach.resource}` }
      : {}),
  };
}

/** Kyverno's generated rule for controllers (`autogen-check-team`) is the policy author's rule `check-team`. */
function authoredRule(rule: string): string {
  return rule.replace(/^autogen-(?:cronjob-)?/, '');
}

/** The policy rule that failed: an explained denial first, else a denial message, else a policy result. */
function policyFailure(
  sections: readonly GatheredSection[],
  messages: readonly string[],
): PolicyRuleFailure | undefined {
  const denial = dataOf(sections, 'explain_admission_denial').flatMap((result) => result.denials)[0];
  if (denial) {
    const parsed = ruleMessage(denial.message);
    const path = denial.failedPath ? dottedPath(denial.failedPath) : parsed.path;
    return { policy: denial.policy, rule: denial.rule, message: parsed.message, ...(path ? { path } : {}) };
  }
  const denied = firstOf(messages, (message) => parseKyvernoDenial(message)?.failures[0]);
  if (denied) return denied;
  const group = dataOf(sections, 'list_policy_violations')
    .flatMap((result) => result.groups)
    .find((candidate) => candidate.result === 'fail' || candidate.result === 'error');
  return group ? { policy: group.policy, rule: group.rule, ...ruleMessage(group.message) } : undefined;
}

function policyFacts(
  sections: readonly GatheredSection[],
  messages: readonly string[],
  workload: Workload | undefined,
): Facts & { path?: string } {
  const failing = dataOf(sections, 'list_policy_violations')
    .flatMap((result) => result.groups)
    .filter((group) => group.result === 'fail' || group.result === 'error');
  const denied = dataOf(sections, 'explain_admission_denial').flatMap((result) => result.denials)[0]?.resource;
  const target = denied ?? firstOf(messages, (message) => parseKyvernoDenial(message)?.resource);
  // Without a denial, the failing resources stand in (facts.ts adds them after this).
  const targetFact = target
    ? { policyTarget: target.includes('/') && !target.includes(' ') ? target.replace('/', ' ') : target }
    : {};
  // Several policies failing at once: no one rule's field speaks for all of them.
  if (!target && new Set(failing.map((group) => group.policy)).size > 1) return targetFact;
  const failure = policyFailure(sections, messages);
  if (!failure) return targetFact;
  const inContainer = /containers\[(\d+)\]\.(.+)$/.exec(failure.path ?? '');
  const field = inContainer?.[2] ?? failure.path?.replace(/^spec\.template\./, '');
  const container = inContainer ? workload?.containers[Number(inContainer[1])]?.name : undefined;
  return {
    ...targetFact,
    policy: failure.policy,
    policyRule: authoredRule(failure.rule),
    ...(failure.message ? { policyMessage: failure.message } : {}),
    ...(field ? { policyField: field } : {}),
    ...(container && inContainer ? { container, path: `containers[${container}].${inContainer[2] ?? ''}` } : {}),
  };
}

/**
 * The facts of the admission denial that holds the workload back, if any: ResourceQuota first,
 * then LimitRange, then a Kyverno policy; `revision` is the app's revision that introduced the
 * state (the previous value is said as of before it).
 */
export function admissionFacts(sections: readonly GatheredSection[], revision: string | undefined): Facts {
  const [workload] = dataOf(sections, 'describe_workload');
  const [history] = dataOf(sections, 'get_rollout_history');
  const messages = admissionMessages(sections, workload);
  const quota = quotaFacts(messages, workload);
  const limits = limitRangeFacts(messages, workload);
  const policy = quota.quota || limits.limitRangeResource ? {} : policyFacts(sections, messages, workload);
  const { path, ...facts } = { ...policy, ...limits, ...quota };
  return { ...facts, ...(path ? previousValueOf(history, path, revision) : {}) };
}
