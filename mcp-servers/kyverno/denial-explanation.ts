import { z } from 'zod';
import type { KubeClient } from '../common/kube-client.js';
import type { ObjectRef } from '../common/kube-ownership.js';
import { McpServerError } from '../common/errors.js';
import type { ParsedDenial } from './admission-denial.js';
import { ruleRequirements } from './pattern-requirements.js';
import { resolvePolicy } from './policy-lookup.js';
import { ruleMode } from './policy-shapes.js';

/** A denial mapped onto the policy that caused it, with what the manifest must change. */
export interface ExplainedDenial extends ParsedDenial {
  mode?: 'Enforce' | 'Audit';
  requirements: string[];
  /** The field path the message says failed, e.g. spec.template.spec.containers[0].resources.limits. */
  failedPath?: string;
  policyFound: boolean;
}

/** `/spec/template/spec/containers/0/resources/limits/` → `spec.template.spec.containers[0].resources.limits`. */
export function failedPathOf(message: string): string | undefined {
  const match = /failed at path\s+(\/[^\s']*)/.exec(message);
  if (!match?.[1]) return undefined;
  return match[1]
    .split('/')
    .filter(Boolean)
    .map((segment, index) => (/^\d+$/.test(segment) ? `[${segment}]` : `${index === 0 ? '' : '.'}${segment}`))
    .join('');
}

/** Looks up each denial's policy and rule to say what must change. */
export async function explainDenials(
  kube: KubeClient,
  denials: readonly ParsedDenial[],
  namespace?: string,
): Promise<ExplainedDenial[]> {
  const cache = new Map<string, Awaited<ReturnType<typeof resolvePolicy>> | undefined>();
  const explained: ExplainedDenial[] = [];
  for (const denial of denials) {
    if (!cache.has(denial.policy)) {
      try {
        cache.set(denial.policy, await resolvePolicy(kube, denial.policy, namespace));
      } catch (error) {
        if (!(error instanceof McpServerError && error.code === 'not_found')) throw error;
        cache.set(denial.policy, undefined);
      }
    }
    const policy = cache.get(denial.policy);
    // Kyverno generates `autogen-<rule>` (pod controllers, under spec.template) and
    // `autogen-cronjob-<rule>` (under spec.jobTemplate.spec.template) from Pod rules.
    const autogen = /^autogen-(cronjob-)?(.+)$/.exec(denial.rule);
    const rule =
      policy?.spec?.rules?.find((candidate) => candidate.name === denial.rule) ??
      (autogen ? policy?.spec?.rules?.find((candidate) => candidate.name === autogen[2]) : undefined);
    const prefix =
      autogen && rule?.name !== denial.rule ? (autogen[1] ? 'spec.jobTemplate.spec.template.' : 'spec.template.') : '';
    const requirements = rule
      ? ruleRequirements(rule).map((line) => (prefix && line.startsWith('spec.') ? `${prefix}${line}` : line))
      : [];
    const failedPath = failedPathOf(denial.message);
    explained.push({
      ...denial,
      ...(policy && rule ? { mode: ruleMode(policy, rule) } : {}),
      requirements,
      ...(failedPath ? { failedPath } : {}),
      policyFound: Boolean(policy),
    });
  }
  return explained;
}

/** Text lines for explained denials. */
export function formatExplainedDenials(denials: readonly ExplainedDenial[], indent = '  '): string[] {
  const lines: string[] = [];
  for (const denial of denials) {
    lines.push(
      `${indent}policy ${denial.policy} rule ${denial.rule}${denial.mode ? ` (${denial.mode})` : ''}: ` +
        `${denial.message}`,
    );
    if (denial.failedPath) lines.push(`${indent}  failed at: ${denial.failedPath}`);
    for (const requirement of denial.requirements.slice(0, 8)) lines.push(`${indent}  fix: ${requirement}`);
    if (!denial.policyFound && denial.policy !== '?')
      lines.push(
        `${indent}  (policy ${denial.policy} not found in this cluster now; it may have been changed or removed)`,
      );
  }
  return lines;
}

/** Output schema of an `ExplainedDenial`. */
export const explainedDenialSchema = z.object({
  policy: z.string(),
  rule: z.string(),
  message: z.string(),
  mode: z.enum(['Enforce', 'Audit']).optional(),
  requirements: z.array(z.string()).describe('What the manifest must satisfy (field paths), from the rule.'),
  failedPath: z.string().optional(),
  policyFound: z.boolean(),
});

/** `Deployment/shop/api` or `Namespace/shop` (as Kyverno names a rejected resource) as kind, namespace and name. */
export function parseResourceRef(resource: string | undefined): ObjectRef | undefined {
  const parts = resource?.split('/') ?? [];
  if (parts.length === 3 && parts[0] && parts[2])
    return { kind: parts[0], ...(parts[1] ? { namespace: parts[1] } : {}), name: parts[2] };
  if (parts.length === 2 && parts[0] && parts[1]) return { kind: parts[0], name: parts[1] };
  return undefined;
}
