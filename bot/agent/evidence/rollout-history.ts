import type { EvidenceItem } from '../../skills/evidence.js';
import type { ResultOf } from '../tool-results/result-schemas.js';
import { ageOf, clipLine } from './age.js';
import type { EvidenceContext } from './section.js';

/**
 * get_rollout_history: what the current revision changed from the one before (images, env
 * names), flagged, so the answer shows the diff of the field the last rollout introduced.
 */
export function rolloutChangeEvidence(
  history: ResultOf<'get_rollout_history'>,
  context: EvidenceContext,
): EvidenceItem[] {
  const current = history.revisions.find((revision) => revision.isCurrent) ?? history.revisions[0];
  if (!current || current.changes.length === 0) return [];
  const when = current.createdAt ? ` (${ageOf(current.createdAt, context.now)} ago)` : '';
  return [
    {
      kind: 'other',
      source: context.source,
      text: clipLine(
        `${history.kind} ${history.namespace}/${history.name} revision ${current.revision}${when} changed: ` +
          current.changes.join('; '),
      ),
      isProblem: true,
    },
  ];
}
