import { z } from 'zod';
import { checkEnv, configError, urlVariable, type Env } from '../config/parse-env.js';
import type { GitProvider } from './git-provider.js';
import { createGithubProvider } from './github-provider.js';
import { createGitlabProvider } from './gitlab-provider.js';

/** The Git host fix pull requests go to. All unset: fix pull requests are off. */
export const gitConfigSchema = z
  .object({
    SRE_BOT_GIT_PROVIDER: z.enum(['github', 'gitlab'], { message: 'must be github or gitlab' }).optional(),
    /** REST base URL: `https://api.github.com`, `https://HOST/api/v3` (GHES) or the GitLab instance URL. */
    SRE_BOT_GIT_API_URL: urlVariable(['https:', 'http:']).optional(),
    /** A GitHub App installation token or fine-grained PAT; a GitLab project access token (scope `api`). */
    SRE_BOT_GIT_TOKEN: z.string().min(1).optional(),
    /** `owner/name` (GitHub) or the project path (GitLab) of the GitOps repository. */
    SRE_BOT_GITOPS_REPOSITORY: z
      .string()
      .regex(/^[\w.-]+(\/[\w.-]+)+$/, 'must be owner/name (GitHub) or group/project (GitLab)')
      .optional(),
    SRE_BOT_GITOPS_BRANCH: z.string().min(1).default('main'),
  })
  .superRefine((env, context) => {
    if (!env.SRE_BOT_GIT_PROVIDER) return;
    for (const key of ['SRE_BOT_GIT_TOKEN', 'SRE_BOT_GITOPS_REPOSITORY'] as const)
      if (!env[key])
        context.addIssue({ code: 'custom', path: [key], message: `is required with SRE_BOT_GIT_PROVIDER` });
  });

export type GitConfig = Readonly<z.output<typeof gitConfigSchema>>;

/** Parses the Git host variables; every bad one in one error. */
export function loadGitConfig(env: Env): GitConfig {
  const checked = checkEnv(gitConfigSchema, env);
  if (!checked.isValid) throw configError('git', checked.problems);
  return Object.freeze(checked.data);
}

const DEFAULT_API_URL = { github: 'https://api.github.com', gitlab: 'https://gitlab.com' } as const;

/** The configured host and repository, or undefined when SRE_BOT_GIT_PROVIDER is unset. */
export function createConfiguredGitProvider(
  config: GitConfig,
): { provider: GitProvider; repository: string; branch: string; apiUrl: string } | undefined {
  const kind = config.SRE_BOT_GIT_PROVIDER;
  if (!kind || !config.SRE_BOT_GIT_TOKEN || !config.SRE_BOT_GITOPS_REPOSITORY) return undefined;
  const apiUrl = config.SRE_BOT_GIT_API_URL ?? DEFAULT_API_URL[kind];
  const options = { baseUrl: apiUrl, token: config.SRE_BOT_GIT_TOKEN };
  const provider = kind === 'github' ? createGithubProvider(options) : createGitlabProvider(options);
  return { provider, repository: config.SRE_BOT_GITOPS_REPOSITORY, branch: config.SRE_BOT_GITOPS_BRANCH, apiUrl };
}
