import type { EvidenceItem } from '../../skills/evidence.js';
import type { ResultOf } from '../tool-results/result-schemas.js';
import { clipLine } from './age.js';
import { causePhrase } from './cause-phrases/index.js';
import type { EvidenceContext } from './section.js';

type Application = ResultOf<'get_application'>;
type Resource = Application['unhealthyResources'][number];

function label(resource: Resource): string {
  return `${resource.kind ?? '?'}/${resource.name ?? '?'}${resource.namespace ? ` (${resource.namespace})` : ''}`;
}

/**
 * get_application as `argocd` lines: sync and health, the last operation and its failed
 * resources, conditions, unhealthy and out-of-sync resources. Flagged as problems: an app that is
 * not Synced and Healthy, a failed operation and its failed resources, error and warning
 * conditions, unhealthy and out-of-sync resources.
 */
export function applicationEvidence(app: Application, context: EvidenceContext): EvidenceItem[] {
  const items: EvidenceItem[] = [];
  const push = (text: string, isProblem = false, statement?: string) =>
    items.push({
      kind: 'argocd',
      source: context.source,
      text: clipLine(text),
      ...(isProblem ? { isProblem } : {}),
      ...(statement ? { statement: clipLine(statement) } : {}),
    });
  push(
    `Application ${app.name}: sync=${app.sync ?? 'Unknown'} health=${app.health ?? 'Unknown'}` +
      (app.healthMessage ? ` — ${app.healthMessage}` : ''),
    app.sync !== 'Synced' || app.health !== 'Healthy',
  );
  const destination = app.destination;
  if (destination)
    push(`destination: ${destination.name ?? destination.server ?? '?'} ns=${destination.namespace ?? '?'}`);
  const operation = app.operation;
  if (operation) {
    const hasFailed = operation.phase === 'Failed' || operation.phase === 'Error';
    push(`last operation: ${operation.phase ?? '?'}${operation.message ? `: ${operation.message}` : ''}`, hasFailed);
    for (const resource of operation.failedResources.filter((candidate) => candidate.status !== 'Pruned')) {
      const cause = causePhrase(resource.message ?? '');
      push(
        `${label(resource)} ${resource.status ?? '?'}: ${resource.message ?? ''}`,
        true,
        cause ? `${label(resource)}: ${cause}` : undefined,
      );
    }
  }
  for (const condition of app.conditions) {
    const type = condition.type ?? '';
    const isProblem = type.endsWith('Error') || type.endsWith('Warning');
    push(`condition ${condition.type ?? '?'}: ${condition.message ?? ''}`, isProblem);
  }
  for (const resource of app.unhealthyResources) {
    push(
      `${resource.kind ?? '?'}/${resource.name ?? '?'} ${resource.health?.status ?? '?'}` +
        (resource.health?.message ? `: ${resource.health.message}` : ''),
      true,
    );
  }
  if (app.outOfSyncResources.length > 0) push(`out of sync: ${app.outOfSyncResources.slice(0, 8).join(', ')}`, true);
  return items;
}
