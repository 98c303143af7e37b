import { clip, formatAge } from '../common/output-budget.js';
import { redactText } from '../../redaction/index.js';
import type { Application, ApplicationResourceStatus, RevisionHistory, RevisionMetadata } from './argocd-shapes.js';
import { primarySource } from './argocd-shapes.js';

/** Short commit id for display. */
export function shortRevision(revision: string | undefined): string {
  if (!revision) return '?';
  return /^[0-9a-f]{40}$/.test(revision) ? revision.slice(0, 7) : revision;
}

/** `repo path@targetRevision` of an application's primary source. */
export function describeSource(app: Application): string {
  const source = primarySource(app);
  if (!source) return '?';
  const where = source.chart ? `chart ${source.chart}` : (source.path ?? '.');
  return `${source.repoURL ?? '?'} ${where}@${source.targetRevision ?? 'HEAD'}`;
}

/** `cluster/namespace` of an application's destination. */
export function describeDestination(app: Application): string {
  const destination = app.spec?.destination;
  return `${destination?.name ?? destination?.server ?? '?'} ns=${destination?.namespace ?? '?'}`;
}

/** The one-line status of an application, as list_applications prints it. */
export function applicationLine(app: Application, now: Date): string {
  const status = app.status ?? {};
  const operation = status.operationState;
  const failedOp =
    operation && operation.phase !== 'Succeeded' && operation.phase !== 'Running'
      ? `  op=${operation.phase} ${formatAge(operation.finishedAt ?? operation.startedAt, now)} ago`
      : operation?.phase === 'Running'
        ? '  op=Running'
        : '';
  const conditions = (status.conditions ?? []).map((condition) => condition.type).filter(Boolean);
  return (
    `${app.metadata.name}  ${status.sync?.status ?? 'Unknown'}/${status.health?.status ?? 'Unknown'}  ` +
    `project=${app.spec?.project ?? 'default'}  ` +
    (`rev=${shortRevision(status.sync?.revision)}${failedOp}` +
      `${conditions.length ? `  conditions=${conditions.join(',')}` : ''}`)
  );
}

/** A history entry with its commit metadata when known. */
export interface HistoryLine {
  id: string;
  revision: string;
  deployedAt?: string;
  author?: string;
  message?: string;
  initiatedBy?: string;
}

/** Joins history entries with commit metadata (author, first message line). */
export function historyLines(
  history: readonly RevisionHistory[],
  metadata: ReadonlyMap<string, RevisionMetadata>,
): HistoryLine[] {
  return history.map((entry) => {
    const meta = entry.revision ? metadata.get(entry.revision) : undefined;
    const by = entry.initiatedBy?.automated ? 'automated' : entry.initiatedBy?.username;
    return {
      id: String(entry.id ?? '?'),
      revision: entry.revision ?? '?',
      ...(entry.deployedAt ? { deployedAt: entry.deployedAt } : {}),
      ...(meta?.author ? { author: meta.author } : {}),
      ...(meta?.message ? { message: redactText(meta.message.split('\n')[0] ?? '') } : {}),
      ...(by ? { initiatedBy: by } : {}),
    };
  });
}

/** One history line of text. */
export function formatHistoryLine(line: HistoryLine, now: Date, current?: string): string {
  const commit = line.author || line.message ? `  ${line.author ?? '?'}: "${clip(line.message ?? '', 100)}"` : '';
  return (
    `  #${line.id} ${shortRevision(line.revision)}${line.revision === current ? ' (current)' : ''} deployed ` +
    `${formatAge(line.deployedAt, now)} ago${line.initiatedBy ? ` by ${line.initiatedBy}` : ''}${commit}`
  );
}

/** `Kind/name`, with its namespace when it is not the app's destination and a prune mark. */
function outOfSyncLabel(resource: ApplicationResourceStatus, destination: string | undefined): string {
  const namespace = resource.namespace && resource.namespace !== destination ? ` (ns ${resource.namespace})` : '';
  return `${resource.kind}/${resource.name}${namespace}${resource.requiresPruning ? ' (prune)' : ''}`;
}

