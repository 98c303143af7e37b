import type { FixPlan } from './fix-plan.js';

/** The hidden marker that ties a pull request to its proposal (found again after a restart). */
export function proposalMarker(proposalId: string): string {
  return `<!-- sre-bot-fix-proposal: ${proposalId} -->`;
}

/** The pull request description: what, why, risk, validation, rollback, approval trail. */
export function pullRequestBody(input: {
  proposalId: string;
  plan: FixPlan;
  question: string;
  rootCause: string;
  threadLink: string;
  requestedBy: string;
}): string {
  const { plan } = input;
  const what = plan.edits.map((edit) => `- \`${edit.file}\` \`${edit.path}\`: \`${edit.before}\` → \`${edit.after}\``);
  return [
    `## What`,
    ...what,
    '',
    `## Why`,
    `Question: ${input.question}`,
    '',
    `Root cause: ${input.rootCause}`,
    '',
    plan.rationale,
    '',
    `Slack thread: ${input.threadLink}`,
    '',
    `## Risk`,
    `Changes only the paths above in Argo CD app \`${plan.app.name}\` (${plan.app.instance}); ` +
      'no shared base, Secret or Application is touched.',
    '',
    `## Validation`,
    'Each file was parsed before and after the edit: only the listed YAML paths differ ' +
      `(recipe \`${plan.recipe}\`, base ${plan.baseRevision.slice(0, 7)}).`,
    '',
    `## Rollback`,
    `Revert this pull request; Argo CD syncs the previous revision.`,
    '',
    `## Approval`,
    `Requested by Slack user ${input.requestedBy}; merged only after an on-call approval in the thread.`,
    '',
    proposalMarker(input.proposalId),
  ].join('\n');
}
