import { z } from 'zod';
import { McpServerError } from '../../common/errors.js';
import { defineKubernetesTool } from '../deps.js';
import { namespaceSchema, objectNameSchema, resolveWorkload, workloadType } from '../workload-lookup.js';

/** Restarts a workload's pods the way `kubectl rollout restart` does (template annotation). */
export const rolloutRestartTool = defineKubernetesTool({
  name: 'rollout_restart',
  title: 'Restart rollout',
  description:
    'WRITE: restart all pods of a Deployment, StatefulSet or DaemonSet with a rolling update (sets the ' +
    'restartedAt template annotation, ' +
    ('like kubectl rollout restart). dryRun=true validates without changing anything. Only offered when the ' +
      'server runs with writes enabled.'),
  inputSchema: z.strictObject({
    name: objectNameSchema,
    namespace: namespaceSchema,
    kind: z.enum(['Deployment', 'StatefulSet', 'DaemonSet']).optional(),
    dryRun: z.boolean().default(false),
  }),
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true },
  isWrite: true,
  handler: async (input, { deps, logger }) => {
    const match = await resolveWorkload(deps.kube, {
      name: input.name,
      namespace: input.namespace,
      ...(input.kind ? { kind: input.kind } : {}),
    });
    if (match.kind !== 'Deployment' && match.kind !== 'StatefulSet' && match.kind !== 'DaemonSet') {
      throw new McpServerError(
        'invalid_input',
        `${match.kind} ${input.namespace}/${input.name} cannot be rollout-restarted; only Deployments, ` +
          `StatefulSets and DaemonSets can.`,
      );
    }
    const restartedAt = deps.now().toISOString();
    const patch = {
      spec: { template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': restartedAt } } } },
    };
    await deps.kube.patch(workloadType(match.kind), input.namespace, input.name, patch, { dryRun: input.dryRun });
    logger.info(
      {
        event: 'workload-restart',
        kind: match.kind,
        namespace: input.namespace,
        name: input.name,
        dryRun: input.dryRun,
      },
      'rollout restart requested',
    );
    const verb = input.dryRun ? 'would restart' : 'restarting';
    return {
      text:
        `${match.kind} ${input.namespace}/${input.name}: ${verb} all pods (restartedAt=${restartedAt}). ` +
        `${input.dryRun ? 'Dry run: nothing changed.' : 'Follow progress with describe_workload.'}`,
      structured: { kind: match.kind, namespace: input.namespace, name: input.name, restartedAt, dryRun: input.dryRun },
    };
  },
});
