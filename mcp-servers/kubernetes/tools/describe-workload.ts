import { z } from 'zod';
import { fitLines } from '../../common/output-budget.js';
import { readOnlyAnnotations } from '../../common/tool-definition.js';
import { defineKubernetesTool } from '../deps.js';
import { ownershipFields } from '../../common/kube-ownership.js';
import { eventGroupSchema, formatEventGroup } from '../event-groups.js';
import { formatPodSummary, podSummarySchema } from '../pod-status.js';
import { buildWorkloadReport, type WorkloadReport } from '../workload-report.js';
import { namespaceSchema, objectNameSchema, resolveWorkload, workloadKindSchema } from '../workload-lookup.js';

/** Renders a workload report as compact text, unhealthy facts first. */
export function formatWorkloadReport(report: WorkloadReport, now: Date, maxPods: number): string {
  const lines: string[] = [];
  const unhealthy = report.pods.filter((pod) => !pod.isHealthy).length;
  lines.push(
    `${report.kind} ${report.namespace}/${report.name}${report.revision ? ` (revision ${report.revision})` : ''}`,
  );
  if (report.images.length > 0) lines.push(`images: ${report.images.join(', ')}`);
  if (report.rollout) {
    lines.push(`rollout: ${report.rollout.summary}${report.rollout.isHealthy ? ' — healthy' : ''}`);
    for (const problem of report.rollout.problems) lines.push(`  ! ${problem}`);
  }
  lines.push(`pods: ${report.pods.length} total, ${unhealthy} unhealthy`);
  for (const pod of report.pods.slice(0, maxPods)) lines.push(...formatPodSummary(pod));
  if (report.pods.length > maxPods)
    lines.push(
      `  … ${report.pods.length - maxPods} more pods ` +
        `(${report.pods.slice(maxPods).filter((pod) => !pod.isHealthy).length} unhealthy); call list_resources ` +
        `kind=Pod for all`,
    );
  if (report.missingReferences.length > 0) {
    lines.push('missing references (pods cannot start until these exist):');
    for (const reference of report.missingReferences)
      lines.push(`  ! ${reference.kind} ${reference.name} — used by ${reference.usedBy}`);
  }
  for (const claim of report.unboundClaims)
    lines.push(
      `  ! PersistentVolumeClaim ${claim.name} is ` +
        `${claim.phase}${claim.storageClassName ? ` (storageClassName ${claim.storageClassName})` : ''}: pods ` +
        `using it cannot start`,
    );
  if (report.missingKeys.length > 0) {
    lines.push('missing keys:');
    for (const key of report.missingKeys)
      lines.push(`  ! ${key.kind} ${key.name} has no key '${key.key}' — used by ${key.usedBy}`);
  }
  if (report.warningEvents.length > 0) {
    lines.push(`warning events (${report.warningEvents.length} groups, newest first):`);
    for (const group of report.warningEvents.slice(0, 8)) lines.push(formatEventGroup(group, now));
    if (report.warningEvents.length > 8)
      lines.push(`  … ${report.warningEvents.length - 8} more groups; call list_events`);
  } else {
    lines.push('warning events: none');
  }
  for (const log of report.crashLogs) {
    const what = `${log.isInit ? 'init container ' : ''}${log.pod}/${log.container}`;
    lines.push(`last log lines of ${what}${log.previous ? ' (previous run)' : ''}:`);
    for (const line of log.lines) lines.push(`  | ${line}`);
  }
  return fitLines(lines, undefined, 'call list_events or get_pod_logs for detail');
}

