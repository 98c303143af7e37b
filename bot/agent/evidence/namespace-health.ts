import type { EvidenceItem } from '../../skills/evidence.js';
import type { ResultOf } from '../tool-results/result-schemas.js';
import { aboutLabel } from '../attribution/about.js';
import { clipLine } from './age.js';
import { eventEvidence } from './event-lines.js';
import type { EvidenceContext } from './section.js';

/** get_namespace_health: each finding as a flagged `container_state` line, then the warning events. */
export function namespaceHealthEvidence(
  health: ResultOf<'get_namespace_health'>,
  context: EvidenceContext,
): EvidenceItem[] {
  const findings: EvidenceItem[] = health.findings.map((finding) => ({
    kind: 'container_state',
    source: context.source,
    text: clipLine(`${finding.object}: ${finding.problem}`),
    isProblem: true,
    about: aboutLabel(finding.object, finding.owners, finding.argocdApp),
  }));
  return [...findings, ...eventEvidence(health.warningEvents, context)];
}
