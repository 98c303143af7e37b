import { errorMessage } from '../../errors.js';
import { loadFixConfig } from '../../fix/config.js';
import type { Env } from '../../config/parse-env.js';
import { createConfiguredGitProvider } from '../fix-role.js';
import { readBranchHead } from './branch-head.js';
import { CheckFailed, check, type DoctorCheck } from './doctor-check.js';

const RUNBOOK = 'runbooks/fix-pull-requests.md';

/**
 * The Git host of fix pull requests, read from the fix loop's own variables (FIX_*): they parse,
 * the token is accepted, and each repository of FIX_GIT_REPOSITORIES is reachable at
 * FIX_DEFAULT_BRANCH (one read of the branch head each). Loop off: a skip, since the bot then
 * answers without proposing pull requests.
 */
export async function gitCheck(env: Env, timeoutMs: number): Promise<DoctorCheck> {
  let config: ReturnType<typeof loadFixConfig>;
  try {
    config = loadFixConfig(env);
  } catch (error) {
    return {
      name: 'git provider',
      status: 'fail',
      detail: errorMessage(error),
      fix: `Set the FIX_* variables named above (${RUNBOOK}).`,
    };
  }
  if (!config)
    return {
      name: 'git provider',
      status: 'skip',
      detail: 'FIX_GIT_PROVIDER is not set: fix pull requests are off',
      fix: `Set FIX_GIT_PROVIDER, FIX_GIT_TOKEN and the other FIX_* variables (${RUNBOOK}).`,
    };
  const provider = createConfiguredGitProvider(config);
  const branch = config.FIX_DEFAULT_BRANCH;
  const unreachable = `Check that FIX_GIT_API_URL (${config.FIX_GIT_API_URL}) is reachable from this pod.`;
  return check('git provider', unreachable, async () => {
    if (config.FIX_GIT_REPOSITORIES.length === 0)
      throw new CheckFailed(
        'FIX_GIT_REPOSITORIES is empty, so there is no repository to check the token against',
        `List the GitOps repositories the bot may open pull requests on in FIX_GIT_REPOSITORIES (${RUNBOOK}).`,
      );
    const heads: string[] = [];
    for (const repository of config.FIX_GIT_REPOSITORIES) {
      const sha = await readBranchHead(
        provider,
        { repository, branch },
        { timeoutMs, unreachable },
        {
          token: 'FIX_GIT_TOKEN',
          onRefused:
            'Replace FIX_GIT_TOKEN with a valid GitHub App installation token or GitLab project token ' +
            `(${RUNBOOK}).`,
          onNotFound: 'Check FIX_GIT_REPOSITORIES and FIX_DEFAULT_BRANCH, and that the token covers that repository.',
        },
      );
      heads.push(`${repository} ${branch} is at ${sha.slice(0, 7)}`);
    }
    return `${provider.kind}: the token is accepted, ${heads.join('; ')}`;
  });
}
