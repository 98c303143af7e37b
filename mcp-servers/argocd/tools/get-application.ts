import { z } from 'zod';
import { fitLines } from '../../common/output-budget.js';
import { readOnlyAnnotations } from '../../common/tool-definition.js';
import { resolveApplication, applicationNameSchema } from '../application-lookup.js';
import { formatApplication, historyLines, shortRevision, type HistoryLine } from '../application-summary.js';
import type { ArgocdClient } from '../argocd-client.js';
import type { Application, RevisionMetadata } from '../argocd-shapes.js';
import { defineArgocdTool } from '../deps.js';

/** The newest `count` history entries joined with their commit author and message. */
export async function recentHistory(argocd: ArgocdClient, app: Application, count: number): Promise<HistoryLine[]> {
  const history = [...(app.status?.history ?? [])].reverse().slice(0, count);
  const metadata = new Map<string, RevisionMetadata>();
  await Promise.all(
    [...new Set(history.map((entry) => entry.revision).filter((revision): revision is string => Boolean(revision)))].map(async (revision) => {
      try {
        const meta = await argocd.revisionMetadata(app.metadata.name, revision);
        if (meta) metadata.set(revision, meta);
      } catch {
        // Commit metadata is a nice-to-have (repo may be unreachable); the history line still prints.
      }
    }),
  );
  return historyLines(history, metadata);
}

/** Everything about one application's state in one call. */
export const getApplicationTool = defineArgocdTool({
  name: 'get_application',
  title: 'Get application',
  description:
    'One Argo CD application in one call: sync and health status, last operation phase and message (sync errors, admission denials) with the failed resources, ' +
    'conditions, source repo/path/revision, destination, unhealthy and out-of-sync resources, and the last 5 deployments with commit author and message.',
  inputSchema: z.strictObject({ name: applicationNameSchema, historyCount: z.number().int().min(0).max(20).default(5) }),
  annotations: readOnlyAnnotations,
  isWrite: false,
  handler: async (input, { deps }) => {
    const now = deps.now();
    const app = await resolveApplication(deps.argocd, input.name);
    const history = await recentHistory(deps.argocd, app, input.historyCount);
    const status = app.status ?? {};
    // A failed sync's commit never reaches the history: show who changed what in it.
    const operationRevision = status.operationState?.syncResult?.revision ?? status.operationState?.operation?.sync?.revision;
    const isUndeployed = operationRevision && status.operationState?.phase !== 'Succeeded' && !(status.history ?? []).some((entry) => entry.revision === operationRevision);
    const operationCommit = isUndeployed ? await deps.argocd.revisionMetadata(app.metadata.name, operationRevision).catch(() => undefined) : undefined;
    return {
      text: fitLines(formatApplication(app, history, now, operationCommit), undefined, 'call get_application_tree or get_application_diff for detail'),
      structured: {
        name: app.metadata.name,
        project: app.spec?.project,
        sync: status.sync?.status,
        health: status.health?.status,
        healthMessage: status.health?.message,
        revision: shortRevision(status.sync?.revision),
        source: app.spec?.source ?? app.spec?.sources?.[0],
        destination: app.spec?.destination,
        operation: status.operationState
          ? { phase: status.operationState.phase, message: status.operationState.message, finishedAt: status.operationState.finishedAt, failedResources: (status.operationState.syncResult?.resources ?? []).filter((resource) => resource.status && resource.status !== 'Synced') }
          : undefined,
        conditions: status.conditions ?? [],
        unhealthyResources: (status.resources ?? []).filter((resource) => resource.health?.status && resource.health.status !== 'Healthy'),
        outOfSyncResources: (status.resources ?? []).filter((resource) => resource.status && resource.status !== 'Synced').map((resource) => `${resource.kind}/${resource.name}`),
        history,
      },
    };
  },
});
