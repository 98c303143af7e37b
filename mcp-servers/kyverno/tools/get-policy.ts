import { z } from 'zod';
import { clip, fitLines } from '../../common/output-budget.js';
import { readOnlyAnnotations } from '../../common/tool-definition.js';
import { defineKyvernoTool } from '../deps.js';
import { ruleRequirements } from '../pattern-requirements.js';
import { resolvePolicy } from '../policy-lookup.js';
import { describeMatch, matchedKinds, policyMode, policyReady, ruleMode, ruleType } from '../policy-shapes.js';
import { failCounts } from './list-policies.js';

/** One policy, rule by rule: what it matches, what it requires, mode, and its current failures. */
export const getPolicyTool = defineKyvernoTool({
  name: 'get_policy',
  title: 'Get policy',
  description:
    'One Kyverno policy rule by rule: mode (Enforce/Audit), what each rule matches and excludes, its message, ' +
    'and what a resource must satisfy ' +
    ('(pattern flattened to field paths, deny conditions, Pod Security level), plus how many report results fail ' +
      'it now.'),
  inputSchema: z.strictObject({
    name: z
      .string()
      .min(1)
      .max(253)
      .regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, 'must be a policy name'),
    namespace: z
      .string()
      .min(1)
      .max(63)
      .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'must be a namespace name')
      .optional()
      .describe('For a namespaced Policy.'),
  }),
  outputSchema: z.object({
    name: z.string(),
    kind: z.string().optional(),
    namespace: z.string().optional(),
    mode: z.enum(['Enforce', 'Audit', 'Mixed']),
    background: z.boolean(),
    ready: z.boolean().optional(),
    description: z.string().optional(),
    rules: z.array(
      z.object({
        name: z.string(),
        type: z.string(),
        mode: z.enum(['Enforce', 'Audit']).optional(),
        matches: z.string(),
        kinds: z.array(z.string()).describe('Kinds the rule matches (empty: any).'),
        excludes: z.string().optional(),
        message: z.string().optional(),
        requirements: z.array(z.string()).describe('What a resource must satisfy, as field paths and conditions.'),
      }),
    ),
    failing: z.number().int(),
  }),
  annotations: readOnlyAnnotations,
  isWrite: false,
  handler: async (input, { deps }) => {
    const policy = await resolvePolicy(deps.kube, input.name, input.namespace);
    const fails = await failCounts(deps);
    const rules = (policy.spec?.rules ?? []).map((rule) => ({
      name: rule.name,
      type: ruleType(rule),
      mode: rule.validate ? ruleMode(policy, rule) : undefined,
      matches: describeMatch(rule.match),
      kinds: matchedKinds(rule.match),
      excludes: rule.exclude ? describeMatch(rule.exclude) : undefined,
      message: rule.validate?.message,
      requirements: ruleRequirements(rule),
    }));
    const lines = [
      `${policy.kind} ` +
        `${policy.metadata.namespace ? `${policy.metadata.namespace}/` : ''}${policy.metadata.name}: ` +
        `${policyMode(policy)}, background=${policy.spec?.background ?? true}, ` +
        `ready=${policyReady(policy) ?? 'unknown'}, failing results now: ${fails.get(policy.metadata.name) ?? 0}`,
    ];
    const description = policy.metadata.annotations?.['policies.kyverno.io/description'];
    if (description) lines.push(`description: ${clip(description, 300)}`);
    for (const rule of rules) {
      lines.push(
        `rule ${rule.name} (${rule.type}${rule.mode ? `, ${rule.mode}` : ''}) matches ` +
          `${rule.matches}${rule.excludes ? `, excludes ${rule.excludes}` : ''}`,
      );
      if (rule.message) lines.push(`  message: ${clip(rule.message, 300)}`);
      for (const requirement of rule.requirements) lines.push(`  requires: ${requirement}`);
    }
    return {
      text: fitLines(lines),
      structured: {
        name: policy.metadata.name,
        kind: policy.kind,
        namespace: policy.metadata.namespace,
        mode: policyMode(policy),
        background: policy.spec?.background ?? true,
        ...(policyReady(policy) === undefined ? {} : { ready: policyReady(policy) }),
        ...(description ? { description } : {}),
        rules,
        failing: fails.get(policy.metadata.name) ?? 0,
      },
    };
  },
});
