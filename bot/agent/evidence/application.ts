import type { EvidenceItem } from '../../skills/evidence.js';
import type { ResultOf } from '../tool-results/result-schemas.js';
import { clipLine } from './age.js';
import type { EvidenceContext } from './section.js';

type Application = ResultOf<'get_application'>;
type Resource = Application['unhealthyResources'][number];

function label(resource: Resource): string {
  return `${resource.kind ?? '?'}/${resource.name ?? '?'}${resource.namespace ? ` (${resource.namespace})` : ''}`;
}

/**
 * get_application as `argocd` lines: sync and health, the last operation and its failed
 * resources, conditions, unhealthy and out-of-sync resources. Failed and unhealthy resources are
 * flagged as problems.
 */
export function applicationEvidence(app: Application, context: EvidenceContext): EvidenceItem[] {
  const items: EvidenceItem[] = [];
  const push = (text: string, isProblem = false) =>
    items.push({ kind: 'argocd', source: context.source, text: clipLine(text), ...(isProblem ? { isProblem } : {}) });
  push(
    `Application ${app.name}: sync=${app.sync ?? 'Unknown'} health=${app.health ?? 'Unknown'}` +
      (app.healthMessage ? ` — ${app.healthMessage}` : ''),
  );
  const destination = app.destination;
  if (destination)
    push(`destination: ${destination.name ?? destination.server ?? '?'} ns=${destination.namespace ?? '?'}`);
  const operation = app.operation;
  if (operation) {
    push(`last operation: ${operation.phase ?? '?'}${operation.message ? `: ${operation.message}` : ''}`);
    for (const resource of operation.failedResources.filter((candidate) => candidate.status !== 'Pruned')) {
      push(`${label(resource)} ${resource.status ?? '?'}: ${resource.message ?? ''}`, true);
    }
  }
  for (const condition of app.conditions) push(`condition ${condition.type ?? '?'}: ${condition.message ?? ''}`);
  for (const resource of app.unhealthyResources) {
    push(
      `${resource.kind ?? '?'}/${resource.name ?? '?'} ${resource.health?.status ?? '?'}` +
        (resource.health?.message ? `: ${resource.health.message}` : ''),
      true,
    );
  }
  if (app.outOfSyncResources.length > 0) push(`out of sync: ${app.outOfSyncResources.slice(0, 8).join(', ')}`);
  return items;
}
