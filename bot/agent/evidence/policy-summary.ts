/**
 * Several Kyverno failures at once, as one line: every failing resource with the policies it
 * fails. A namespace report lists a controller under the generated (`autogen-`) rule and its
 * pods under the rule as written; the pods are said through their controller, once.
 */
import type { EvidenceItem } from '../../skills/evidence.js';
import type { ResultOf } from '../tool-results/result-schemas.js';
import { clipLine } from './age.js';
import { ruleMessage } from './cause-phrases/admission-messages.js';
import type { EvidenceContext } from './section.js';

type Group = ResultOf<'list_policy_violations'>['groups'][number];

const CONTROLLER_KINDS = /^(?:Deployment|StatefulSet|DaemonSet|Job|CronJob|ReplicaSet)$/;

/** The namespace of the failing resources (`Deployment payments/x` → `payments`). */
function namespaceOf(groups: readonly Group[]): string {
  const qualified = groups.flatMap((group) => group.resources)[0]?.split(' ')[1] ?? '';
  return qualified.includes('/') ? (qualified.split('/')[0] ?? '') : '';
}

/** `Pod payments/fraud-check-7d9f-x2` → `Deployment payments/fraud-check` when that controller is listed. */
function throughController(resource: string, controllers: readonly string[]): string {
  const [kind = '', qualified = ''] = resource.split(' ');
  if (kind !== 'Pod') return resource;
  const owner = controllers.find((controller) => {
    const name = controller.split(' ')[1] ?? '';
    return name !== '' && qualified.startsWith(`${name}-`);
  });
  return owner ?? resource;
}

/**
 * The summary line, when more than one resource or policy fails (undefined otherwise: the
 * policy's own line then says it all). Its text keeps each rule's validation message, so the
 * skill's fix cases read it as they read the policy lines.
 */
export function policySummaryEvidence(
  result: ResultOf<'list_policy_violations'>,
  context: EvidenceContext,
): EvidenceItem | undefined {
  const failing = result.groups.filter((group: Group) => group.result === 'fail' || group.result === 'error');
  const controllers = failing
    .flatMap((group) => group.resources)
    .filter((resource) => CONTROLLER_KINDS.test(resource.split(' ')[0] ?? ''));
  const byResource = new Map<string, Map<string, string>>();
  for (const group of failing) {
    const message = ruleMessage(group.message).message ?? group.message;
    for (const resource of group.resources) {
      const subject = throughController(resource, controllers);
      const policies = byResource.get(subject) ?? new Map<string, string>();
      if (!policies.has(group.policy)) policies.set(group.policy, message.replace(/\.\s*$/, ''));
      byResource.set(subject, policies);
    }
  }
  const policyCount = new Set(failing.map((group) => group.policy)).size;
  if (policyCount < 2) return undefined;
  const said = (policies: Map<string, string>) =>
    [...policies].map(([policy, message]) => `${policy} (validation error: ${message})`).join(' and ');
  const parts = [...byResource].map(([resource, policies]) => `${resource} fails ${said(policies)}`);
  const text = `${byResource.size} resource(s) fail ${policyCount} Kyverno policies: ${parts.join('; ')}`;
  return {
    kind: 'kyverno',
    source: context.source,
    text: clipLine(text),
    statement: clipLine(text.replace(/\(validation error: /g, '(')),
    isProblem: true,
    // About the namespace as a whole: kept for a question about the namespace, set aside as a
    // neighbour's when the question names one workload (its own policy lines speak for it).
    about: { objects: [`Namespace/${namespaceOf(failing)}`] },
  };
}
