import { z } from 'zod';
import { McpServerError } from '../../common/errors.js';
import { clip } from '../../common/output-budget.js';
import { applicationNameSchema, resolveApplication } from '../application-lookup.js';
import { shortRevision } from '../application-summary.js';
import { defineArgocdTool } from '../deps.js';

/** Rolls an application back to a previous deployment from its history. */
export const rollbackApplicationTool = defineArgocdTool({
  name: 'rollback_application',
  title: 'Roll back application',
  description:
    'WRITE: roll an Argo CD application back to a previous deployment (history id from ' +
    'get_application_history). Argo CD refuses while auto-sync is on. ' +
    ('dryRun=true (the default) validates only. Prefer a git revert through a fix PR for a lasting change. Only ' +
      'offered when writes are enabled.'),
  inputSchema: z.strictObject({
    name: applicationNameSchema,
    historyId: z.number().int().min(0).describe('History id to roll back to (get_application_history shows them).'),
    dryRun: z.boolean().default(true),
    prune: z.boolean().default(false),
  }),
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true },
  isWrite: true,
  handler: async (input, { deps, logger }) => {
    const app = await resolveApplication(deps.argocd, input.name);
    const history = app.status?.history ?? [];
    const target = history.find((entry) => Number(entry.id) === input.historyId);
    if (!target) {
      throw new McpServerError(
        'not_found',
        `Application ${input.name} has no history id ${input.historyId}; ids: ` +
          `${history.map((entry) => entry.id).join(', ') || 'none'}. Call get_application_history.`,
      );
    }
    if (app.spec?.syncPolicy?.automated) {
      throw new McpServerError(
        'conflict',
        `Application ${input.name} has auto-sync enabled, so Argo CD refuses a rollback (it would sync back to ` +
          `git at once). Revert the commit in git instead, or have an operator disable auto-sync.`,
      );
    }
    const result = await deps.argocd.rollback(input.name, {
      id: input.historyId,
      dryRun: input.dryRun,
      prune: input.prune,
    });
    logger.info(
      { event: 'application-rollback', application: input.name, historyId: input.historyId, dryRun: input.dryRun },
      'rollback requested',
    );
    const operation = result.status?.operationState;
    return {
      text:
        `${input.dryRun ? 'Dry-run rollback' : 'Rollback'} of ${input.name} to history #${input.historyId} ` +
        `(${shortRevision(target.revision)}): operation ` +
        (`${operation?.phase ?? 'started'}${operation?.message ? ` — ${clip(operation.message, 400)}` : ''}.` +
          `${input.dryRun ? ' Nothing changed.' : ' The app is now OutOfSync with git until git is reverted too.'}`),
      structured: {
        name: input.name,
        historyId: input.historyId,
        revision: target.revision,
        dryRun: input.dryRun,
        phase: operation?.phase,
      },
    };
  },
});
