import { z } from 'zod';
import { findWellKnownType, type ResourceType } from '../../common/kube-types.js';
import { cursorSchema, limitSchema, paginate, pageFooter } from '../../common/output-budget.js';
import { readOnlyAnnotations } from '../../common/tool-definition.js';
import { defineKubernetesTool } from '../deps.js';
import { createOwnershipResolver } from '../../common/kube-ownership.js';
import {
  eventGroupSchema,
  formatEventGroup,
  groupEvents,
  objectLabel,
  recentEvents,
  withEventOwnership,
} from '../event-groups.js';
import type { EventShape } from '../kube-shapes.js';
import { namespaceSchema } from '../workload-lookup.js';

/** Lists events grouped by reason, object and message, Warning only by default. */
export const listEventsTool = defineKubernetesTool({
  name: 'list_events',
  title: 'List events',
  description:
    'List Kubernetes events grouped (identical type, reason, object and message folded into one line with a ' +
    'count), newest first. ' +
    ('Warning events only unless type=all. Filter by namespace (omit for all namespaces), object name fragment ' +
      'and time window.'),
  inputSchema: z.strictObject({
    namespace: namespaceSchema.optional().describe('Namespace; omit for all namespaces.'),
    objectName: z.string().min(1).max(253).optional().describe('Only events whose involved object name contains this.'),
    objectKind: z.string().min(1).max(63).optional().describe('Only events about this kind, e.g. Pod.'),
    reason: z
      .string()
      .min(1)
      .max(128)
      .optional()
      .describe('Only this reason, e.g. FailedScheduling, BackOff, FailedMount.'),
    type: z.enum(['Warning', 'Normal', 'all']).default('Warning'),
    sinceMinutes: z
      .number()
      .int()
      .min(1)
      .max(7 * 24 * 60)
      .default(24 * 60)
      .describe('Only events seen in the last N minutes (default 1440).'),
    limit: limitSchema(30, 300),
    cursor: cursorSchema,
  }),
  outputSchema: z.object({
    groups: z
      .array(eventGroupSchema)
      .describe("This page of groups, newest first; each names its object and that object's owners."),
    total: z.number().int(),
    nextCursor: z.string().optional(),
  }),
  annotations: readOnlyAnnotations,
  isWrite: false,
  handler: async (input, { deps }) => {
    const now = deps.now();
    const eventType = findWellKnownType('Event') as ResourceType; // always in the table
    const events = (await deps.kube.list(
      eventType,
      input.namespace ? { namespace: input.namespace } : {},
    )) as EventShape[];
    const fragment = input.objectName?.toLowerCase();
    const filtered = recentEvents(events, now, input.sinceMinutes).filter((event) => {
      const involved = event.involvedObject ?? event.regarding ?? {};
      if (input.type !== 'all' && (event.type ?? 'Normal') !== input.type) return false;
      if (fragment && !(involved.name ?? '').toLowerCase().includes(fragment)) return false;
      if (input.objectKind && (involved.kind ?? '').toLowerCase() !== input.objectKind.toLowerCase()) return false;
      if (input.reason && event.reason !== input.reason) return false;
      return true;
    });
    const groups = groupEvents(filtered);
    const scope =
      `${input.type === 'all' ? '' : `${input.type} `}events${input.namespace ? ` in ${input.namespace}` : ''} ` +
      `(last ${input.sinceMinutes}m)`;
    if (groups.length === 0)
      return {
        text: `No ${scope}${fragment ? ` for objects matching '${input.objectName}'` : ''}.`,
        structured: { groups: [], total: 0 },
      };
    const page = paginate(groups, input.limit, input.cursor);
    const withNamespace = !input.namespace;
    const lines = [`${groups.length} group(s) of ${scope}, ${filtered.length} events:`];
    for (const [index, group] of page.items.entries()) {
      const line = formatEventGroup(group, now);
      const label = objectLabel(group.object);
      const namespace = withNamespace
        ? filtered.find(
            (event) =>
              `${(event.involvedObject ?? event.regarding)?.kind}/` +
                `${(event.involvedObject ?? event.regarding)?.name}` ===
              label,
          )?.metadata.namespace
        : undefined;
      lines.push(namespace ? line.replace(` ${label} `, ` ${namespace}:${label} `) : line);
      if (index > 80) break;
    }
    const footer = pageFooter(page, 'event groups');
    if (footer) lines.push(footer);
    const owned = await withEventOwnership(page.items, createOwnershipResolver(deps.kube));
    return {
      text: lines.join('\n'),
      structured: { groups: owned, total: groups.length, ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) },
    };
  },
});
