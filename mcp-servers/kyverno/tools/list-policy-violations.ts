import { z } from 'zod';
import { clip, cursorSchema, limitSchema, paginate, pageFooter } from '../../common/output-budget.js';
import {
  createOwnershipResolver,
  objectRefSchema,
  ownershipFields,
  type ObjectRef,
  type Ownership,
} from '../../common/kube-ownership.js';
import { readOnlyAnnotations } from '../../common/tool-definition.js';
import { defineKyvernoTool } from '../deps.js';
import { listReports } from '../policy-lookup.js';

/** `namespace/` before a namespaced name, nothing for a cluster-scoped one. */
function namespacePrefix(namespace: string | undefined): string {
  return namespace ? `${namespace}/` : '';
}

/** Violations of one policy rule, with the resources that violate it. */
interface ViolationGroup {
  policy: string;
  rule: string;
  result: string;
  severity?: string;
  message: string;
  /** `Kind namespace/name`, as the text shows them. */
  resources: string[];
  /** The same resources as data (with owners and Argo CD app in the result). */
  resourceRefs: ObjectRef[];
}

const resultSchema = z.object({
  policy: z.string(),
  rule: z.string(),
  result: z.string(),
  severity: z.string().optional(),
  message: z.string(),
  resource: objectRefSchema,
  ...ownershipFields,
});

/** How many resources per group are returned as data (the text shows 8). */
const MAX_RESOURCES = 50;

/** Policy violations from PolicyReports, grouped by policy/rule with the violating resources. */
export const listPolicyViolationsTool = defineKyvernoTool({
  name: 'list_policy_violations',
  title: 'List policy violations',
  description:
    'Current Kyverno policy violations from PolicyReports/ClusterPolicyReports, grouped by policy and rule (one ' +
    'message per group) with the violating resources listed. ' +
    'Filters: namespace, policy, resource name fragment, kind, result (fail by default; warn/error too).',
  inputSchema: z.strictObject({
    namespace: z
      .string()
      .min(1)
      .max(63)
      .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'must be a namespace name')
      .optional(),
    policy: z.string().min(1).max(253).optional(),
    resourceName: z.string().min(1).max(253).optional().describe('Resource name fragment.'),
    kind: z.string().min(1).max(63).optional(),
    results: z
      .array(z.enum(['fail', 'warn', 'error']))
      .min(1)
      .default(['fail']),
    limit: limitSchema(20, 200),
    cursor: cursorSchema,
  }),
  outputSchema: z.object({
    groups: z.array(
      z.object({
        policy: z.string(),
        rule: z.string(),
        result: z.string(),
        severity: z.string().optional(),
        message: z.string(),
        resources: z.array(z.string()).describe('`Kind namespace/name` of up to 50 violating resources.'),
        resourceRefs: z.array(
          z.object({ kind: z.string(), name: z.string(), namespace: z.string().optional(), ...ownershipFields }),
        ),
      }),
    ),
    results: z
      .array(resultSchema)
      .describe(
        'One entry per violating resource of the groups above: policy, rule, message, resource and its owners.',
      ),
    total: z.number().int(),
    violations: z.number().int(),
    nextCursor: z.string().optional(),
  }),
  annotations: readOnlyAnnotations,
  isWrite: false,
  handler: async (input, { deps }) => {
    const reports = await listReports(deps.kube, input.namespace);
    const groups = new Map<string, ViolationGroup>();
    let count = 0;
    for (const report of reports) {
      for (const result of report.results ?? []) {
        if (!result.result || !(input.results as string[]).includes(result.result)) continue;
        if (input.policy && result.policy !== input.policy) continue;
        const resources = (result.resources?.length ? result.resources : report.scope ? [report.scope] : []).filter(
          (resource) =>
            (!input.resourceName || (resource.name ?? '').includes(input.resourceName)) &&
            (!input.kind || (resource.kind ?? '').toLowerCase() === input.kind.toLowerCase()),
        );
        if (resources.length === 0) continue;
        count += 1;
        const key = `${result.policy}|${result.rule}|${result.result}`;
        const group = groups.get(key) ?? {
          policy: result.policy ?? '?',
          rule: result.rule ?? '?',
          result: result.result,
          ...(result.severity ? { severity: result.severity } : {}),
          message: result.message ?? '',
          resources: [],
          resourceRefs: [],
        };
        for (const resource of resources) {
          const namespace = resource.namespace ?? report.metadata.namespace;
          group.resources.push(`${resource.kind ?? '?'} ${namespacePrefix(namespace)}${resource.name ?? '?'}`);
          group.resourceRefs.push({
            kind: resource.kind ?? '?',
            name: resource.name ?? '?',
            ...(namespace ? { namespace } : {}),
          });
        }
        groups.set(key, group);
      }
    }
    const sorted = [...groups.values()].sort(
      (left, right) => right.resources.length - left.resources.length || left.policy.localeCompare(right.policy),
    );
    if (sorted.length === 0) {
      return {
        text:
          `No ${input.results.join('/')} results in policy ` +
          (`reports${input.namespace ? ` for namespace ${input.namespace}` : ''}` +
            `${input.policy ? ` for policy ${input.policy}` : ''} `) +
          `(${reports.length} reports read). Admission denials of Enforce policies never reach reports: use ` +
          `explain_admission_denial.`,
        structured: { groups: [], results: [], total: 0, violations: 0 },
      };
    }
    const page = paginate(sorted, input.limit, input.cursor);
    const lines = [`${count} violation(s) in ${sorted.length} policy/rule group(s):`];
    for (const group of page.items) {
      lines.push(
        `  ${group.policy}/${group.rule} [${group.result}${group.severity ? `, ${group.severity}` : ''}] ` +
          `x${group.resources.length}: ${clip(group.message, 240)}`,
      );
      lines.push(
        `    ` +
          (`${group.resources.slice(0, 8).join(', ')}` +
            `${group.resources.length > 8 ? `, … +${group.resources.length - 8}` : ''}`),
      );
    }
    const footer = pageFooter(page, 'groups');
    if (footer) lines.push(footer);
    // Owners per resource: one list per (kind, namespace) met, cached across the page.
    const resolver = createOwnershipResolver(deps.kube);
    const shown = await Promise.all(
      page.items.map(async (group) => {
        const refs = await Promise.all(
          group.resourceRefs
            .slice(0, MAX_RESOURCES)
            .map(async (ref): Promise<ObjectRef & Ownership> => ({ ...ref, ...(await resolver.ownershipOfRef(ref)) })),
        );
        return { ...group, resources: group.resources.slice(0, MAX_RESOURCES), resourceRefs: refs };
      }),
    );
    const results = shown.flatMap((group) =>
      group.resourceRefs.map(({ owners, argocdApp, ...resource }) => ({
        policy: group.policy,
        rule: group.rule,
        result: group.result,
        ...(group.severity ? { severity: group.severity } : {}),
        message: group.message,
        resource,
        ...(owners ? { owners } : {}),
        ...(argocdApp ? { argocdApp } : {}),
      })),
    );
    return {
      text: lines.join('\n'),
      structured: {
        groups: shown,
        results,
        total: sorted.length,
        violations: count,
        ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}),
      },
    };
  },
});
