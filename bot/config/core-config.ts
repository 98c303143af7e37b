import { z } from 'zod';
import { parseEnv, portVariable, urlVariable, type Env } from './parse-env.js';

/**
 * Variables every bot role shares: storage, queue, logging, telemetry. Role configs extend
 * this schema with their own variables (Slack tokens, model keys, ...).
 */
export const coreConfigSchema = z.object({
  DATABASE_URL: urlVariable(['postgres:', 'postgresql:']).optional(),
  SRE_BOT_HOME: z.string().default('.sre-bot'),
  REDIS_URL: urlVariable(['redis:', 'rediss:']).optional(),
  QUEUE_PREFIX: z
    .string()
    .regex(/^[a-z0-9-]+$/, 'must be lowercase letters, digits and hyphens')
    .default('sre-bot'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  OTEL_EXPORTER_OTLP_ENDPOINT: urlVariable(['http:', 'https:']).optional(),
  OTEL_SERVICE_NAME: z.string().default('sre-bot'),
  METRICS_PORT: portVariable(0),
});

export type CoreConfig = Readonly<z.infer<typeof coreConfigSchema>>;

/** Loads the shared bot configuration from a literal env object (never reads process.env). */
export function loadCoreConfig(env: Env): CoreConfig {
  return parseEnv(coreConfigSchema, env, 'sre-bot');
}
