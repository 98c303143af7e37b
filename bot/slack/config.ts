import { z } from 'zod';
import { integerVariable, parseEnv, portVariable, urlVariable, type Env } from '../config/parse-env.js';

/** Slack's own Web API root; GovSlack and tests point SLACK_API_URL elsewhere. */
export const DEFAULT_SLACK_API_URL = 'https://slack.com/api/';

function modeOf(env: { SLACK_MODE?: string | undefined; SLACK_APP_TOKEN?: string | undefined }): 'http' | 'socket' {
  if (env.SLACK_MODE === 'http' || env.SLACK_MODE === 'socket') return env.SLACK_MODE;
  return env.SLACK_APP_TOKEN ? 'socket' : 'http';
}

/** Variables the Slack receiver (`sre-bot slack`) reads, without the mode rules. Defaults live here. */
export const slackVariablesSchema = z.object({
  SLACK_BOT_TOKEN: z
    .string()
    .regex(/^xoxb-/, 'must be a bot token starting with xoxb- (OAuth & Permissions → Bot User OAuth Token)'),
  SLACK_SIGNING_SECRET: z.string().min(1).optional(),
  SLACK_APP_TOKEN: z
    .string()
    .regex(
      /^xapp-/,
      'must be an app-level token starting with xapp- (Basic Information → App-Level Tokens, scope connections:write)',
    )
    .optional(),
  SLACK_MODE: z.enum(['http', 'socket'], { message: 'must be http or socket' }).optional(),
  SLACK_API_URL: urlVariable(['http:', 'https:']).default(DEFAULT_SLACK_API_URL),
  SLACK_PORT: portVariable(3000),
  SLACK_API_RETRIES: integerVariable(5),
  SRE_BOT_CHANNELS_FILE: z.string().min(1).optional(),
  SRE_BOT_JOB_ATTEMPTS: integerVariable(3).refine((value) => value >= 1, 'must be at least 1'),
  GATEWAY_URL: urlVariable(['http:', 'https:']).optional(),
});

type SlackModeVariables = {
  SLACK_MODE?: 'http' | 'socket' | undefined;
  SLACK_APP_TOKEN?: string | undefined;
  SLACK_SIGNING_SECRET?: string | undefined;
};

/**
 * Adds the connection-mode rules to any schema holding the Slack variables (the receiver's own,
 * or a role schema composed from it), so every role that runs the receiver checks them the same way.
 */
export function withSlackModeRules<S extends z.ZodType<SlackModeVariables>>(schema: S): S {
  return (
    schema
      // `when` runs these even when other variables failed, so every problem is reported at once.
      .refine((env) => modeOf(env) !== 'http' || Boolean(env.SLACK_SIGNING_SECRET), {
        path: ['SLACK_SIGNING_SECRET'],
        message:
          'is required in HTTP mode (Basic Information → App Credentials → Signing Secret); ' +
          'or set SLACK_APP_TOKEN to use Socket Mode',
        when: () => true,
      })
      .refine((env) => modeOf(env) !== 'socket' || Boolean(env.SLACK_APP_TOKEN), {
        path: ['SLACK_APP_TOKEN'],
        message: 'is required in Socket Mode (Basic Information → App-Level Tokens, scope connections:write)',
        when: () => true,
      })
  );
}

/** Variables the Slack receiver (`sre-bot slack`) reads, with the connection-mode rules. */
export const slackConfigSchema = withSlackModeRules(slackVariablesSchema);

type ParsedSlackEnv = z.infer<typeof slackVariablesSchema>;

/** The receiver's settings, with the connection mode decided. */
export type SlackConfig = Readonly<ParsedSlackEnv & { mode: 'http' | 'socket' }>;

/** The receiver's settings from already-parsed variables (a role config holding the Slack slice). */
export function slackSettings(parsed: ParsedSlackEnv): SlackConfig {
  return Object.freeze({ ...parsed, mode: modeOf(parsed) });
}

/**
 * Loads the receiver configuration from a literal env object. Socket Mode is chosen when
 * SLACK_APP_TOKEN is set and SLACK_MODE does not say otherwise.
 */
export function loadSlackConfig(env: Env): SlackConfig {
  return slackSettings(parseEnv(slackConfigSchema, env, 'slack'));
}
