import { z } from 'zod';
import { readOnlyAnnotations } from '../../common/tool-definition.js';
import { applicationNameSchema, resolveApplication } from '../application-lookup.js';
import { formatHistoryLine } from '../application-summary.js';
import { defineArgocdTool } from '../deps.js';
import { historyLineSchema, recentHistory } from './get-application.js';

/** Deployment history with commit metadata: which commit went out when, by whom, and why. */
export const getApplicationHistoryTool = defineArgocdTool({
  name: 'get_application_history',
  title: 'Get application history',
  description:
    'Deployment history of an Argo CD application, newest first: history id (for rollback_application), ' +
    'revision, when, who/what initiated it, ' +
    'and the commit author and message. Use it to tie a regression to the deployment that introduced it.',
  inputSchema: z.strictObject({ name: applicationNameSchema, limit: z.number().int().min(1).max(50).default(10) }),
  outputSchema: z.object({
    name: z.string(),
    currentRevision: z
      .string()
      .optional()
      .describe('Revision the app is synced to (full); the entry with it is current.'),
    history: z.array(historyLineSchema).describe('Newest first; `id` is what rollback_application takes.'),
    total: z.number().int(),
  }),
  annotations: readOnlyAnnotations,
  isWrite: false,
  handler: async (input, { deps }) => {
    const now = deps.now();
    const app = await resolveApplication(deps.argocd, input.name);
    const total = app.status?.history?.length ?? 0;
    const history = await recentHistory(deps.argocd, app, input.limit);
    const current = app.status?.sync?.revision ? { currentRevision: app.status.sync.revision } : {};
    if (history.length === 0)
      return {
        text: `Application ${input.name} has no deployment history yet (never synced).`,
        structured: { name: input.name, ...current, history: [], total: 0 },
      };
    const lines = [
      `Application ${input.name}: ${total} deployment(s), newest first (current revision ` +
        `${app.status?.sync?.revision?.slice(0, 7) ?? '?'}):`,
      ...history.map((entry) => formatHistoryLine(entry, now, app.status?.sync?.revision)),
    ];
    if (total > history.length) lines.push(`… ${total - history.length} older deployments not shown; raise limit`);
    return { text: lines.join('\n'), structured: { name: input.name, ...current, history, total } };
  },
});
