import { z } from 'zod';
import { clip, fitLines } from '../../common/output-budget.js';
import { readOnlyAnnotations } from '../../common/tool-definition.js';
import { applicationNameSchema, resolveApplication } from '../application-lookup.js';
import type { ResourceNode } from '../argocd-shapes.js';
import { defineArgocdTool } from '../deps.js';

function nodeLabel(node: ResourceNode): string {
  return `${node.kind ?? '?'}/${node.name ?? '?'}`;
}

/** Ancestry of a node (`Deployment/api > ReplicaSet/api-7d9`), following the first parent. */
function ancestry(node: ResourceNode, byUid: ReadonlyMap<string, ResourceNode>): string {
  const chain: string[] = [];
  let current: ResourceNode | undefined = node;
  for (let depth = 0; current && depth < 5; depth += 1) {
    const parent: NonNullable<ResourceNode['parentRefs']>[number] | undefined = current.parentRefs?.[0];
    if (!parent) break;
    current = parent.uid ? byUid.get(parent.uid) : undefined;
    chain.unshift(current ? nodeLabel(current) : `${parent.kind ?? '?'}/${parent.name ?? '?'}`);
  }
  return chain.join(' > ');
}

/** Controllers above a node, nearest first (`[ReplicaSet/api-7d9, Deployment/api]`), from its parentRefs. */
export function ownersOf(
  node: ResourceNode,
  byUid: ReadonlyMap<string, ResourceNode>,
): Array<{ kind: string; name: string }> {
  const owners: Array<{ kind: string; name: string }> = [];
  let current: ResourceNode | undefined = node;
  for (let depth = 0; current && depth < 5; depth += 1) {
    const parent: NonNullable<ResourceNode['parentRefs']>[number] | undefined = current.parentRefs?.[0];
    if (!parent) break;
    current = parent.uid ? byUid.get(parent.uid) : undefined;
    owners.push({ kind: current?.kind ?? parent.kind ?? '?', name: current?.name ?? parent.name ?? '?' });
  }
  return owners;
}

const treeNodeSchema = z.object({
  group: z.string().optional(),
  kind: z.string().optional(),
  name: z.string().optional(),
  namespace: z.string().optional(),
  health: z.looseObject({ status: z.string().optional(), message: z.string().optional() }).optional(),
  info: z.array(z.looseObject({ name: z.string().optional(), value: z.string().optional() })).optional(),
  images: z.array(z.string()).optional(),
  parents: z.string().describe('`Deployment/api > ReplicaSet/api-7d9` (outermost first), as the text shows it.'),
  owners: z
    .array(z.object({ kind: z.string(), name: z.string() }))
    .describe('Controllers above the node, nearest first.'),
  argocdApp: z.string(),
});

