import { z } from 'zod';
import { clip, cursorSchema, formatAge, limitSchema, paginate, pageFooter } from '../../common/output-budget.js';
import { redactSecrets } from '../../common/redact.js';
import { readOnlyAnnotations } from '../../common/tool-definition.js';
import { applicationNameSchema, resolveApplication } from '../application-lookup.js';
import { defineArgocdTool } from '../deps.js';

/** Events of an application (sync operations, resource updates) or of one of its resources, grouped. */
export const getApplicationEventsTool = defineArgocdTool({
  name: 'get_application_events',
  title: 'Get application events',
  description:
    'Kubernetes events of an Argo CD application (sync started/failed/succeeded, health changes) — or of one managed resource when resourceName and ' +
    'resourceNamespace are given — grouped by reason and message with counts, newest first. Warnings only with warningsOnly=true.',
  inputSchema: z.strictObject({
    name: applicationNameSchema,
    resourceName: z.string().min(1).max(253).optional().describe('A managed resource (e.g. a pod) whose events to read instead.'),
    resourceNamespace: z.string().min(1).max(63).optional(),
    warningsOnly: z.boolean().default(false),
    limit: limitSchema(20, 200),
    cursor: cursorSchema,
  }),
  annotations: readOnlyAnnotations,
  isWrite: false,
  handler: async (input, { deps }) => {
    const now = deps.now();
    await resolveApplication(deps.argocd, input.name);
    const events = await deps.argocd.events(input.name, { ...(input.resourceName ? { resourceName: input.resourceName } : {}), ...(input.resourceNamespace ? { resourceNamespace: input.resourceNamespace } : {}) });
    const groups = new Map<string, { type: string; reason: string; object: string; message: string; count: number; lastSeen?: string }>();
    for (const event of events) {
      if (input.warningsOnly && event.type !== 'Warning') continue;
      const message = redactSecrets(event.message ?? '');
      const object = `${event.involvedObject?.kind ?? '?'}/${event.involvedObject?.name ?? '?'}`;
      const key = `${event.type}|${event.reason}|${object}|${message}`;
      const lastSeen = event.lastTimestamp ?? event.eventTime ?? event.metadata?.creationTimestamp ?? event.firstTimestamp;
      const group = groups.get(key);
      if (group) {
        group.count += event.count ?? 1;
        if (lastSeen && (!group.lastSeen || lastSeen > group.lastSeen)) group.lastSeen = lastSeen;
      } else groups.set(key, { type: event.type ?? 'Normal', reason: event.reason ?? '', object, message, count: event.count ?? 1, ...(lastSeen ? { lastSeen } : {}) });
    }
    const sorted = [...groups.values()].sort((left, right) => (right.lastSeen ?? '').localeCompare(left.lastSeen ?? ''));
    const subject = input.resourceName ? `resource ${input.resourceName} of application ${input.name}` : `application ${input.name}`;
    if (sorted.length === 0) return { text: `No ${input.warningsOnly ? 'warning ' : ''}events for ${subject} (events expire after about an hour).`, structured: { groups: [], total: 0 } };
    const page = paginate(sorted, input.limit, input.cursor);
    const lines = [`${sorted.length} event group(s) for ${subject}, newest first:`];
    for (const group of page.items) lines.push(`  x${group.count} ${group.type === 'Warning' ? 'Warning ' : ''}${group.reason} ${group.object} (${formatAge(group.lastSeen, now)} ago): ${clip(group.message, 300)}`);
    const footer = pageFooter(page, 'event groups');
    if (footer) lines.push(footer);
    return { text: lines.join('\n'), structured: { groups: page.items, total: sorted.length, ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) } };
  },
});
