import type { EvidenceItem } from '../../skills/evidence.js';
import type { ResultOf } from '../tool-results/result-schemas.js';
import { aboutObjects } from '../attribution/about.js';
import { clipLine } from './age.js';
import { dottedPath, ruleMessage } from './cause-phrases/admission-messages.js';
import { policyFailurePhrase } from './cause-phrases/admission.js';
import { policySummaryEvidence } from './policy-summary.js';
import type { EvidenceContext } from './section.js';

/** `Deployment shop/checkout` → `{kind: Deployment, name: checkout}`. */
function refOfLabel(label: string): { kind: string; name: string } {
  const [kind = '', qualified = ''] = label.split(' ');
  return { kind, name: qualified.split('/').pop() ?? qualified };
}

/** list_policy_violations: one `kyverno` line per policy/rule group, with its message and resources. */
export function policyViolationEvidence(
  result: ResultOf<'list_policy_violations'>,
  context: EvidenceContext,
): EvidenceItem[] {
  const summary = policySummaryEvidence(result, context);
  const lines = result.groups.map((group): EvidenceItem => {
    const more = group.resources.length > 20 ? `, … +${group.resources.length - 20}` : '';
    const resources = `${group.resources.slice(0, 20).join(', ')}${more}`;
    const severity = group.severity ? `, ${group.severity}` : '';
    const head = `${group.policy}/${group.rule} [${group.result}${severity}] x${group.resources.length}`;
    const refs = group.resourceRefs.length > 0 ? group.resourceRefs : group.resources.map(refOfLabel);
    const text = clipLine(`${head}: ${group.message} — ${resources}`);
    const isProblem = group.result === 'fail' || group.result === 'error';
    const failure = { policy: group.policy, rule: group.rule, ...ruleMessage(group.message) };
    const verb = group.result === 'fail' ? 'fails' : `has result ${group.result} for`;
    return {
      kind: 'kyverno',
      source: context.source,
      text,
      statement: clipLine(`${resources} ${verb} Kyverno ${policyFailurePhrase(failure)}`),
      ...(isProblem ? { isProblem } : {}),
      about: aboutObjects(refs),
    };
  });
  return summary ? [summary, ...lines] : lines;
}

/**
 * explain_admission_denial: per denial the resource and where it was seen, the rule's message,
 * the failed field and what the rule requires.
 */
export function admissionDenialEvidence(
  result: ResultOf<'explain_admission_denial'>,
  context: EvidenceContext,
): EvidenceItem[] {
  const items: EvidenceItem[] = [];
  const push = (text: string, isProblem = false, statement?: string) =>
    items.push({
      kind: 'kyverno',
      source: context.source,
      text: clipLine(text),
      ...(isProblem ? { isProblem } : {}),
      ...(statement ? { statement: clipLine(statement) } : {}),
    });
  for (const denial of result.denials) {
    push(`resource ${denial.resource ?? '?'}${denial.source ? ` — from ${denial.source}` : ''}`);
    const parsed = ruleMessage(denial.message);
    const path = denial.failedPath ? dottedPath(denial.failedPath) : parsed.path;
    const failure = { policy: denial.policy, rule: denial.rule, message: parsed.message, ...(path ? { path } : {}) };
    push(
      `policy ${denial.policy} rule ${denial.rule}${denial.mode ? ` (${denial.mode})` : ''}: ${denial.message}`,
      true,
      `Kyverno ${denial.mode ? `(${denial.mode}) ` : ''}denied ${denial.resource ?? 'the request'}: ` +
        policyFailurePhrase(failure),
    );
    if (denial.failedPath) push(`failed at: ${denial.failedPath}`);
    for (const requirement of denial.requirements.slice(0, 8)) push(`fix: ${requirement}`);
  }
  return items;
}
