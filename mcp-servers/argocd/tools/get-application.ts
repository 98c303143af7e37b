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
    [
      ...new Set(history.map((entry) => entry.revision).filter((revision): revision is string => Boolean(revision))),
    ].map(async (revision) => {
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

/** Output schema of one history entry (get_application, get_application_history). */
export const historyLineSchema = z.object({
  id: z.string(),
  revision: z.string(),
  deployedAt: z.string().optional(),
  author: z.string().optional(),
  message: z.string().optional().describe('First line of the commit message.'),
  initiatedBy: z.string().optional(),
});

const sourceSchema = z.looseObject({
  repoURL: z.string().optional(),
  path: z.string().optional(),
  targetRevision: z.string().optional(),
  chart: z.string().optional(),
});
const resourceRefSchema = z.object({
  group: z.string().optional(),
  kind: z.string(),
  name: z.string(),
  namespace: z.string().optional(),
});
const syncResultResourceSchema = z.looseObject({
  kind: z.string().optional(),
  name: z.string().optional(),
  namespace: z.string().optional(),
  status: z.string().optional(),
  message: z.string().optional(),
});
const resourceStatusSchema = z.looseObject({
  kind: z.string().optional(),
  name: z.string().optional(),
  namespace: z.string().optional(),
  status: z.string().optional(),
  health: z.looseObject({ status: z.string().optional(), message: z.string().optional() }).optional(),
});

/** Output schema of get_application. */
export const applicationOutputSchema = z.object({
  name: z.string(),
  project: z.string().optional(),
  labels: z.record(z.string(), z.string()).optional().describe("The Application's own labels (team, owner)."),
  sync: z.string().optional(),
  health: z.string().optional(),
  healthMessage: z.string().optional(),
  revision: z.string().describe('Synced revision, short.'),
  fullRevision: z.string().optional(),
  source: sourceSchema.optional(),
  destination: z
    .looseObject({ server: z.string().optional(), name: z.string().optional(), namespace: z.string().optional() })
    .optional(),
  autoSync: z
    .object({ prune: z.boolean(), selfHeal: z.boolean() })
    .optional()
    .describe('Absent when auto-sync is off.'),
  operation: z
    .object({
      phase: z.string().optional(),
      message: z.string().optional(),
      startedAt: z.string().optional(),
      finishedAt: z.string().optional(),
      revision: z.string().optional().describe('Revision the operation synced to (full).'),
      failedResources: z.array(syncResultResourceSchema),
      commit: z
        .object({ author: z.string().optional(), message: z.string().optional() })
        .optional()
        .describe('Commit of a failed sync that never reached the history.'),
    })
    .optional(),
  conditions: z.array(z.looseObject({ type: z.string().optional(), message: z.string().optional() })),
  unhealthyResources: z.array(resourceStatusSchema),
  outOfSyncResources: z.array(z.string()).describe('`Kind/name` of each resource not Synced.'),
  outOfSyncResourceRefs: z.array(
    resourceRefSchema.extend({ status: z.string().optional(), requiresPruning: z.boolean().optional() }),
  ),
  resourceCounts: z.object({ total: z.number().int(), notHealthy: z.number().int(), outOfSync: z.number().int() }),
  images: z.array(z.string()),
  history: z.array(historyLineSchema),
});

/** Everything about one application's state in one call. */
export const getApplicationTool = defineArgocdTool({
  name: 'get_application',
  title: 'Get application',
  description:
    'One Argo CD application in one call: sync and health status, last operation phase and message (sync ' +
    'errors, admission denials) with the failed resources, ' +
    ('conditions, source repo/path/revision, destination, unhealthy and out-of-sync resources, and the last 5 ' +
      'deployments with commit author and message.'),
  inputSchema: z.strictObject({
    name: applicationNameSchema,
    historyCount: z.number().int().min(0).max(20).default(5),
  }),
  outputSchema: applicationOutputSchema,
  annotations: readOnlyAnnotations,
  isWrite: false,
  handler: async (input, { deps }) => {
    const now = deps.now();
    const app = await resolveApplication(deps.argocd, input.name);
    const history = await recentHistory(deps.argocd, app, input.historyCount);
    const status = app.status ?? {};
    // A failed sync's commit never reaches the history: show who changed what in it.
    const operationRevision =
      status.operationState?.syncResult?.revision ?? status.operationState?.operation?.sync?.revision;
    const isUndeployed =
      operationRevision &&
      status.operationState?.phase !== 'Succeeded' &&
      !(status.history ?? []).some((entry) => entry.revision === operationRevision);
    const operationCommit = isUndeployed
      ? await deps.argocd.revisionMetadata(app.metadata.name, operationRevision).catch(() => undefined)
      : undefined;
    const automated = app.spec?.syncPolicy?.automated;
    const operationState = status.operationState;
    const outOfSync = (status.resources ?? []).filter((resource) => resource.status && resource.status !== 'Synced');
    return {
      text: fitLines(
        formatApplication(app, history, now, operationCommit),
        undefined,
        'call get_application_tree or get_application_diff for detail',
      ),
      structured: {
        name: app.metadata.name,
        project: app.spec?.project,
        ...(app.metadata.labels ? { labels: app.metadata.labels } : {}),
        sync: status.sync?.status,
        health: status.health?.status,
        healthMessage: status.health?.message,
        revision: shortRevision(status.sync?.revision),
        fullRevision: status.sync?.revision,
        source: app.spec?.source ?? app.spec?.sources?.[0],
        destination: app.spec?.destination,
        ...(automated ? { autoSync: { prune: automated.prune === true, selfHeal: automated.selfHeal === true } } : {}),
        operation: operationState
          ? {
              phase: operationState.phase,
              message: operationState.message,
              startedAt: operationState.startedAt,
              finishedAt: operationState.finishedAt,
              revision: operationRevision,
              failedResources: (operationState.syncResult?.resources ?? []).filter(
                (resource) => resource.status && resource.status !== 'Synced',
              ),
              ...(operationCommit
                ? { commit: { author: operationCommit.author, message: operationCommit.message?.split('\n')[0] } }
                : {}),
            }
          : undefined,
        conditions: status.conditions ?? [],
        unhealthyResources: (status.resources ?? []).filter(
          (resource) => resource.health?.status && resource.health.status !== 'Healthy',
        ),
        outOfSyncResources: outOfSync.map((resource) => `${resource.kind}/${resource.name}`),
        outOfSyncResourceRefs: outOfSync.map((resource) => ({
          ...(resource.group ? { group: resource.group } : {}),
          kind: resource.kind ?? '?',
          name: resource.name ?? '?',
          ...(resource.namespace ? { namespace: resource.namespace } : {}),
          ...(resource.status ? { status: resource.status } : {}),
          ...(resource.requiresPruning ? { requiresPruning: true } : {}),
        })),
        resourceCounts: {
          total: (status.resources ?? []).length,
          notHealthy: (status.resources ?? []).filter(
            (resource) => resource.health?.status && resource.health.status !== 'Healthy',
          ).length,
          outOfSync: outOfSync.length,
        },
        images: status.summary?.images ?? [],
        history,
      },
    };
  },
});
