/**
 * A valid SKILL.md for tests, with overridable parts, so each test states only what it changes.
 * Lives next to the code (not in test/) because library tests import it.
 */
export interface SkillFixtureParts {
  name?: string;
  description?: string;
  extraFrontmatter?: string;
  metadata?: string;
  signals?: string;
  investigate?: string;
  fix?: string;
  corrections?: string;
  extraBody?: string;
}

/** Renders a SKILL.md that lints clean unless a part is overridden with something invalid. */
export function skillFixture(parts: SkillFixtureParts = {}): string {
  const name = parts.name ?? 'demo-skill';
  const metadata =
    parts.metadata ??
    `metadata:\n  owner: "platform-sre"\n  severity: "medium"\n  signals: ` +
      `'${parts.signals ?? 'reason:CrashLoopBackOff; log~"boom happened"'}'`;
  return `---
name: ${name}
description: ${parts.description ?? 'Diagnose the demo fault. Use when the demo workload crashes with boom.'}
${parts.extraFrontmatter ?? ''}${metadata}
---

# Demo skill

Intro text.

## Signals

- The log says boom.

## Investigate

${parts.investigate ?? '1. `describe_workload` on the workload.\n2. `get_pod_logs` with `previous: true`.'}

## Fix

${parts.fix ?? 'Change the values file in git and let Argo CD sync it.'}

## Corrections
${parts.corrections ?? ''}
${parts.extraBody ?? ''}`;
}
