import { z } from 'zod';
import { cursorSchema, limitSchema, paginate, pageFooter } from '../../common/output-budget.js';
import { readOnlyAnnotations } from '../../common/tool-definition.js';
import { defineKyvernoTool, type KyvernoDeps } from '../deps.js';
import { listAllPolicies, listReports } from '../policy-lookup.js';
import { describeMatch, matchedKinds, policyMode, policyReady, ruleType } from '../policy-shapes.js';

/** Failing results per policy name, from the policy reports. */
export async function failCounts(deps: KyvernoDeps, namespace?: string): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const report of await listReports(deps.kube, namespace)) {
    for (const result of report.results ?? []) {
      if (result.result === 'fail' && result.policy) counts.set(result.policy, (counts.get(result.policy) ?? 0) + 1);
    }
  }
  return counts;
}

/** Lists Kyverno policies with mode, background flag, rules and current violation counts. */
export const listPoliciesTool = defineKyvernoTool({
  name: 'list_policies',
  title: 'List policies',
  description:
    'List Kyverno ClusterPolicies and Policies: mode (Enforce blocks admission, Audit only reports), background ' +
    'scanning, readiness, each rule with its type ' +
    'and matched kinds, and how many PolicyReport results currently fail. Filter by mode or namespace.',
  inputSchema: z.strictObject({
    namespace: z
      .string()
      .min(1)
      .max(63)
      .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'must be a namespace name')
      .optional()
      .describe('Namespaced Policies of this namespace (ClusterPolicies are always listed).'),
    mode: z.enum(['Enforce', 'Audit']).optional(),
    limit: limitSchema(30, 300),
    cursor: cursorSchema,
  }),
  outputSchema: z.object({
    policies: z.array(
      z.object({
        name: z.string(),
        kind: z.enum(['ClusterPolicy', 'Policy']),
        namespace: z.string().optional(),
        scope: z.string().describe('`cluster` or `ns/<namespace>`, as the text shows it.'),
        mode: z.enum(['Enforce', 'Audit', 'Mixed']),
        background: z.boolean(),
        ready: z.boolean().optional(),
        failing: z.number().int().describe('PolicyReport results failing this policy now.'),
        rules: z.array(
          z.object({ name: z.string(), type: z.string(), matches: z.string(), kinds: z.array(z.string()) }),
        ),
      }),
    ),
    total: z.number().int(),
    nextCursor: z.string().optional(),
  }),
  annotations: readOnlyAnnotations,
  isWrite: false,
  handler: async (input, { deps }) => {
    const [policies, fails] = await Promise.all([
      listAllPolicies(deps.kube, input.namespace),
      failCounts(deps, input.namespace),
    ]);
    const rows = policies
      .map((policy) => ({
        name: policy.metadata.name,
        kind: policy.kind === 'ClusterPolicy' ? ('ClusterPolicy' as const) : ('Policy' as const),
        ...(policy.kind !== 'ClusterPolicy' && policy.metadata.namespace
          ? { namespace: policy.metadata.namespace }
          : {}),
        scope: policy.kind === 'ClusterPolicy' ? 'cluster' : `ns/${policy.metadata.namespace ?? '?'}`,
        mode: policyMode(policy),
        background: policy.spec?.background ?? true,
        ready: policyReady(policy),
        failing: fails.get(policy.metadata.name) ?? 0,
        rules: (policy.spec?.rules ?? []).map((rule) => ({
          name: rule.name,
          type: ruleType(rule),
          matches: describeMatch(rule.match),
          kinds: matchedKinds(rule.match),
        })),
      }))
      .filter((row) => !input.mode || row.mode === input.mode || row.mode === 'Mixed')
      .sort((left, right) => right.failing - left.failing || left.name.localeCompare(right.name));
    if (rows.length === 0)
      return {
        text: `No Kyverno policies${input.mode ? ` in ${input.mode} mode` : ''}.`,
        structured: { policies: [], total: 0 },
      };
    const page = paginate(rows, input.limit, input.cursor);
    const lines = [`${rows.length} Kyverno policies (${rows.filter((row) => row.mode !== 'Audit').length} enforcing):`];
    for (const row of page.items) {
      lines.push(
        `  ${row.name} [${row.scope}] ${row.mode} ` +
          `background=${row.background}${row.ready === false ? ' NOT READY' : ''} failing=${row.failing}`,
      );
      for (const rule of row.rules.slice(0, 6)) lines.push(`    - ${rule.name} (${rule.type}) on ${rule.matches}`);
      if (row.rules.length > 6) lines.push(`    … ${row.rules.length - 6} more rules (get_policy)`);
    }
    const footer = pageFooter(page, 'policies');
    if (footer) lines.push(footer);
    return {
      text: lines.join('\n'),
      structured: {
        policies: page.items,
        total: rows.length,
        ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}),
      },
    };
  },
});
