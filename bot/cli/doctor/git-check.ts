import { errorMessage } from '../../errors.js';
import { createConfiguredGitProvider, loadGitConfig } from '../../git/config.js';
import { GitProviderError } from '../../git/git-provider.js';
import type { Env } from '../../config/parse-env.js';
import { CheckFailed, check, withTimeout, type DoctorCheck } from './doctor-check.js';

const RUNBOOK = 'runbooks/fix-pull-requests.md';

/**
 * The Git host of fix pull requests: the token is accepted and the GitOps repository and its
 * branch are reachable with it (one read of the branch head). Unset: a skip, since the bot then
 * answers without proposing pull requests.
 */
export async function gitCheck(env: Env, timeoutMs: number): Promise<DoctorCheck> {
  let configured: ReturnType<typeof createConfiguredGitProvider>;
  try {
    configured = createConfiguredGitProvider(loadGitConfig(env));
  } catch (error) {
    return {
      name: 'git provider',
      status: 'fail',
      detail: errorMessage(error),
      fix: `Set the SRE_BOT_GIT_* variables named above (${RUNBOOK}).`,
    };
  }
  if (!configured)
    return {
      name: 'git provider',
      status: 'skip',
      detail: 'SRE_BOT_GIT_PROVIDER is not set: fix pull requests are off',
      fix: `Set SRE_BOT_GIT_PROVIDER, SRE_BOT_GIT_TOKEN and SRE_BOT_GITOPS_REPOSITORY (${RUNBOOK}).`,
    };
  const { provider, repository, branch, apiUrl } = configured;
  const unreachable = `Check that SRE_BOT_GIT_API_URL (${apiUrl}) is reachable from this pod.`;
  return check('git provider', unreachable, async () => {
    try {
      const sha = await withTimeout(
        provider.kind,
        timeoutMs,
        provider.resolveRevision(repository, branch),
        unreachable,
      );
      return `${provider.kind}: the token is accepted, ${repository} ${branch} is at ${sha.slice(0, 7)}`;
    } catch (error) {
      if (!(error instanceof GitProviderError)) throw error;
      if (error.refusal === 'unauthorized')
        throw new CheckFailed(
          `${provider.kind} refused SRE_BOT_GIT_TOKEN (${error.status ?? 'no status'})`,
          `Replace SRE_BOT_GIT_TOKEN with a valid GitHub App installation token or GitLab project token (${RUNBOOK}).`,
        );
      if (error.refusal === 'not_found')
        throw new CheckFailed(
          `${repository} (branch ${branch}) is not visible with this token`,
          'Check SRE_BOT_GITOPS_REPOSITORY and SRE_BOT_GITOPS_BRANCH, and that the token covers that repository.',
        );
      throw error;
    }
  });
}
