import { z } from 'zod';
import { clip, cursorSchema, formatAge, limitSchema, paginate, pageFooter } from '../../common/output-budget.js';
import { redactText } from '../../../redaction/index.js';
import { readOnlyAnnotations } from '../../common/tool-definition.js';
import { applicationNameSchema, resolveApplication } from '../application-lookup.js';
import type { ResourceNode } from '../argocd-shapes.js';
import { defineArgocdTool, type ArgocdDeps } from '../deps.js';
import { ownersOf } from './get-application-tree.js';

interface EventGroup {
  type: string;
  reason: string;
  object: { kind: string; name: string; namespace?: string };
  message: string;
  count: number;
  lastSeen?: string;
  owners?: Array<{ kind: string; name: string }>;
  argocdApp: string;
}

/** Events of an application (sync operations, resource updates) or of one of its resources, grouped. */
export const getApplicationEventsTool = defineArgocdTool({
  name: 'get_application_events',
  title: 'Get application events',
  description:
    'Kubernetes events of an Argo CD application (sync started/failed/succeeded, health changes) — or of one ' +
    'managed resource when resourceName and ' +
    ('resourceNamespace are given — grouped by reason and message with counts, newest first. Warnings only with ' +
      'warningsOnly=true.'),
  inputSchema: z.strictObject({
    name: applicationNameSchema,
    resourceName: z
      .string()
      .min(1)
      .max(253)
      .optional()
      .describe('A managed resource (e.g. a pod) whose events to read instead.'),
    resourceNamespace: z.string().min(1).max(63).optional(),
    warningsOnly: z.boolean().default(false),
    limit: limitSchema(20, 200),
    cursor: cursorSchema,
  }),
  outputSchema: z.object({
    groups: z.array(
      z.object({
        type: z.string(),
        reason: z.string(),
        object: z
          .object({ kind: z.string(), name: z.string(), namespace: z.string().optional() })
          .describe('The involved object.'),
        message: z.string(),
        count: z.number().int(),
        lastSeen: z.string().optional(),
        owners: z
          .array(z.object({ kind: z.string(), name: z.string() }))
          .optional()
          .describe('Controllers above the object, nearest first.'),
        argocdApp: z.string(),
      }),
    ),
    total: z.number().int(),
    nextCursor: z.string().optional(),
  }),
  annotations: readOnlyAnnotations,
  isWrite: false,
  handler: async (input, { deps }) => {
    const now = deps.now();
    await resolveApplication(deps.argocd, input.name);
    const events = await deps.argocd.events(input.name, {
      ...(input.resourceName ? { resourceName: input.resourceName } : {}),
      ...(input.resourceNamespace ? { resourceNamespace: input.resourceNamespace } : {}),
    });
    const groups = new Map<string, EventGroup>();
    for (const event of events) {
      if (input.warningsOnly && event.type !== 'Warning') continue;
      const message = redactText(event.message ?? '');
      const object = `${event.involvedObject?.kind ?? '?'}/${event.involvedObject?.name ?? '?'}`;
      const namespace = event.involvedObject?.namespace;
      const ref = {
        kind: event.involvedObject?.kind ?? '?',
        name: event.involvedObject?.name ?? '?',
        ...(namespace ? { namespace } : {}),
      };
      const key = `${event.type}|${event.reason}|${object}|${message}`;
      const lastSeen =
        event.lastTimestamp ?? event.eventTime ?? event.metadata?.creationTimestamp ?? event.firstTimestamp;
      const group = groups.get(key);
      if (group) {
        group.count += event.count ?? 1;
        if (lastSeen && (!group.lastSeen || lastSeen > group.lastSeen)) group.lastSeen = lastSeen;
      } else
        groups.set(key, {
          type: event.type ?? 'Normal',
          reason: event.reason ?? '',
          object: ref,
          message,
          count: event.count ?? 1,
          ...(lastSeen ? { lastSeen } : {}),
          argocdApp: input.name,
        });
    }
    const sorted = [...groups.values()].sort((left, right) =>
      (right.lastSeen ?? '').localeCompare(left.lastSeen ?? ''),
    );
    const subject = input.resourceName
      ? `resource ${input.resourceName} of application ${input.name}`
      : `application ${input.name}`;
    if (sorted.length === 0)
      return {
        text: `No ${input.warningsOnly ? 'warning ' : ''}events for ${subject} (events expire after about an hour).`,
        structured: { groups: [], total: 0 },
      };
    const page = paginate(sorted, input.limit, input.cursor);
    const lines = [`${sorted.length} event group(s) for ${subject}, newest first:`];
    for (const group of page.items)
      lines.push(
        `  x${group.count} ${group.type === 'Warning' ? 'Warning ' : ''}${group.reason} ` +
          `${group.object.kind}/${group.object.name} (${formatAge(group.lastSeen, now)} ago): ` +
          `${clip(group.message, 300)}`,
      );
    const footer = pageFooter(page, 'event groups');
    if (footer) lines.push(footer);
    return {
      text: lines.join('\n'),
      structured: {
        groups: await withOwners(deps.argocd, input.name, page.items),
        total: sorted.length,
        ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}),
      },
    };
  },
});

/**
 * Adds each group's controller chain from the application's resource tree (one extra read, only
 * when some event is about a resource rather than the Application). Without a tree, no owners.
 */
async function withOwners(
  argocd: ArgocdDeps['argocd'],
  name: string,
  groups: readonly EventGroup[],
): Promise<EventGroup[]> {
  if (!groups.some((group) => group.object.kind !== 'Application')) return [...groups];
  const nodes: ResourceNode[] = await argocd.resourceTree(name).then(
    (tree) => tree.nodes ?? [],
    () => [], // The events stand without owners when the tree cannot be read.
  );
  const byUid = new Map(nodes.filter((node) => node.uid).map((node) => [node.uid as string, node]));
  return groups.map((group) => {
    const node = nodes.find(
      (candidate) =>
        candidate.kind === group.object.kind &&
        candidate.name === group.object.name &&
        (!group.object.namespace || candidate.namespace === group.object.namespace),
    );
    const owners = node ? ownersOf(node, byUid) : [];
    return owners.length > 0 ? { ...group, owners } : group;
  });
}
