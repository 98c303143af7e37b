import { z } from 'zod';
import { clip } from '../../common/output-budget.js';
import { applicationNameSchema, resolveApplication } from '../application-lookup.js';
import { shortRevision } from '../application-summary.js';
import { defineArgocdTool } from '../deps.js';

/** Starts (or dry-runs) a sync of an application to git. */
export const syncApplicationTool = defineArgocdTool({
  name: 'sync_application',
  title: 'Sync application',
  description:
    'WRITE: sync an Argo CD application to its git target revision (or a given revision). dryRun=true (the ' +
    'default) only validates: ' +
    ('manifests are applied with server-side dry-run, so admission denials show without changing anything. Only ' +
      'offered when writes are enabled.'),
  inputSchema: z.strictObject({
    name: applicationNameSchema,
    dryRun: z.boolean().default(true),
    revision: z
      .string()
      .min(1)
      .max(255)
      .regex(/^[A-Za-z0-9._/-]+$/, 'must be a git revision (sha, branch or tag)')
      .optional(),
    prune: z.boolean().default(false),
  }),
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true },
  isWrite: true,
  handler: async (input, { deps, logger }) => {
    await resolveApplication(deps.argocd, input.name);
    const result = await deps.argocd.sync(input.name, {
      dryRun: input.dryRun,
      prune: input.prune,
      ...(input.revision ? { revision: input.revision } : {}),
    });
    logger.info(
      { event: 'application-sync', application: input.name, dryRun: input.dryRun, prune: input.prune },
      'sync requested',
    );
    const operation = result.status?.operationState;
    const failed = (operation?.syncResult?.resources ?? []).filter(
      (resource) => resource.status && resource.status !== 'Synced',
    );
    const lines = [
      `${input.dryRun ? 'Dry-run sync' : 'Sync'} of ${input.name} to ` +
        `${input.revision ?? result.spec?.source?.targetRevision ?? 'target revision'}: operation ` +
        `${operation?.phase ?? 'started'}${operation?.message ? ` — ${clip(operation.message, 400)}` : ''}`,
      ...failed.map(
        (resource) => `  ! ${resource.kind}/${resource.name} ${resource.status}: ${clip(resource.message ?? '', 300)}`,
      ),
      input.dryRun ? 'Nothing changed in the cluster.' : 'Follow progress with get_application.',
    ];
    return {
      text: lines.join('\n'),
      structured: {
        name: input.name,
        dryRun: input.dryRun,
        phase: operation?.phase,
        message: operation?.message,
        revision: shortRevision(operation?.syncResult?.revision),
        failedResources: failed,
      },
    };
  },
});
