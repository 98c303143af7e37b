import { z } from 'zod';
import { checkEnv, configError, type Env } from '../config/parse-env.js';

/**
 * The correction loop's settings. The loop is on when `SKILLS_REPOSITORY` is set; then the token
 * is required. Corrections are always stored; without the loop nothing is proposed.
 */
export const learningConfigSchema = z.object({
  SKILLS_REPOSITORY: z
    .string()
    .regex(/^[\w.-]+(\/[\w.-]+)+$/, 'must be owner/name (GitLab: group/subgroup/name)')
    .optional(),
  SKILLS_GIT_PROVIDER: z.enum(['github', 'gitlab']).default('github'),
  SKILLS_GIT_API_URL: z.url().default('https://api.github.com'),
  SKILLS_GIT_TOKEN: z.string().min(1).optional(),
  SKILLS_REPOSITORY_BRANCH: z.string().min(1).default('main'),
  SKILLS_REPOSITORY_SKILLS_PATH: z.string().min(1).default('skills'),
  SKILLS_REPOSITORY_SCENARIOS_PATH: z.string().min(1).default('evaluators/scenarios/regressions'),
  SKILLS_PR_LABELS: z.string().default('sre-bot,skills'),
  SKILLS_MERGE_CHECK_SECONDS: z.coerce.number().int().min(5).max(3600).default(60),
  SLACK_WORKSPACE_URL: z.url().optional(),
});

export type LearningConfig = z.infer<typeof learningConfigSchema>;

/** Parses the correction loop's variables, reporting every bad one at once. */
export function loadLearningConfig(env: Env): Readonly<LearningConfig> {
  const checked = checkEnv(learningConfigSchema, env);
  const problems = checked.isValid ? [] : [...checked.problems];
  if (env['SKILLS_REPOSITORY'] && !env['SKILLS_GIT_TOKEN'])
    problems.push('SKILLS_GIT_TOKEN is required when SKILLS_REPOSITORY is set (a token that may open pull requests)');
  if (!checked.isValid || problems.length > 0) throw configError('correction loop', problems);
  return Object.freeze(checked.data);
}
