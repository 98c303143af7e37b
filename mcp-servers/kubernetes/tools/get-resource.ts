import { z } from 'zod';
import { stringify } from 'yaml';
import { assertReadable } from '../../common/denied-resources.js';
import { McpServerError } from '../../common/errors.js';
import { apiVersionOf } from '../../common/kube-types.js';
import { createOwnershipResolver, ownershipFields } from '../../common/kube-ownership.js';
import { managedFieldsLine } from '../resource-summary.js';
import { closestMatches, fitLines } from '../../common/output-budget.js';
import { redactText, redactValue } from '../../../redaction/index.js';
import { readOnlyAnnotations } from '../../common/tool-definition.js';
import { defineKubernetesTool } from '../deps.js';
import { sanitizeObject } from '../resource-summary.js';
import { namespaceSchema, objectNameSchema } from '../workload-lookup.js';
import { apiVersionSchema, kindSchema } from './list-resources.js';

/** Gets one object as YAML (managedFields dropped, Secret values never shown). */
export const getResourceTool = defineKubernetesTool({
  name: 'get_resource',
  title: 'Get resource',
  description:
    'Get one object of any kind as YAML, without managedFields and last-applied noise. Secret values are never ' +
    'returned (key names and sizes only). ' +
    'Use section=spec or section=status to keep the answer short.',
  inputSchema: z.strictObject({
    kind: kindSchema,
    name: objectNameSchema,
    namespace: namespaceSchema.optional().describe('Required for namespaced kinds.'),
    apiVersion: apiVersionSchema.optional(),
    section: z.enum(['all', 'metadata', 'spec', 'status', 'data']).default('all'),
  }),
  outputSchema: z.object({
    kind: z.string(),
    apiVersion: z.string(),
    name: z.string(),
    namespace: z.string().optional(),
    ...ownershipFields,
    object: z
      .record(z.string(), z.unknown())
      .describe('The object (or the requested section), managedFields dropped, Secret values replaced by sizes.'),
  }),
  annotations: readOnlyAnnotations,
  isWrite: false,
  handler: async (input, { deps }) => {
    const type = await deps.kube.resolveType(input.kind, input.apiVersion);
    if (!type)
      throw new McpServerError(
        'not_found',
        `Unknown kind '${input.kind}'. Use a kind such as Deployment, Service, ConfigMap, or give apiVersion ` +
          `for custom resources.`,
      );
    assertReadable(type, deps.deniedResources);
    if (type.namespaced && !input.namespace)
      throw new McpServerError(
        'invalid_input',
        `${type.kind} is namespaced: pass namespace (find_workloads or list_resources can tell you which).`,
      );
    const object = await deps.kube.get(type, input.namespace, input.name);
    if (!object) {
      const siblings = await deps.kube.list(type, input.namespace ? { namespace: input.namespace } : {});
      const closest = closestMatches(
        input.name,
        siblings.map((sibling) => sibling.metadata.name),
      );
      throw new McpServerError(
        'not_found',
        `${type.kind} '${input.name}' not ` +
          (`found${input.namespace ? ` in namespace ${input.namespace}` : ''}.` +
            `${closest.length ? ` Closest: ${closest.join(', ')}.` : ''} `) +
          `Call list_resources kind=${type.kind} to see what exists.`,
      );
    }
    // Structural redaction needs the whole object (a Secret's kind decides its data), so it runs before selection.
    const clean = redactValue(sanitizeObject(object));
    const selected =
      input.section === 'all'
        ? clean
        : { [input.section]: clean[input.section] ?? (input.section === 'data' ? undefined : null) };
    const yaml = redactText(stringify(selected, { lineWidth: 0 }));
    const managers = managedFieldsLine(object, deps.now());
    return {
      text: fitLines(
        [
          `# ${type.kind} ${input.namespace ? `${input.namespace}/` : ''}${input.name}`,
          ...(managers ? [`# ${managers}`] : []),
          ...yaml.trimEnd().split('\n'),
        ],
        undefined,
        'ask for one section (spec, status, metadata)',
      ),
      structured: {
        kind: type.kind,
        apiVersion: apiVersionOf(type),
        name: input.name,
        ...(input.namespace && type.namespaced ? { namespace: input.namespace } : {}),
        ...(await createOwnershipResolver(deps.kube).ownershipOf(object)),
        object: selected,
      },
    };
  },
});
