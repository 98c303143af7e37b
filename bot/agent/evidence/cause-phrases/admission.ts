/** Phrasers for ResourceQuota, LimitRange and Kyverno admission denials messages. */
import {
  parseKyvernoDenial,
  parseLimitRangeBreaches,
  parsePolicyResult,
  parseQuotaExceeded,
  parseQuotaMissingField,
  type LimitRangeBreach,
  type PolicyRuleFailure,
  type QuotaUsage,
} from './admission-messages.js';
import type { CausePhraser } from './phraser.js';

/** Resources a quota counts as objects (`pods`, `count/deployments.apps`), not as amounts. */
function isObjectCount(resource: string): boolean {
  return /^(?:pods|services|secrets|configmaps|persistentvolumeclaims|replicationcontrollers|count\/.+)$/.test(
    resource,
  );
}

function usagePhrase(usage: QuotaUsage): string {
  if (isObjectCount(usage.resource))
    return `${usage.used ?? '?'} of the ${usage.limited ?? '?'} ${usage.resource} it allows already exist`;
  return (
    `each asks for ${usage.resource} ${usage.requested ?? '?'} ` +
    `while ${usage.used ?? '?'} of its ${usage.limited ?? '?'} are already used`
  );
}

/** `exceeded quota: q, requested: …` → `new pods exceeded quota q: each asks for requests.memory 3Gi while …`. */
const quotaExceeded: CausePhraser = (message) => {
  const parsed = parseQuotaExceeded(message);
  if (!parsed) return undefined;
  const usages = parsed.usages.map(usagePhrase);
  return `new pods exceeded quota ${parsed.quota}${usages.length > 0 ? `: ${usages.join('; ')}` : ''}`;
};

function nameList(names: readonly string[]): string {
  return names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} and ${names.at(-1) ?? ''}`;
}

/** `failed quota: q: must specify limits.cpu for: api` → `quota q refuses new pods: they must specify …`. */
const quotaMissingField: CausePhraser = (message) => {
  const parsed = parseQuotaMissingField(message);
  if (!parsed) return undefined;
  const resources = nameList([...new Set(parsed.missing.map((entry) => entry.resource))]);
  const containers = [...new Set(parsed.missing.flatMap((entry) => entry.containers))];
  const isMany = containers.length > 1;
  const who =
    containers.length === 0
      ? ''
      : ` (container${isMany ? 's' : ''} ${nameList(containers)} set${isMany ? '' : 's'} none)`;
  return `quota ${parsed.quota} refuses new pods: they must specify ${resources}${who}`;
};

/** One LimitRange breach in words: the pod's value, the bound and what it applies to. */
export function limitRangeBreachPhrase(breach: LimitRangeBreach): string {
  const per = `per ${breach.scope}`;
  const owner = `a ${breach.scope.toLowerCase()}`;
  if (breach.bound === 'ratio')
    return (
      `the ${breach.resource} limit of ${owner} is ${breach.actual ?? '?'} times its request, ` +
      `over the maximum limit-to-request ratio of ${breach.allowed} ${per}`
    );
  if (breach.actual === undefined)
    return (
      `${owner} sets no ${breach.resource} ${breach.field} ` +
      `(${breach.bound} ${breach.resource} ${breach.allowed} ${per})`
    );
  const side = breach.bound === 'maximum' ? 'over' : 'under';
  return (
    `the ${breach.resource} ${breach.field} ${breach.actual} of ${owner} is ${side} ` +
    `its ${breach.bound} ${breach.resource} of ${breach.allowed} ${per}`
  );
}

/** `maximum memory usage per Container is 2Gi, but limit is 4Gi` → `the LimitRange refuses new pods: …`. */
const limitRange: CausePhraser = (message) => {
  const breaches = parseLimitRangeBreaches(message);
  if (breaches.length === 0) return undefined;
  return `the LimitRange refuses new pods: ${breaches.map(limitRangeBreachPhrase).join('; ')}`;
};

/** One failed policy rule as a clause: `policy p (rule r): message (at path)`. */
export function policyFailurePhrase(failure: PolicyRuleFailure): string {
  const where = failure.path ? ` (at ${failure.path})` : '';
  return `policy ${failure.policy} (rule ${failure.rule}): ${failure.message}${where}`;
}

/** `admission webhook "…kyverno…" denied the request: …` → `Kyverno denied Deployment shop/api: policy p …`. */
const kyvernoDenial: CausePhraser = (message) => {
  const denial = parseKyvernoDenial(message);
  if (!denial) return undefined;
  const target = denial.resource ?? 'the request';
  if (denial.failures.length === 0) return `Kyverno denied ${target}`;
  return `Kyverno denied ${target}: ${denial.failures.map(policyFailurePhrase).join('; ')}`;
};

/** `policy p/r fail: validation error: …` (Kyverno's PolicyViolation event) → `fails policy p (rule r): …`. */
const policyResult: CausePhraser = (message) => {
  const failure = parsePolicyResult(message);
  return failure ? `fails Kyverno ${policyFailurePhrase(failure)}` : undefined;
};

export const ADMISSION_PHRASERS: readonly CausePhraser[] = [
  kyvernoDenial,
  quotaMissingField,
  quotaExceeded,
  limitRange,
  policyResult,
];
