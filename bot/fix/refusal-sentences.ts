import type { GitRefusal } from '../git/git-provider.js';

/** The one sentence a thread gets when the Git host refuses a merge (the runbook explains each). */
export function refusalSentence(refusal: GitRefusal, number: number): string {
  switch (refusal) {
    case 'head_moved':
      return (
        `Pull request #${number} changed after it was approved, so I did not merge it; ` +
        'review the new commits and propose again.'
      );
    case 'not_mergeable':
      return `Pull request #${number} cannot be merged (conflicts or branch protection); resolve it on the Git host.`;
    case 'checks_pending':
      return `Pull request #${number} is waiting for required checks; merge it once they pass.`;
    case 'unprocessable':
      return `The Git host rejected the merge of #${number} as invalid; see the pull request.`;
    case 'unauthorized':
      return `The bot's Git token may not merge #${number}; check its permissions (runbooks/fix-pull-requests.md).`;
    case 'rate_limited':
      return `The Git host is rate-limiting the bot; try approving #${number} again in a few minutes.`;
    case 'not_found':
      return `Pull request #${number} or its repository is gone.`;
    case 'unavailable':
      return `The Git host did not answer while merging #${number}; try again.`;
  }
}
