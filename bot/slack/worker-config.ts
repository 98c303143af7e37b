import { z } from 'zod';
import { booleanVariable, integerVariable, parseEnv, urlVariable, type Env } from '../config/parse-env.js';
import { DEFAULT_SLACK_API_URL } from './config.js';

/** Variables the worker (`sre-bot worker`) reads besides the shared core and agent ones. */
export const workerConfigSchema = z.object({
  SLACK_BOT_TOKEN: z
    .string()
    .regex(/^xoxb-/, 'must be a bot token starting with xoxb- (OAuth & Permissions → Bot User OAuth Token)'),
  SLACK_API_URL: urlVariable(['http:', 'https:']).default(DEFAULT_SLACK_API_URL),
  SLACK_API_RETRIES: integerVariable(5),
  SLACK_STREAMING: booleanVariable(true),
  SLACK_STATUS_INTERVAL_MS: integerVariable(1_000),
  WORKER_CONCURRENCY: integerVariable(4).refine((value) => value >= 1, 'must be at least 1'),
  SRE_BOT_CHANNELS_FILE: z.string().min(1).optional(),
});

export type WorkerConfig = Readonly<z.infer<typeof workerConfigSchema>>;

/** Loads the worker configuration from a literal env object. */
export function loadWorkerConfig(env: Env): WorkerConfig {
  return parseEnv(workerConfigSchema, env, 'worker');
}