/** Output schema of describe_workload: the report with pods cut to `maxPods` (`podCount` is all). */
export const workloadReportSchema = z.object({
  kind: z.string(),
  namespace: z.string(),
  name: z.string(),
  ...ownershipFields,
  revision: z.string().optional(),
  images: z.array(z.string()).describe('`container=image (limits ...)` per template container.'),
  containers: z
    .array(
      z.object({
        name: z.string(),
        image: z.string().optional(),
        limits: z.record(z.string(), z.string()).optional(),
        requests: z.record(z.string(), z.string()).optional(),
      }),
    )
    .describe('The pod template containers: the facts of `images` as data.'),
  rollout: z
    .object({
      summary: z.string(),
      isHealthy: z.boolean(),
      problems: z.array(z.string()),
      counts: z.object({
        desired: z.number().int(),
        ready: z.number().int().optional(),
        updated: z.number().int().optional(),
        available: z.number().int().optional(),
        unavailable: z.number().int().optional(),
        succeeded: z.number().int().optional(),
        active: z.number().int().optional(),
        failed: z.number().int().optional(),
      }),
    })
    .optional(),
  pods: z
    .array(podSummarySchema)
    .describe('Unhealthy first; each names its ReplicaSet/Deployment (owners) and Argo CD app.'),
  podCount: z.number().int(),
  warningEvents: z.array(eventGroupSchema),
  missingReferences: z.array(
    z.object({
      kind: z.enum(['ConfigMap', 'Secret', 'PersistentVolumeClaim']),
      name: z.string(),
      usedBy: z.string().describe('`env DB key url (app)`, `envFrom (app)`, `volume config`, as the text shows it.'),
      optional: z.boolean(),
      container: z.string().optional(),
      envVar: z.string().optional(),
      key: z.string().optional(),
      volume: z.string().optional(),
    }),
  ),
  missingKeys: z.array(
    z.object({
      kind: z.enum(['ConfigMap', 'Secret']),
      name: z.string(),
      key: z.string(),
      usedBy: z.string(),
      container: z.string(),
      envVar: z.string(),
    }),
  ),
  envSources: z
    .array(
      z.object({
        kind: z.enum(['ConfigMap', 'Secret']),
        name: z.string(),
        container: z.string(),
        keys: z.array(z.string()).describe('Key names only; values are never read.'),
      }),
    )
    .describe('Existing ConfigMaps/Secrets a container loads whole through envFrom, with their key names.'),
  unboundClaims: z.array(z.object({ name: z.string(), phase: z.string(), storageClassName: z.string().optional() })),
  crashLogs: z.array(
    z.object({
      pod: z.string(),
      container: z.string(),
      previous: z.boolean(),
      isInit: z.boolean().optional().describe('The logs are of an init container.'),
      lines: z.array(z.string()),
    }),
  ),
});

/** One call that explains a workload's health. */
export const describeWorkloadTool = defineKubernetesTool({
  name: 'describe_workload',
  title: 'Describe workload',
  description:
    'Explain the health of one Deployment, StatefulSet, DaemonSet, Job, CronJob or Pod in a single call: ' +
    'rollout state and stuck conditions, ' +
    ('pods with container states, restart counts and last termination reason/exit code, scheduling problems, ' +
      'recent Warning events grouped with counts, ') +
    ('ConfigMaps/Secrets/PVCs (and keys) the pods reference but that do not exist, and the last log lines of ' +
      'crashing containers. ') +
    'Omit namespace to search all namespaces. Start here for "why is X failing".',
  inputSchema: z.strictObject({
    name: objectNameSchema.describe('Workload name, e.g. checkout.'),
    namespace: namespaceSchema.optional().describe('Namespace; omit to search every namespace.'),
    kind: workloadKindSchema.optional(),
    maxPods: z.number().int().min(1).max(50).default(6).describe('Pods to list (unhealthy first).'),
  }),
  outputSchema: workloadReportSchema,
  annotations: readOnlyAnnotations,
  isWrite: false,
  handler: async (input, { deps }) => {
    const match = await resolveWorkload(deps.kube, input);
    const now = deps.now();
    const report = await buildWorkloadReport(deps.kube, match, now);
    return {
      text: formatWorkloadReport(report, now, input.maxPods),
      structured: { ...report, pods: report.pods.slice(0, input.maxPods), podCount: report.pods.length },
    };
  },
});
