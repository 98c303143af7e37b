/**
 * Admission denials as data, read from the messages Kubernetes and Kyverno write (the API's own
 * words, not a server's prose): the ResourceQuota admission plugin (`exceeded quota: q, requested:
 * limits.memory=2Gi, used: …, limited: …`, `failed quota: q: must specify limits.cpu for: api`),
 * the LimitRanger (`maximum memory usage per Container is 2Gi, but limit is 4Gi`) and Kyverno's
 * validating webhook (`admission webhook "validate.kyverno.svc-fail" denied the request: resource
 * Deployment/shop/api was blocked due to the following policies p: r: 'validation error: …'`).
 * The phrasers and the fix facts read the same parse.
 */

/** One resource of a quota that a request would exceed. */
export interface QuotaUsage {
  /** `requests.memory`, `limits.cpu`, `pods`, `count/deployments.apps`. */
  resource: string;
  requested?: string;
  used?: string;
  limited?: string;
}

/** `exceeded quota: NAME, requested: …, used: …, limited: …`. */
export interface QuotaExceeded {
  quota: string;
  usages: QuotaUsage[];
}

/** `failed quota: NAME: must specify RESOURCES [for: CONTAINERS]`, one entry per resource. */
export interface QuotaMissingField {
  quota: string;
  missing: Array<{ resource: string; containers: string[] }>;
}

/** One LimitRange constraint a pod or container breaks. */
export interface LimitRangeBreach {
  bound: 'maximum' | 'minimum' | 'ratio';
  /** `memory`, `cpu`, `ephemeral-storage`, `storage`. */
  resource: string;
  /** `Container`, `Pod`, `PersistentVolumeClaim`. */
  scope: string;
  /** The LimitRange's bound (`2Gi`; for `ratio` the maximum limit-to-request ratio). */
  allowed: string;
  /** Which of the pod's values breaks it, and that value when the pod sets one. */
  field: 'limit' | 'request';
  actual?: string;
}

/** One policy rule of a Kyverno denial or policy result. */
export interface PolicyRuleFailure {
  policy: string;
  rule: string;
  /** The rule's message, without Kyverno's `validation error:` prefix and `rule … failed at path` tail. */
  message: string;
  /** The failed field as a dotted path (`spec.template.spec.containers[0].readinessProbe`). */
  path?: string;
}

/** A Kyverno admission denial: the resource it blocked and each rule that failed. */
export interface KyvernoDenial {
  /** `Deployment shop/api` (or `Kind name`), when the message names it. */
  resource?: string;
  failures: PolicyRuleFailure[];
}

