import { SKILL_NAME_MAX, SKILL_NAME_PATTERN } from './skill-spec.js';

export interface ScaffoldInput {
  name: string;
  description?: string;
  owner?: string;
}

/** Why a name cannot be a skill name, or undefined when it can. */
export function skillNameProblem(name: string): string | undefined {
  if (name.length === 0 || name.length > SKILL_NAME_MAX) return `a skill name has 1 to ${SKILL_NAME_MAX} characters`;
  if (!SKILL_NAME_PATTERN.test(name)) {
    return 'a skill name is lowercase a-z and 0-9 joined by single hyphens, e.g. disk-pressure-evictions';
  }
  return undefined;
}

/**
 * A new SKILL.md that passes `skills lint`: the frontmatter, a signal to replace, and the four
 * sections with prompts for what goes in each.
 */
export function renderSkillTemplate(input: ScaffoldInput): string {
  const title = input.name
    .split('-')
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join(' ');
  const description =
    input.description ??
    `Diagnose ${input.name.replace(/-/g, ' ')} on Kubernetes. Use when a workload shows this fault; replace ` +
      `this line with what the skill covers and when to use it.`;
  return `---
name: ${input.name}
description: ${JSON.stringify(description)}
metadata:
  owner: ${JSON.stringify(input.owner ?? 'platform-sre')}
  severity: "medium"
  signals: 'event:Warning~"replace with a message fragment this fault produces"'
---

# ${title}

One paragraph: what this fault is, and what it usually looks like to the developer who asks.

## Signals

- What the evidence shows (container state reasons, event reasons and messages, Argo CD or
  Kyverno results, log lines). Keep \`metadata.signals\` in step with this list.

## Investigate

1. \`describe_workload\` on the workload: read the pod states, last termination and Warning events.
2. \`list_events\` for the namespace: look for the reason above and when it started.
3. Say how to tell this fault from its look-alikes.

## Fix

Change the source in git (values file, kustomize overlay or manifest) and let Argo CD sync it;
never edit the Argo CD Application and never change production with kubectl.

## Corrections
`;
}
