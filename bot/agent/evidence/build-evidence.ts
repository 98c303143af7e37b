import type { EvidenceItem, EvidenceKind } from '../../skills/evidence.js';
import type { InstanceAnswer } from '../tool-results/read-result.js';
import type { ReadTool } from '../tool-results/result-schemas.js';
import { clipLine } from './age.js';
import { applicationDiffEvidence } from './application-diff.js';
import { applicationTreeEvidence } from './application-tree.js';
import { applicationEvidence } from './application.js';
import { eventEvidence } from './event-lines.js';
import { logEvidence } from './log-lines.js';
import { namespaceHealthEvidence } from './namespace-health.js';
import { admissionDenialEvidence, policyViolationEvidence } from './policies.js';
import type { EvidenceContext, GatheredSection } from './section.js';
import { serviceEvidence } from './service.js';
import { rolloutChangeEvidence } from './rollout-history.js';
import { workloadEvidence } from './workload.js';

/** The evidence kind of what a tool reports when it reports one thing (an error, say). */
const TOOL_KIND: Record<ReadTool, EvidenceKind> = {
  list_applications: 'argocd',
  get_application: 'argocd',
  get_application_tree: 'argocd',
  get_application_events: 'event',
  get_application_diff: 'argocd',
  get_application_logs: 'log',
  find_workloads: 'container_state',
  list_resources: 'container_state',
  describe_workload: 'container_state',
  list_events: 'event',
  get_namespace_health: 'container_state',
  get_pod_logs: 'log',
  check_service: 'service',
  get_resource: 'other',
  get_rollout_history: 'other',
  list_policy_violations: 'kyverno',
  explain_admission_denial: 'kyverno',
};

/** Error codes that are findings: the thing looked up does not exist, or access to it is refused. */
const FINDING_CODES = new Set(['not_found', 'forbidden']);

function each<T extends ReadTool>(
  answers: ReadonlyArray<InstanceAnswer<T>>,
  format: (answer: InstanceAnswer<T>['data']) => EvidenceItem[],
): EvidenceItem[] {
  return answers.flatMap((answer) => format(answer.data));
}

/** One section's lines, by the formatter of its tool. */
function sectionEvidence(section: GatheredSection, context: EvidenceContext): EvidenceItem[] {
  switch (section.tool) {
    case 'get_application':
      return each(section.read.answers, (data) => applicationEvidence(data, context));
    case 'get_application_tree':
      return each(section.read.answers, (data) => applicationTreeEvidence(data, context));
    case 'get_application_diff':
      return each(section.read.answers, (data) => applicationDiffEvidence(data, context));
    case 'get_application_events':
    case 'list_events':
      return section.read.answers.flatMap((answer) => eventEvidence(answer.data.groups, context));
    case 'get_application_logs':
    case 'get_pod_logs':
      return section.read.answers.flatMap((answer) => logEvidence(answer.data.lines, context));
    case 'describe_workload':
      return each(section.read.answers, (data) => workloadEvidence(data, context));
    case 'get_namespace_health':
      return each(section.read.answers, (data) => namespaceHealthEvidence(data, context));
    case 'check_service':
      return each(section.read.answers, (data) => serviceEvidence(data, context));
    case 'list_policy_violations':
      return each(section.read.answers, (data) => policyViolationEvidence(data, context));
    case 'explain_admission_denial':
      return each(section.read.answers, (data) => admissionDenialEvidence(data, context));
    case 'get_rollout_history':
      return each(section.read.answers, (data) => rolloutChangeEvidence(data, context));
    case 'get_resource':
      // Read for the values a fix needs (ports, probes); the findings are in the other tools.
      return [];
    case 'list_applications':
    case 'find_workloads':
    case 'list_resources':
      // Look-ups for resolving the question; what they found is investigated, not quoted.
      return [];
  }
}

/**
 * Turns gathered sections into evidence items from their checked structured content, one
 * formatter per tool: each line tagged with the kind skill signals match on and a source people
 * can follow. An error result is evidence only when it says what is missing or refused
 * (`not_found`, `forbidden`: "Service 'shipping' not found. Closest: shipping-svc").
 */
export function evidenceFromSections(sections: readonly GatheredSection[], now: number): EvidenceItem[] {
  const items: EvidenceItem[] = [];
  for (const section of sections) {
    const context: EvidenceContext = {
      source: `${section.tool}:${[section.instance, section.target].filter(Boolean).join('/')}`,
      now,
    };
    const error = section.read.error;
    if (error) {
      if (error.code && FINDING_CODES.has(error.code))
        items.push({
          kind: TOOL_KIND[section.tool],
          source: context.source,
          text: clipLine(error.message),
          isProblem: true,
        });
      continue;
    }
    items.push(...sectionEvidence(section, context));
  }
  return items;
}

/** A look-up that answered and found nothing to report (no events, no violations, no diff). */
export function isEmptySection(section: GatheredSection): boolean {
  return (
    !section.isError &&
    section.read.error === undefined &&
    sectionEvidence(section, { source: '', now: 0 }).length === 0
  );
}
