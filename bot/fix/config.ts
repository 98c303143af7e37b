import { z } from 'zod';
import { booleanVariable, checkEnv, configError, integerVariable, urlVariable, type Env } from '../config/parse-env.js';

const DEFAULT_GITHUB_API_URL = 'https://api.github.com';

/** A comma-separated list variable (`sre-bot,fix`). */
function listVariable(defaultValue: string) {
  return z
    .string()
    .default(defaultValue)
    .transform((value) =>
      value
        .split(',')
        .map((item) => item.trim())
        .filter(Boolean),
    );
}

/** `C0123=S0456,C0789=S0ABC`: the approver user group of each channel. */
const channelGroupsVariable = z
  .string()
  .regex(/^[A-Z0-9]+=[A-Z0-9]+(,[A-Z0-9]+=[A-Z0-9]+)*$/, 'must be CHANNEL=USERGROUP pairs separated by commas')
  .transform((value) => Object.fromEntries(value.split(',').map((pair) => pair.split('=') as [string, string])));

/**
 * Variables of the fix loop (issue 15). The loop is on when FIX_GIT_PROVIDER is set; then the
 * Git token, the approver group and the gateway writer token are required. Without
 * FIX_GIT_PROVIDER answers carry no "Propose fix" button and no fix worker runs.
 */
export const fixConfigSchema = z
  .object({
    FIX_GIT_PROVIDER: z.enum(['github', 'gitlab'], { message: 'must be github or gitlab' }),
    /** GitHub REST base (`https://HOST/api/v3` for Enterprise) or the GitLab instance URL. */
    FIX_GIT_API_URL: urlVariable(['http:', 'https:']).optional(),
    FIX_GIT_TOKEN: z.string().min(1),
    /** Repositories (`owner/name`) the bot may open pull requests on; empty = any the token reaches. */
    FIX_GIT_REPOSITORIES: listVariable(''),
    FIX_DEFAULT_BRANCH: z.string().min(1).default('main'),
    FIX_APPROVER_GROUP: z.string().regex(/^S[A-Z0-9]+$/, 'must be a Slack user group id (S…)'),
    FIX_APPROVER_GROUPS_BY_CHANNEL: channelGroupsVariable.optional(),
    /** The gateway token of the principal with `writes: true` (the sync after a merge). */
    FIX_GATEWAY_WRITER_TOKEN: z.string().min(1),
    FIX_APPROVAL_TTL_MS: integerVariable(30 * 60_000),
    FIX_WATCH_TIMEOUT_MS: integerVariable(10 * 60_000),
    FIX_WATCH_INTERVAL_MS: integerVariable(5_000).refine((value) => value >= 10, 'must be at least 10'),
    FIX_WATCH_DEGRADED_READS: integerVariable(6).refine((value) => value >= 1, 'must be at least 1'),
    FIX_LABELS: listVariable('sre-bot,fix'),
    FIX_REQUESTER_MAY_APPROVE: booleanVariable(false),
    /** Base of thread links in PR bodies (`https://ACME.slack.com`). */
    FIX_SLACK_WORKSPACE_URL: urlVariable(['https:', 'http:']).default('https://slack.com'),
    FIX_WORKER_CONCURRENCY: integerVariable(4).refine((value) => value >= 1, 'must be at least 1'),
  })
  .refine((env) => env.FIX_GIT_PROVIDER !== 'gitlab' || Boolean(env.FIX_GIT_API_URL), {
    path: ['FIX_GIT_API_URL'],
    message: 'is required with FIX_GIT_PROVIDER=gitlab (the instance URL, e.g. https://gitlab.example.com)',
    when: () => true,
  });

export type FixConfig = Readonly<z.infer<typeof fixConfigSchema>> & { readonly FIX_GIT_API_URL: string };

/** Whether the environment switches the fix loop on (the receiver needs no more than this). */
export function isFixEnabled(env: Env): boolean {
  return Boolean(env.FIX_GIT_PROVIDER);
}

/** Problems of the fix variables, or the parsed config; undefined when the loop is off. */
export function checkFixConfig(env: Env): { config?: FixConfig; problems: string[] } {
  if (!isFixEnabled(env)) return { problems: [] };
  const checked = checkEnv(fixConfigSchema, env);
  if (!checked.isValid) return { problems: checked.problems };
  const data = checked.data;
  const apiUrl = data.FIX_GIT_API_URL ?? DEFAULT_GITHUB_API_URL;
  return { config: Object.freeze({ ...data, FIX_GIT_API_URL: apiUrl }), problems: [] };
}

/** Parses the fix variables once; one error names every bad one. Undefined when the loop is off. */
export function loadFixConfig(env: Env): FixConfig | undefined {
  const { config, problems } = checkFixConfig(env);
  if (problems.length > 0) throw configError('fix', problems);
  return config;
}
