import type { EvidenceItem, EvidenceKind } from '../../skills/evidence.js';
import type { ResultOf } from '../tool-results/result-schemas.js';
import { clipLine } from './age.js';
import { eventEvidence } from './event-lines.js';
import type { EvidenceContext } from './section.js';

/**
 * describe_workload as evidence: the rollout and each pod (`container_state`), its problems
 * (container waiting/terminated reasons, exit codes, restarts — flagged), the ConfigMaps,
 * Secrets, PVCs and keys the pods need but that do not exist (flagged), the warning events
 * (`event`) and the last log lines of crashing containers (`log`, one line each).
 */
export function workloadEvidence(report: ResultOf<'describe_workload'>, context: EvidenceContext): EvidenceItem[] {
  const items: EvidenceItem[] = [];
  const push = (kind: EvidenceKind, text: string, isProblem = false) =>
    items.push({ kind, source: context.source, text: clipLine(text), ...(isProblem ? { isProblem } : {}) });
  push(
    'container_state',
    `${report.kind} ${report.namespace}/${report.name}${report.revision ? ` (revision ${report.revision})` : ''}`,
  );
  if (report.images.length > 0) push('container_state', `images: ${report.images.join(', ')}`);
  if (report.rollout) {
    push('container_state', `rollout: ${report.rollout.summary}${report.rollout.isHealthy ? ' — healthy' : ''}`);
    for (const problem of report.rollout.problems) push('container_state', problem, true);
  }
  for (const pod of report.pods) {
    push(
      'container_state',
      `${pod.name}  ${pod.phase} ${pod.ready ?? '?'} ready  restarts=${pod.restarts}` +
        (pod.node ? `  node=${pod.node}` : ''),
    );
    for (const problem of pod.problems) push('container_state', problem, true);
  }
  for (const reference of report.missingReferences) {
    push(
      'container_state',
      `missing ${reference.kind} ${reference.name} — used by ${reference.usedBy} (pods cannot start until it exists)`,
      true,
    );
  }
  for (const claim of report.unboundClaims) {
    const storageClass = claim.storageClassName ? ` (storageClassName ${claim.storageClassName})` : '';
    push(
      'container_state',
      `PersistentVolumeClaim ${claim.name} is ${claim.phase}${storageClass}: pods using it cannot start`,
      true,
    );
  }
  for (const key of report.missingKeys)
    push('container_state', `${key.kind} ${key.name} has no key '${key.key}' — used by ${key.usedBy}`, true);
  items.push(...eventEvidence(report.warningEvents.slice(0, 8), context, true));
  for (const log of report.crashLogs) for (const line of log.lines) if (line.trim()) push('log', line.trim());
  return items;
}
