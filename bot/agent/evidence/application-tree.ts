import type { EvidenceItem } from '../../skills/evidence.js';
import type { ResultOf } from '../tool-results/result-schemas.js';
import { clipLine } from './age.js';
import type { EvidenceContext } from './section.js';

/** get_application_tree's unhealthy nodes as flagged `argocd` lines: health, object, parents, info, message. */
export function applicationTreeEvidence(
  tree: ResultOf<'get_application_tree'>,
  context: EvidenceContext,
): EvidenceItem[] {
  return tree.unhealthy.map((node) => {
    const info = (node.info ?? []).map((entry) => `${entry.name ?? '?'}=${String(entry.value)}`).join(' ');
    const text = [
      `${node.health?.status ? `${node.health.status} ` : ''}${node.kind ?? '?'}/${node.name ?? '?'}`,
      node.namespace ? ` (${node.namespace})` : '',
      node.parents ? ` ← ${node.parents}` : '',
      info ? `  ${info}` : '',
      node.health?.message ? `: ${node.health.message}` : '',
    ].join('');
    return { kind: 'argocd', source: context.source, text: clipLine(text), isProblem: true };
  });
}
