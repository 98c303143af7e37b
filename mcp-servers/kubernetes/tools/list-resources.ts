import { z } from 'zod';
import { assertReadable } from '../../common/denied-resources.js';
import { McpServerError } from '../../common/errors.js';
import { createOwnershipResolver, ownershipFields } from '../../common/kube-ownership.js';
import { apiVersionOf } from '../../common/kube-types.js';
import { cursorSchema, limitSchema, paginate, pageFooter } from '../../common/output-budget.js';
import { readOnlyAnnotations } from '../../common/tool-definition.js';
import { defineKubernetesTool } from '../deps.js';
import { summarizeResource } from '../resource-summary.js';
import { namespaceSchema } from '../workload-lookup.js';

/** Kind names: letters and digits, or `plural.group` style. */
export const kindSchema = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[A-Za-z][A-Za-z0-9.-]*$/, 'must be a kind, plural or short name such as Deployment, pods, svc');
/** apiVersion without a server part: `v1`, `apps/v1`, `kyverno.io/v1`. */
export const apiVersionSchema = z
  .string()
  .max(100)
  .regex(/^([a-z0-9.-]+\/)?v[0-9]+([a-z]+[0-9]+)?$/, 'must be an apiVersion like v1 or apps/v1');

/** Lists objects of any kind with a kind-aware status line each. */
export const listResourcesTool = defineKubernetesTool({
  name: 'list_resources',
  title: 'List resources',
  description:
    'List objects of any kind (Pod, Deployment, Service, ConfigMap, Secret (key names only), PVC, Node, ' +
    'Ingress, CRDs, ...) with one status line each ' +
    ('(pods: phase, ready, restarts, first problem). Filter by namespace (omit for all), label selector, name ' +
      'fragment, or unhealthy only.'),
  inputSchema: z.strictObject({
    kind: kindSchema.describe('Kind, plural or short name: Pod, deployments, svc, cm, pvc, nodes, ...'),
    apiVersion: apiVersionSchema.optional().describe('Only needed for ambiguous or custom kinds.'),
    namespace: namespaceSchema.optional().describe('Namespace; omit for all namespaces.'),
    labelSelector: z
      .string()
      .max(500)
      .regex(/^[A-Za-z0-9_./=!,()\s-]*$/, 'must be a label selector like app=web,tier!=db')
      .optional(),
    nameContains: z.string().min(1).max(253).optional(),
    unhealthyOnly: z.boolean().default(false),
    limit: limitSchema(40, 500),
    cursor: cursorSchema,
  }),
  outputSchema: z.object({
    kind: z.string(),
    apiVersion: z.string().optional(),
    items: z.array(
      z.object({
        namespace: z.string().optional(),
        name: z.string(),
        status: z.string(),
        isHealthy: z.boolean().optional(),
        labels: z
          .record(z.string(), z.string())
          .optional()
          .describe("Nodes only: the node's labels, what nodeSelectors and node affinity match."),
        ...ownershipFields,
      }),
    ),
    total: z.number().int(),
    nextCursor: z.string().optional(),
  }),
  annotations: readOnlyAnnotations,
  isWrite: false,
  handler: async (input, { deps }) => {
    const type = await deps.kube.resolveType(input.kind, input.apiVersion);
    if (!type)
      throw new McpServerError(
        'not_found',
        `Unknown kind '${input.kind}'${input.apiVersion ? ` in ${input.apiVersion}` : ''}. Use a kind such as ` +
          `Pod, Deployment, Service, ConfigMap, Ingress, or give apiVersion for custom resources.`,
      );
    assertReadable(type, deps.deniedResources);
    const now = deps.now();
    const objects = await deps.kube.list(type, {
      ...(input.namespace ? { namespace: input.namespace } : {}),
      ...(input.labelSelector ? { labelSelector: input.labelSelector } : {}),
    });
    const rows = objects
      .filter(
        (object) =>
          !input.nameContains || object.metadata.name.toLowerCase().includes(input.nameContains.toLowerCase()),
      )
      .map((object) => ({
        object,
        namespace: object.metadata.namespace,
        name: object.metadata.name,
        ...(type.kind === 'Node' && object.metadata.labels ? { labels: object.metadata.labels } : {}),
        ...summarizeResource(object, now),
      }))
      .filter((row) => !input.unhealthyOnly || row.isHealthy === false)
      .sort(
        (left, right) =>
          Number(left.isHealthy ?? true) - Number(right.isHealthy ?? true) ||
          (left.namespace ?? '').localeCompare(right.namespace ?? '') ||
          left.name.localeCompare(right.name),
      );
    const what =
      `${type.kind} ` +
      (`(${apiVersionOf(type)})` +
        `${input.namespace ? ` in ${input.namespace}` : type.namespaced ? ' in all namespaces' : ''}`);
    if (rows.length === 0)
      return {
        text:
          `No ` +
          (`${what}${input.labelSelector ? ` matching ${input.labelSelector}` : ''}` +
            `${input.unhealthyOnly ? ' that is unhealthy' : ''}.`),
        structured: { kind: type.kind, items: [], total: 0 },
      };
    const page = paginate(rows, input.limit, input.cursor);
    const unhealthy = rows.filter((row) => row.isHealthy === false).length;
    const lines = [`${rows.length} ${what}${unhealthy > 0 ? `, ${unhealthy} unhealthy` : ''}:`];
    for (const row of page.items)
      lines.push(`  ${row.namespace && !input.namespace ? `${row.namespace}/` : ''}${row.name}  ${row.status}`);
    const footer = pageFooter(page, type.plural);
    if (footer) lines.push(footer);
    const resolver = createOwnershipResolver(deps.kube);
    if (!input.labelSelector) resolver.rememberList(type.kind, input.namespace, objects);
    const items = await Promise.all(
      page.items.map(async ({ object, ...row }) => ({ ...row, ...(await resolver.ownershipOf(object)) })),
    );
    return {
      text: lines.join('\n'),
      structured: {
        kind: type.kind,
        apiVersion: apiVersionOf(type),
        items,
        total: rows.length,
        ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}),
      },
    };
  },
});
