import { z } from 'zod';
import { McpServerError } from '../../common/errors.js';
import { createOwnershipResolver, ownershipFields } from '../../common/kube-ownership.js';
import { findWellKnownType, type ResourceType } from '../../common/kube-types.js';
import { fitLines } from '../../common/output-budget.js';
import { readOnlyAnnotations } from '../../common/tool-definition.js';
import { defineKubernetesTool } from '../deps.js';
import type { PodShape } from '../kube-shapes.js';
import { condenseLog } from '../../common/log-lines.js';
import { comparePods, summarizePod } from '../pod-status.js';
import { podsOfWorkload } from '../workload-report.js';
import { namespaceSchema, objectNameSchema, resolveWorkload } from '../workload-lookup.js';

const podType = findWellKnownType('Pod') as ResourceType; // always in the table

/** Reads container logs: tail, previous run, grep, repeated lines collapsed, byte-bounded. */
export const getPodLogsTool = defineKubernetesTool({
  name: 'get_pod_logs',
  title: 'Get pod logs',
  description:
    'Read the log tail of a pod, or of the least healthy pod of a workload when given a ' +
    'Deployment/StatefulSet/Job name. ' +
    ('previous=true reads the crashed run (use it for CrashLoopBackOff). grep filters lines (substring or ' +
      '/regex/); repeated lines are collapsed; ') +
    'output is byte-bounded and token-like strings are redacted.',
  inputSchema: z.strictObject({
    name: objectNameSchema.describe('Pod name, or a workload name (its least healthy pod is used).'),
    namespace: namespaceSchema,
    container: objectNameSchema
      .optional()
      .describe('Container; default: the first unhealthy container, else the first.'),
    previous: z.boolean().default(false).describe('Logs of the previous (crashed) container run.'),
    tailLines: z.number().int().min(1).max(2_000).default(80),
    grep: z
      .string()
      .min(1)
      .max(200)
      .optional()
      .describe('Keep only matching lines: substring (case-insensitive) or /regex/.'),
    sinceMinutes: z
      .number()
      .int()
      .min(1)
      .max(7 * 24 * 60)
      .optional(),
  }),
  outputSchema: z.object({
    pod: z.string(),
    namespace: z.string(),
    ...ownershipFields,
    workload: z
      .object({ kind: z.string(), name: z.string() })
      .optional()
      .describe('Set when a workload name was given: its least healthy pod was read.'),
    container: z.string().optional(),
    state: z.string().optional().describe('Container state: running, waiting: CrashLoopBackOff, ...'),
    restarts: z.number().int().optional(),
    previous: z.boolean(),
    lines: z.array(z.string()).describe('Log lines, oldest first, repeats collapsed, grep applied, secrets redacted.'),
    totalLines: z.number().int(),
    collapsedLines: z.number().int(),
    matchedLines: z.number().int().optional(),
  }),
  annotations: readOnlyAnnotations,
  isWrite: false,
  handler: async (input, { deps }) => {
    const now = deps.now();
    let pod = (await deps.kube.get(podType, input.namespace, input.name)) as PodShape | undefined;
    let via = '';
    let workloadRef: { kind: string; name: string } | undefined;
    if (!pod) {
      const workload = await resolveWorkload(deps.kube, { name: input.name, namespace: input.namespace });
      const pods = await podsOfWorkload(deps.kube, workload);
      const ranked = pods
        .map((candidate) => ({ candidate, summary: summarizePod(candidate, now) }))
        .sort((left, right) => comparePods(left.summary, right.summary));
      pod = ranked[0]?.candidate;
      if (!pod)
        throw new McpServerError(
          'not_found',
          `${workload.kind} ${input.namespace}/${input.name} has no pods. Call describe_workload to see why ` +
            `(scheduling, quota, missing references).`,
        );
      via = ` (least healthy pod of ${workload.kind} ${input.name}; ${pods.length} pods)`;
      workloadRef = { kind: workload.kind, name: workload.name };
    }
    const summary = summarizePod(pod, now);
    const containers =
      summary.containers.length > 0
        ? summary.containers
        : (pod.spec?.containers ?? []).map((container) => ({
            name: container.name,
            restarts: 0,
            ready: false,
            state: 'unknown',
          }));
    const container = input.container ?? (containers.find((candidate) => !candidate.ready) ?? containers[0])?.name;
    if (input.container && !containers.some((candidate) => candidate.name === input.container)) {
      throw new McpServerError(
        'invalid_input',
        `Pod ${pod.metadata.name} has no container '${input.container}'; containers: ` +
          `${containers.map((candidate) => candidate.name).join(', ')}.`,
      );
    }
    const state = containers.find((candidate) => candidate.name === container);
    const text = await deps.kube.podLogs(input.namespace, pod.metadata.name, {
      ...(container ? { container } : {}),
      previous: input.previous,
      tailLines: input.tailLines,
      limitBytes: 256 * 1024,
      ...(input.sinceMinutes ? { sinceSeconds: input.sinceMinutes * 60 } : {}),
    });
    const condensed = condenseLog(text, input.grep ? { grep: input.grep } : {});
    const header =
      `logs of ` +
      (`${input.namespace}/${pod.metadata.name}${container ? ` container ${container}` : ''}` +
        `${input.previous ? ' (previous run)' : ''}${via}; `) +
      `state: ${state?.state ?? 'unknown'}, restarts ${state?.restarts ?? 0}`;
    const stats =
      `${condensed.totalLines} lines read (tail ` +
      (`${input.tailLines})` +
        `${condensed.matchedLines !== undefined ? `, ${condensed.matchedLines} match '${input.grep}'` : ''}` +
        `${condensed.collapsedLines ? `, ${condensed.collapsedLines} repeats collapsed` : ''}`);
    const hint =
      !input.previous && (state?.restarts ?? 0) > 0
        ? 'container has restarted: previous=true shows the crashed run'
        : undefined;
    const body = condensed.lines.length > 0 ? condensed.lines : ['(no log lines)'];
    // Keep the newest lines when over budget: the end of a log explains a crash.
    const budgetText = fitLines([...body].reverse(), 7_000, 'lower tailLines or use grep');
    const kept = budgetText.split('\n').reverse();
    const lines = [
      header,
      stats,
      ...(hint ? [hint] : []),
      ...kept.map((line) => (line.startsWith('… ') ? line : `| ${line}`)),
    ];
    return {
      text: lines.join('\n'),
      structured: {
        pod: pod.metadata.name,
        namespace: input.namespace,
        ...(await createOwnershipResolver(deps.kube).ownershipOf(pod)),
        ...(workloadRef ? { workload: workloadRef } : {}),
        container,
        ...(state ? { state: state.state, restarts: state.restarts } : {}),
        previous: input.previous,
        lines: condensed.lines,
        totalLines: condensed.totalLines,
        collapsedLines: condensed.collapsedLines,
        ...(condensed.matchedLines !== undefined ? { matchedLines: condensed.matchedLines } : {}),
      },
    };
  },
});
