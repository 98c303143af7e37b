import { z } from 'zod';
import { argocdAppOf } from '../../common/kube-ownership.js';
import { cursorSchema, limitSchema, paginate, pageFooter } from '../../common/output-budget.js';
import { readOnlyAnnotations } from '../../common/tool-definition.js';
import { defineKubernetesTool } from '../deps.js';
import type { PodShape } from '../kube-shapes.js';
import { summarizePod } from '../pod-status.js';
import { rolloutState } from '../rollout-state.js';
import { listWorkloads, namespaceSchema, WORKLOAD_KINDS, type WorkloadMatch } from '../workload-lookup.js';

function readiness(match: WorkloadMatch, now: Date): { ready: string; isHealthy: boolean } {
  if (match.kind === 'Pod') {
    const pod = summarizePod(match.object as PodShape, now);
    return { ready: `${pod.phase} ${pod.ready}`, isHealthy: pod.isHealthy };
  }
  if (match.kind === 'CronJob') return cronJobReadiness(match.object.status);
  const state = rolloutState(match.object);
  return { ready: state.summary.split(',')[0] ?? state.summary, isHealthy: state.isHealthy };
}

/**
 * A CronJob from its status alone: running, never scheduled, or whether the last scheduled run
 * succeeded (a last success older than the last schedule, with nothing running, is a failed run).
 */
function cronJobReadiness(status: unknown): { ready: string; isHealthy: boolean } {
  const { active, lastScheduleTime, lastSuccessfulTime } = (status ?? {}) as {
    active?: unknown[];
    lastScheduleTime?: string;
    lastSuccessfulTime?: string;
  };
  if (Array.isArray(active) && active.length > 0) return { ready: `cron, ${active.length} active`, isHealthy: true };
  if (!lastScheduleTime) return { ready: 'cron, not scheduled yet', isHealthy: true };
  if (!lastSuccessfulTime || lastSuccessfulTime < lastScheduleTime)
    return { ready: 'cron, last run failed', isHealthy: false };
  return { ready: 'cron, last run succeeded', isHealthy: true };
}

/** Finds workloads whose name contains a fragment, across namespaces. */
export const findWorkloadsTool = defineKubernetesTool({
  name: 'find_workloads',
  title: 'Find workloads',
  description:
    'Find Deployments, StatefulSets, DaemonSets, Jobs, CronJobs and standalone Pods whose name contains a ' +
    'fragment, across all namespaces ' +
    ('(or one). Returns kind, namespace/name and readiness, unhealthy first. Use it to locate "checkout" before ' +
      'describe_workload.'),
  inputSchema: z.strictObject({
    nameContains: z.string().min(1).max(253).describe('Case-insensitive name fragment, e.g. "checkout".'),
    namespace: namespaceSchema.optional().describe('Limit to one namespace.'),
    kinds: z.array(z.enum(WORKLOAD_KINDS)).min(1).optional().describe('Kinds to search (default all workload kinds).'),
    limit: limitSchema(25, 200),
    cursor: cursorSchema,
  }),
  outputSchema: z.object({
    workloads: z.array(
      z.object({
        kind: z.enum(WORKLOAD_KINDS),
        namespace: z.string(),
        name: z.string(),
        ready: z.string(),
        isHealthy: z.boolean(),
        argocdApp: z.string().optional().describe('Argo CD application managing the workload.'),
      }),
    ),
    total: z.number().int(),
    nextCursor: z.string().optional(),
  }),
  annotations: readOnlyAnnotations,
  isWrite: false,
  handler: async (input, { deps }) => {
    const now = deps.now();
    const needle = input.nameContains.toLowerCase();
    const all = await listWorkloads(deps.kube, {
      ...(input.namespace ? { namespace: input.namespace } : {}),
      ...(input.kinds ? { kinds: input.kinds } : {}),
    });
    const found = all
      .filter((match) => match.name.toLowerCase().includes(needle))
      .map((match) => {
        const argocdApp = argocdAppOf(match.object.metadata);
        return {
          kind: match.kind,
          namespace: match.namespace,
          name: match.name,
          ...readiness(match, now),
          ...(argocdApp ? { argocdApp } : {}),
        };
      })
      .sort(
        (left, right) =>
          Number(left.isHealthy) - Number(right.isHealthy) ||
          left.namespace.localeCompare(right.namespace) ||
          left.name.localeCompare(right.name),
      );
    if (found.length === 0) {
      return {
        text:
          `No workload name contains ` +
          `'${input.nameContains}'${input.namespace ? ` in namespace ${input.namespace}` : ' in any namespace'}. ` +
          `Try a shorter fragment, or list_resources kind=Namespace to see namespaces.`,
        structured: { workloads: [], total: 0 },
      };
    }
    const page = paginate(found, input.limit, input.cursor);
    const lines = [
      `${found.length} workload(s) matching '${input.nameContains}':`,
      ...page.items.map(
        (item) => `  ${item.kind} ${item.namespace}/${item.name}  ${item.ready}${item.isHealthy ? '' : '  UNHEALTHY'}`,
      ),
    ];
    const footer = pageFooter(page, 'workloads');
    if (footer) lines.push(footer);
    return {
      text: lines.join('\n'),
      structured: {
        workloads: page.items,
        total: found.length,
        ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}),
      },
    };
  },
});