/** Everything get_application reports, in order of usefulness. */
export function formatApplication(
  app: Application,
  history: HistoryLine[],
  now: Date,
  operationCommit?: RevisionMetadata,
): string[] {
  const status = app.status ?? {};
  const lines: string[] = [];
  const automated = app.spec?.syncPolicy?.automated;
  lines.push(
    `Application ${app.metadata.name} (project ${app.spec?.project ?? 'default'}): ` +
      `sync=${status.sync?.status ?? 'Unknown'} ` +
      (`health=${status.health?.status ?? 'Unknown'}` +
        `${status.health?.message ? ` — ${clip(status.health.message, 200)}` : ''}`),
  );
  lines.push(`source: ${describeSource(app)} (synced to ${shortRevision(status.sync?.revision)})`);
  lines.push(
    `destination: ${describeDestination(app)}; ` +
      `auto-sync=${automated ? `on${automated.prune ? ' prune' : ''}${automated.selfHeal ? ' selfHeal' : ''}` : 'off'}`,
  );
  const operation = status.operationState;
  if (operation) {
    lines.push(
      `last operation: ${operation.phase ?? '?'} ${formatAge(operation.finishedAt ?? operation.startedAt, now)} ` +
        `ago (sync to ` +
        (`${shortRevision(operation.syncResult?.revision ?? operation.operation?.sync?.revision)}` +
          `${operation.retryCount ? `, retries ${operation.retryCount}` : ''}): `) +
        `${clip(redactText(operation.message ?? ''), 600)}`,
    );
    if (operationCommit)
      lines.push(
        `  commit ${shortRevision(operation.syncResult?.revision ?? operation.operation?.sync?.revision)} (not ` +
          `in deploy history): ${operationCommit.author ?? '?'} ` +
          `"${clip(redactText(operationCommit.message?.split('\n')[0] ?? ''), 120)}"`,
      );
    const failed = (operation.syncResult?.resources ?? []).filter(
      (resource) => resource.status && resource.status !== 'Synced' && resource.status !== 'Pruned',
    );
    for (const resource of failed.slice(0, 6)) {
      lines.push(
        `  ! ${resource.kind}/${resource.name}${resource.namespace ? ` (${resource.namespace})` : ''} ` +
          `${resource.status}: ${clip(redactText(resource.message ?? ''), 400)}`,
      );
    }
    if (failed.length > 6) lines.push(`  … ${failed.length - 6} more failed resources; call get_application_tree`);
  }
  for (const condition of status.conditions ?? [])
    lines.push(`condition ${condition.type ?? '?'}: ${clip(redactText(condition.message ?? ''), 400)}`);
  const resources = status.resources ?? [];
  const unhealthy = resources.filter((resource) => resource.health?.status && resource.health.status !== 'Healthy');
  const outOfSync = resources.filter((resource) => resource.status && resource.status !== 'Synced');
  lines.push(`resources: ${resources.length} total, ${unhealthy.length} not healthy, ${outOfSync.length} out of sync`);
  for (const resource of unhealthy.slice(0, 6))
    lines.push(
      `  ! ${resource.kind}/${resource.name} ` +
        `${resource.health?.status}${resource.health?.message ? `: ${clip(resource.health.message, 200)}` : ''}`,
    );
  if (outOfSync.length > 0)
    lines.push(
      `  out of sync: ${outOfSync
        .slice(0, 8)
        .map((resource) => outOfSyncLabel(resource, app.spec?.destination?.namespace))
        .join(
          ', ',
        )}${outOfSync.length > 8 ? ` +${outOfSync.length - 8}` : ''} (get_application_diff shows the changes)`,
    );
  if (status.summary?.images?.length) lines.push(`images: ${status.summary.images.slice(0, 6).join(', ')}`);
  if (history.length > 0) {
    lines.push(`history (newest first):`);
    for (const entry of history) lines.push(formatHistoryLine(entry, now, status.sync?.revision));
  }
  return lines;
}
