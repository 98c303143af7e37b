import type { GitProvider } from '../git/git-provider.js';
import { createGithubProvider } from '../git/github-provider.js';
import { createGitlabProvider } from '../git/gitlab-provider.js';
import type { PostmortemsConfig } from '../rca/config.js';
import type { PostmortemsRepository } from '../rca/rca-service.js';

/** The Git provider the RCA_GIT_* variables (or the fix loop's FIX_GIT_* ones) name. */
export function createPostmortemsProvider(config: PostmortemsConfig): GitProvider {
  const options = { baseUrl: config.RCA_GIT_API_URL, token: config.RCA_GIT_TOKEN };
  return config.RCA_GIT_PROVIDER === 'github' ? createGithubProvider(options) : createGitlabProvider(options);
}

/**
 * Where published RCAs land as pull requests, from the postmortems variables; undefined when
 * RCA_POSTMORTEMS_REPOSITORY is unset, so publishing exports markdown only.
 */
export function postmortemsRepository(config: PostmortemsConfig | undefined): PostmortemsRepository | undefined {
  if (!config) return undefined;
  return {
    provider: createPostmortemsProvider(config),
    repository: config.RCA_POSTMORTEMS_REPOSITORY,
    baseBranch: config.RCA_POSTMORTEMS_BRANCH,
    directory: config.RCA_POSTMORTEMS_DIRECTORY,
  };
}
