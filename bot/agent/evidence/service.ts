import { objectKey } from '../attribution/about.js';
import type { EvidenceItem } from '../../skills/evidence.js';
import type { ResultOf } from '../tool-results/result-schemas.js';
import { clipLine } from './age.js';
import type { EvidenceContext } from './section.js';

/** check_service: pods selected and endpoints (`service`), then each problem found, flagged. */
export function serviceEvidence(service: ResultOf<'check_service'>, context: EvidenceContext): EvidenceItem[] {
  // The Service is what the lines are about: a dependency of the subject, not the subject itself.
  const about = { objects: [objectKey('Service', service.service)] };
  const endpoints = `endpoints: ${service.readyEndpoints ?? '?'} ready, ${service.notReadyEndpoints ?? '?'} not ready`;
  const summary: EvidenceItem = {
    kind: 'service',
    source: context.source,
    text: `Service ${service.namespace}/${service.service}: ${service.selectedPods.length} pods selected; ${endpoints}`,
    about,
  };
  const problems: EvidenceItem[] = service.problems.map((problem) => ({
    kind: 'service',
    source: context.source,
    text: clipLine(problem),
    statement: clipLine(`Service ${service.namespace}/${service.service}: ${problem}`),
    isProblem: true,
    about,
  }));
  return [summary, ...problems];
}