/** The live resource tree of an application, unhealthy nodes first. */
export const getApplicationTreeTool = defineArgocdTool({
  name: 'get_application_tree',
  title: 'Get application tree',
  description:
    'Live resource tree of an Argo CD application (Deployments, ReplicaSets, Pods, Services, ...), unhealthy ' +
    'nodes first with health message, ' +
    'parent chain and pod info (status, restarts, images); healthy nodes are counted per kind unless all=true.',
  inputSchema: z.strictObject({
    name: applicationNameSchema,
    all: z.boolean().default(false).describe('Also list healthy nodes.'),
    limit: z.number().int().min(1).max(300).default(40),
  }),
  outputSchema: z.object({
    name: z.string(),
    total: z.number().int(),
    unhealthyTotal: z.number().int(),
    unhealthy: z.array(treeNodeSchema).describe('Not-healthy nodes, worst first, up to limit.'),
    healthy: z.array(treeNodeSchema).optional().describe('With all=true: the healthy nodes the text lists.'),
    healthyCounts: z.record(z.string(), z.number().int()).describe('Healthy (or health-less) nodes per kind.'),
    orphaned: z.array(z.string()),
    orphanedRefs: z.array(z.object({ kind: z.string(), name: z.string(), namespace: z.string().optional() })),
  }),
  annotations: readOnlyAnnotations,
  isWrite: false,
  handler: async (input, { deps }) => {
    await resolveApplication(deps.argocd, input.name);
    const tree = await deps.argocd.resourceTree(input.name);
    const nodes = tree.nodes ?? [];
    const byUid = new Map(nodes.filter((node) => node.uid).map((node) => [node.uid as string, node]));
    const isUnhealthy = (node: ResourceNode) => Boolean(node.health?.status && node.health.status !== 'Healthy');
    const rank: Record<string, number> = { Degraded: 0, Missing: 1, Unknown: 2, Progressing: 3, Suspended: 4 };
    const unhealthy = nodes
      .filter(isUnhealthy)
      .sort(
        (left, right) =>
          (rank[left.health?.status ?? ''] ?? 5) - (rank[right.health?.status ?? ''] ?? 5) ||
          nodeLabel(left).localeCompare(nodeLabel(right)),
      );
    const healthy = nodes.filter((node) => !isUnhealthy(node));
    const lines = [
      `Application ${input.name}: ${nodes.length} live resources, ${unhealthy.length} not ` +
        `healthy${tree.orphanedNodes?.length ? `, ${tree.orphanedNodes.length} orphaned` : ''}`,
    ];
    const describe = (node: ResourceNode) => {
      const info = (node.info ?? []).map((entry) => `${entry.name}=${entry.value}`).join(' ');
      const parents = ancestry(node, byUid);
      return (
        `  ` +
        (`${node.health?.status ? `${node.health.status} ` : ''}${nodeLabel(node)}` +
          `${node.namespace ? ` (${node.namespace})` : ''}${parents ? ` ← ${parents}` : ''}` +
          `${info ? `  ${info}` : ''}${node.health?.message ? `: ${clip(node.health.message, 240)}` : ''}` +
          `${node.images?.length ? `  images=${node.images.join(',')}` : ''}`)
      );
    };
    for (const node of unhealthy.slice(0, input.limit)) lines.push(describe(node));
    if (unhealthy.length > input.limit)
      lines.push(`  … ${unhealthy.length - input.limit} more unhealthy nodes; raise limit`);
    if (input.all) {
      for (const node of healthy.slice(0, Math.max(0, input.limit - unhealthy.length))) lines.push(describe(node));
    } else if (healthy.length > 0) {
      const counts = new Map<string, number>();
      for (const node of healthy) counts.set(node.kind ?? '?', (counts.get(node.kind ?? '?') ?? 0) + 1);
      lines.push(
        `  healthy/no health: ${[...counts].map(([kind, count]) => `${count} ${kind}`).join(', ')} (all=true ` +
          `lists them)`,
      );
    }
    const asData = (node: ResourceNode) => ({
      ...(node.group ? { group: node.group } : {}),
      kind: node.kind,
      name: node.name,
      namespace: node.namespace,
      health: node.health,
      info: node.info,
      ...(node.images?.length ? { images: node.images } : {}),
      parents: ancestry(node, byUid),
      owners: ownersOf(node, byUid),
      argocdApp: input.name,
    });
    const healthyCounts: Record<string, number> = {};
    for (const node of healthy) healthyCounts[node.kind ?? '?'] = (healthyCounts[node.kind ?? '?'] ?? 0) + 1;
    return {
      text: fitLines(lines, undefined, 'raise limit or use get_application for the summary'),
      structured: {
        name: input.name,
        total: nodes.length,
        unhealthyTotal: unhealthy.length,
        unhealthy: unhealthy.slice(0, input.limit).map(asData),
        ...(input.all ? { healthy: healthy.slice(0, Math.max(0, input.limit - unhealthy.length)).map(asData) } : {}),
        healthyCounts,
        orphaned: (tree.orphanedNodes ?? []).map(nodeLabel),
        orphanedRefs: (tree.orphanedNodes ?? []).map((node) => ({
          kind: node.kind ?? '?',
          name: node.name ?? '?',
          ...(node.namespace ? { namespace: node.namespace } : {}),
        })),
      },
    };
  },
});
