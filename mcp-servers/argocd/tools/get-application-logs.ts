import { z } from 'zod';
import { McpServerError } from '../../common/errors.js';
import { condenseLog } from '../../common/log-lines.js';
import { fitLines } from '../../common/output-budget.js';
import { readOnlyAnnotations } from '../../common/tool-definition.js';
import { applicationNameSchema, resolveApplication } from '../application-lookup.js';
import { defineArgocdTool } from '../deps.js';

const objectName = z
  .string()
  .min(1)
  .max(253)
  .regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, 'must be a Kubernetes object name');

/** Container logs of an application's pods through Argo CD (no cluster credentials needed). */
export const getApplicationLogsTool = defineArgocdTool({
  name: 'get_application_logs',
  title: 'Get application logs',
  description:
    "Container logs of an Argo CD application's pods through Argo CD: one pod (podName) or all pods of a " +
    'workload (kind + resourceName, e.g. Deployment api). ' +
    ('Without either, the least healthy pod in the resource tree is used. Tail-bounded, grep-able, repeated ' +
      'lines collapsed, token-like strings redacted.'),
  inputSchema: z.strictObject({
    name: applicationNameSchema,
    podName: objectName.optional(),
    kind: z.enum(['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'ReplicaSet', 'Rollout']).optional(),
    resourceName: objectName.optional(),
    container: objectName.optional(),
    previous: z.boolean().default(false).describe('Logs of the previous (crashed) container run.'),
    tailLines: z.number().int().min(1).max(2_000).default(60),
    grep: z.string().min(1).max(200).optional().describe('Keep only matching lines: substring or /regex/.'),
  }),
  outputSchema: z.object({
    application: z.string(),
    argocdApp: z.string(),
    pod: z.string().optional().describe('The pod read (absent when all pods of a workload were read).'),
    pods: z.array(z.string()).describe('Pods whose lines came back.'),
    namespace: z.string().optional(),
    workload: z
      .object({ kind: z.string().optional(), name: z.string() })
      .optional()
      .describe('The workload whose pods were read (kind + resourceName).'),
    container: z.string().optional(),
    previous: z.boolean(),
    lines: z
      .array(z.string())
      .describe('Oldest first; `[pod] ` prefixed when several pods answered; repeats collapsed, grep applied.'),
    totalLines: z.number().int(),
    collapsedLines: z.number().int(),
    matchedLines: z.number().int().optional(),
  }),
  annotations: readOnlyAnnotations,
  isWrite: false,
  handler: async (input, { deps }) => {
    const app = await resolveApplication(deps.argocd, input.name);
    let podName = input.podName;
    let namespace = app.spec?.destination?.namespace;
    if (!podName && !input.resourceName) {
      const tree = await deps.argocd.resourceTree(input.name);
      const pods = (tree.nodes ?? []).filter((node) => node.kind === 'Pod');
      const rank = (status?: string) =>
        status === 'Degraded' ? 0 : status === 'Progressing' ? 1 : status === 'Healthy' ? 3 : 2;
      const worst = pods.sort((left, right) => rank(left.health?.status) - rank(right.health?.status))[0];
      if (!worst?.name)
        throw new McpServerError(
          'not_found',
          `Application ${input.name} has no pods in its resource tree; check get_application for sync errors or ` +
            `get_application_tree.`,
        );
      podName = worst.name;
      namespace = worst.namespace ?? namespace;
    }
    const entries = await deps.argocd.logs(input.name, {
      ...(podName ? { podName } : {}),
      ...(input.kind ? { kind: input.kind, group: input.kind === 'Rollout' ? 'argoproj.io' : 'apps' } : {}),
      ...(input.resourceName ? { resourceName: input.resourceName } : {}),
      ...(input.container ? { container: input.container } : {}),
      ...(namespace ? { namespace } : {}),
      tailLines: input.tailLines,
      previous: input.previous,
    });
    const multiPod = new Set(entries.map((entry) => entry.podName)).size > 1;
    const text = entries
      .map((entry) => `${multiPod && entry.podName ? `[${entry.podName}] ` : ''}${entry.content ?? ''}`)
      .join('\n');
    const condensed = condenseLog(text, input.grep ? { grep: input.grep } : {});
    const target = podName ? `pod ${podName}` : `${input.kind ?? 'workload'} ${input.resourceName}`;
    const header =
      `logs of ${target} (application ` +
      (`${input.name})${input.container ? ` container ${input.container}` : ''}` +
        `${input.previous ? ' (previous run)' : ''}: `) +
      `${condensed.totalLines} ` +
      (`lines${condensed.matchedLines !== undefined ? `, ${condensed.matchedLines} match '${input.grep}'` : ''}` +
        `${condensed.collapsedLines ? `, ${condensed.collapsedLines} repeats collapsed` : ''}`);
    const body = condensed.lines.length ? condensed.lines : ['(no log lines)'];
    const kept = fitLines([...body].reverse(), 7_000, 'lower tailLines or use grep')
      .split('\n')
      .reverse();
    return {
      text: [header, ...kept.map((line) => (line.startsWith('… ') ? line : `| ${line}`))].join('\n'),
      structured: {
        application: input.name,
        argocdApp: input.name,
        pod: podName,
        pods: [...new Set(entries.map((entry) => entry.podName).filter((name): name is string => Boolean(name)))],
        namespace,
        ...(input.resourceName
          ? { workload: { ...(input.kind ? { kind: input.kind } : {}), name: input.resourceName } }
          : {}),
        container: input.container,
        previous: input.previous,
        lines: condensed.lines,
        totalLines: condensed.totalLines,
        collapsedLines: condensed.collapsedLines,
        ...(condensed.matchedLines !== undefined ? { matchedLines: condensed.matchedLines } : {}),
      },
    };
  },
});