/** End of a value list inside a longer message: quotes, brackets and sentence ends are not part of it. */
const TRAILING = /[\s'".\]]+$/;

function usageList(text: string): Map<string, string> {
  const entries = text
    .replace(TRAILING, '')
    .split(',')
    .map((pair) => pair.split('='))
    .filter((pair): pair is [string, string] => pair.length === 2 && pair[0] !== '' && pair[1] !== '');
  return new Map(entries.map(([key, value]) => [key.trim(), value.trim()]));
}

const EXCEEDED = /exceeded quota: ([\w.-]+), requested: (\S+), used: (\S+), limited: (\S+)/i;

/** The quota and the resources a request would take over its limits, or undefined when not such a message. */
export function parseQuotaExceeded(message: string): QuotaExceeded | undefined {
  const match = EXCEEDED.exec(message);
  if (!match?.[1]) return undefined;
  const requested = usageList(match[2] ?? '');
  const used = usageList(match[3] ?? '');
  const limited = usageList(match[4] ?? '');
  const usages = [...requested.keys()].map((resource) => ({
    resource,
    ...(requested.get(resource) ? { requested: requested.get(resource) } : {}),
    ...(used.get(resource) ? { used: used.get(resource) } : {}),
    ...(limited.get(resource) ? { limited: limited.get(resource) } : {}),
  }));
  return { quota: match[1], usages };
}

const MUST_SPECIFY = /failed quota: ([\w.-]+): must specify ([^'"\]\n]+)/i;

/**
 * The quota and the fields pods must set for it, in both forms Kubernetes writes:
 * `must specify limits.cpu,limits.memory` and `must specify limits.cpu for: api; limits.memory for: api,web`.
 */
export function parseQuotaMissingField(message: string): QuotaMissingField | undefined {
  const match = MUST_SPECIFY.exec(message);
  if (!match?.[1]) return undefined;
  const missing = (match[2] ?? '')
    .replace(TRAILING, '')
    .split(/;\s*/)
    .flatMap((part) => {
      const [resources = '', containers = ''] = part.split(/\s+for:\s*/);
      const names = containers
        .split(',')
        .map((name) => name.trim())
        .filter(Boolean);
      return resources
        .split(',')
        .map((resource) => resource.trim())
        .filter((resource) => /^[\w./-]+$/.test(resource))
        .map((resource) => ({ resource, containers: names }));
    });
  return missing.length > 0 ? { quota: match[1], missing } : undefined;
}

const QUANTITY = String.raw`(\d+(?:\.\d+)?[A-Za-z]*)`;
const LIMIT_RANGE = new RegExp(
  String.raw`(maximum|minimum) ([\w-]+) usage per (\w+) is ${QUANTITY}` +
    String.raw`(?:, but (limit|request) is ${QUANTITY}|\.?\s+No (limit|request) is specified)`,
  'gi',
);
const LIMIT_RATIO = new RegExp(
  String.raw`([\w-]+) max limit to request ratio per (\w+) is ${QUANTITY}, but provided ratio is (\d+(?:\.\d+)?)`,
  'gi',
);

/** Every LimitRange constraint a message reports (the LimitRanger joins several into one list). */
export function parseLimitRangeBreaches(message: string): LimitRangeBreach[] {
  const breaches: LimitRangeBreach[] = [];
  for (const match of message.matchAll(LIMIT_RANGE)) {
    const [, bound = '', resource = '', scope = '', allowed = '', field, actual, unsetField] = match;
    breaches.push({
      bound: bound.toLowerCase() === 'maximum' ? 'maximum' : 'minimum',
      resource,
      scope,
      allowed,
      field: (field ?? unsetField ?? 'limit').toLowerCase() === 'request' ? 'request' : 'limit',
      ...(actual ? { actual } : {}),
    });
  }
  for (const match of message.matchAll(LIMIT_RATIO)) {
    const [, resource = '', scope = '', allowed = '', actual = ''] = match;
    breaches.push({ bound: 'ratio', resource, scope, allowed, field: 'limit', actual: String(Number(actual)) });
  }
  return breaches;
}

/** `/spec/template/spec/containers/0/image/` → `spec.template.spec.containers[0].image`. */
export function dottedPath(path: string): string {
  return path
    .split('/')
    .filter(Boolean)
    .map((part, index) => (/^\d+$/.test(part) ? `[${part}]` : `${index > 0 ? '.' : ''}${part}`))
    .join('');
}

const RULE_TAIL = /\.?\s*rule ([\w.-]+)(?:\[[^\]]*\])? failed at path (\S+?)\s*$/i;

/** A rule's message without Kyverno's wrapping, and the path that failed. */
export function ruleMessage(text: string): { message: string; path?: string } {
  const unquoted = text
    .trim()
    .replace(/^'(.*)'$/s, '$1')
    .replace(/''/g, "'");
  const bare = unquoted.replace(/^validation error:\s*/i, '');
  const tail = RULE_TAIL.exec(bare);
  const message = (tail ? bare.slice(0, tail.index) : bare).trim().replace(/\.$/, '');
  return { message, ...(tail?.[2] ? { path: dottedPath(tail[2]) } : {}) };
}

const KYVERNO_DENIED = /admission webhook "[^"]*kyverno[^"]*" denied the request:?\s*([\s\S]*)$/i;
const BLOCKED = /resource (\S+) was blocked due to the following policies:?\s*/i;
const NAME = '[a-z0-9][-a-z0-9.]*';
const FLAT_FAILURE = new RegExp(
  `(${NAME}):\\s+(${NAME}):\\s+('(?:[^']|'')*'|"[^"]*"|.+?)(?=\\s+${NAME}:\\s+${NAME}:\\s|$)`,
  'g',
);

/** `Deployment/shop/api` → `Deployment shop/api`. */
function resourceLabel(reference: string): string {
  const [kind = '', ...rest] = reference.split('/');
  return rest.length > 0 ? `${kind} ${rest.join('/')}` : kind;
}

function failure(policy: string, rule: string, text: string): PolicyRuleFailure {
  return { policy, rule, ...ruleMessage(text) };
}

/** The policies and rules a Kyverno admission denial names, multi-line or flattened onto one line. */
export function parseKyvernoDenial(message: string): KyvernoDenial | undefined {
  const denied = KYVERNO_DENIED.exec(message);
  if (!denied) return undefined;
  let rest = (denied[1] ?? '').replace(/\\n/g, '\n');
  const blocked = BLOCKED.exec(rest);
  if (blocked) rest = rest.slice(blocked.index + blocked[0].length);
  const failures: PolicyRuleFailure[] = [];
  let policy: string | undefined;
  for (const line of rest.split('\n').filter((text) => text.trim())) {
    const policyLine = /^(\S[^:\s]*):\s*$/.exec(line);
    const ruleLine = /^\s+([^:\s]+):\s*(.+)$/.exec(line);
    if (policyLine?.[1]) policy = policyLine[1];
    else if (ruleLine?.[1] && policy) failures.push(failure(policy, ruleLine[1], ruleLine[2] ?? ''));
  }
  if (failures.length === 0)
    for (const match of rest.replace(/\s+/g, ' ').matchAll(FLAT_FAILURE))
      if (match[1] && match[2]) failures.push(failure(match[1], match[2], match[3] ?? ''));
  return { ...(blocked?.[1] ? { resource: resourceLabel(blocked[1]) } : {}), failures };
}

const POLICY_RESULT = /^policy ([\w.-]+)\/([\w.-]+) (fail|error|warn):\s*([\s\S]+)$/i;

/** Kyverno's policy result message (`policy require-team/check-team fail: validation error: …`). */
export function parsePolicyResult(message: string): PolicyRuleFailure | undefined {
  const match = POLICY_RESULT.exec(message.trim());
  return match?.[1] && match[2] ? failure(match[1], match[2], match[4] ?? '') : undefined;
}
