import { z } from 'zod';
import { checkEnv, configError, urlVariable, type Env } from '../config/parse-env.js';

const DEFAULT_GITHUB_API_URL = 'https://api.github.com';

/** The Git host variables that fall back to the fix loop's (one token for fix PRs and postmortems). */
const SHARED_WITH_FIX = {
  RCA_GIT_PROVIDER: 'FIX_GIT_PROVIDER',
  RCA_GIT_API_URL: 'FIX_GIT_API_URL',
  RCA_GIT_TOKEN: 'FIX_GIT_TOKEN',
} as const;

/**
 * Variables of publishing into a postmortems repository. Off unless RCA_POSTMORTEMS_REPOSITORY
 * is set: then publishing an RCA also opens a pull request that adds its markdown under
 * RCA_POSTMORTEMS_DIRECTORY, through the same Git providers as fix pull requests. The provider,
 * API URL and token default to the fix loop's FIX_GIT_* variables; without the repository,
 * publish exports markdown only.
 */
export const postmortemsConfigSchema = z
  .object({
    /** `owner/name` on GitHub, `group/project` (subgroups allowed) on GitLab. */
    RCA_POSTMORTEMS_REPOSITORY: z
      .string()
      .regex(/^[\w.-]+(\/[\w.-]+)+$/, 'must be owner/name (group/subgroup/project on GitLab)'),
    RCA_POSTMORTEMS_BRANCH: z.string().min(1).default('main'),
    RCA_POSTMORTEMS_DIRECTORY: z
      .string()
      .regex(/^[\w.-]+(\/[\w.-]+)*\/?$/, 'must be a relative folder such as postmortems or docs/rcas')
      .default('postmortems'),
    RCA_GIT_PROVIDER: z.enum(['github', 'gitlab'], { message: 'must be github or gitlab (or set FIX_GIT_PROVIDER)' }),
    RCA_GIT_API_URL: urlVariable(['http:', 'https:']).optional(),
    RCA_GIT_TOKEN: z.string({ message: 'is required (or set FIX_GIT_TOKEN, shared with fix pull requests)' }).min(1),
  })
  .refine((env) => env.RCA_GIT_PROVIDER !== 'gitlab' || Boolean(env.RCA_GIT_API_URL), {
    path: ['RCA_GIT_API_URL'],
    message: 'is required with a gitlab provider (or set FIX_GIT_API_URL to the instance URL)',
    when: () => true,
  });

export type PostmortemsConfig = Readonly<Omit<z.infer<typeof postmortemsConfigSchema>, 'RCA_GIT_API_URL'>> & {
  readonly RCA_GIT_API_URL: string;
  readonly RCA_POSTMORTEMS_DIRECTORY: string;
};

/** Whether the environment switches postmortems pull requests on. */
export function isPostmortemsEnabled(env: Env): boolean {
  return Boolean(env.RCA_POSTMORTEMS_REPOSITORY);
}

/** Problems of the postmortems variables, or the parsed config; undefined config when it is off. */
export function checkPostmortemsConfig(env: Env): { config?: PostmortemsConfig; problems: string[] } {
  if (!isPostmortemsEnabled(env)) return { problems: [] };
  const merged: Record<string, string | undefined> = { ...env };
  for (const [own, fix] of Object.entries(SHARED_WITH_FIX)) merged[own] = env[own] || env[fix];
  const checked = checkEnv(postmortemsConfigSchema, merged);
  if (!checked.isValid) {
    // A missing RCA_GIT_TOKEN comes back as the generic "is required"; say which variable also serves.
    const problems = checked.problems.map((problem) =>
      problem === 'RCA_GIT_TOKEN is required' ? `${problem} (or set FIX_GIT_TOKEN)` : problem,
    );
    return { problems };
  }
  const data = checked.data;
  return {
    config: Object.freeze({
      ...data,
      RCA_GIT_API_URL: data.RCA_GIT_API_URL ?? DEFAULT_GITHUB_API_URL,
      RCA_POSTMORTEMS_DIRECTORY: data.RCA_POSTMORTEMS_DIRECTORY.replace(/\/+$/, ''),
    }),
    problems: [],
  };
}

/** Parses the postmortems variables once; one error names every bad one. Undefined when off. */
export function loadPostmortemsConfig(env: Env): PostmortemsConfig | undefined {
  const { config, problems } = checkPostmortemsConfig(env);
  if (problems.length > 0) throw configError('postmortems', problems);
  return config;
}
