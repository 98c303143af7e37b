import { z } from 'zod';
import { McpServerError } from '../../common/errors.js';
import { defineKubernetesTool } from '../deps.js';
import { namespaceSchema, objectNameSchema, resolveWorkload, workloadType } from '../workload-lookup.js';

/** Sets the replica count of a Deployment or StatefulSet. */
export const scaleWorkloadTool = defineKubernetesTool({
  name: 'scale_workload',
  title: 'Scale workload',
  description:
    'WRITE: set spec.replicas of a Deployment or StatefulSet (0-100). dryRun=true validates without changing ' +
    'anything. ' +
    ('An HPA or Argo CD auto-sync may revert it: fix replicas in git for a lasting change. Only offered when ' +
      'writes are enabled.'),
  inputSchema: z.strictObject({
    name: objectNameSchema,
    namespace: namespaceSchema,
    kind: z.enum(['Deployment', 'StatefulSet']).optional(),
    replicas: z.number().int().min(0).max(100),
    dryRun: z.boolean().default(false),
  }),
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: true },
  isWrite: true,
  handler: async (input, { deps, logger }) => {
    const match = await resolveWorkload(deps.kube, {
      name: input.name,
      namespace: input.namespace,
      ...(input.kind ? { kind: input.kind } : {}),
    });
    if (match.kind !== 'Deployment' && match.kind !== 'StatefulSet') {
      throw new McpServerError(
        'invalid_input',
        `${match.kind} ${input.namespace}/${input.name} cannot be scaled; only Deployments and StatefulSets can.`,
      );
    }
    const before = match.object.spec?.replicas ?? 1;
    await deps.kube.patch(
      workloadType(match.kind),
      input.namespace,
      input.name,
      { spec: { replicas: input.replicas } },
      { dryRun: input.dryRun },
    );
    logger.info(
      {
        event: 'workload-scale',
        kind: match.kind,
        namespace: input.namespace,
        name: input.name,
        from: before,
        to: input.replicas,
        dryRun: input.dryRun,
      },
      'scale requested',
    );
    const managed =
      match.object.metadata.labels?.['argocd.argoproj.io/instance'] ??
      match.object.metadata.annotations?.['argocd.argoproj.io/tracking-id'];
    return {
      text:
        `${match.kind} ${input.namespace}/${input.name}: replicas ${before} -> ` +
        (`${input.replicas}${input.dryRun ? ' (dry run: nothing changed)' : ''}.` +
          `${managed ? ' Managed by Argo CD: self-heal or the next sync will restore the git value.' : ''}`),
      structured: {
        kind: match.kind,
        namespace: input.namespace,
        name: input.name,
        from: before,
        to: input.replicas,
        dryRun: input.dryRun,
      },
    };
  },
});
