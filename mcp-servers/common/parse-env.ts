import { z } from 'zod';
import { McpServerError } from './errors.js';

/** Environment as a plain object; `process.env` is read only by composition roots. */
export type Env = Readonly<Record<string, string | undefined>>;

/**
 * Parses environment variables with a zod object schema keyed by variable name. Reports every
 * bad variable in one error (name + what is wrong); empty strings count as unset. Frozen result.
 */
export function parseServerEnv<S extends z.ZodObject>(schema: S, env: Env, server: string): Readonly<z.infer<S>> {
  const input: Record<string, string> = {};
  for (const key of Object.keys(schema.shape)) {
    const value = env[key];
    if (value !== undefined && value !== '') input[key] = value;
  }
  const result = schema.safeParse(input);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => {
      const variable = issue.path.join('.') || '(environment)';
      return (
        `${variable} ` +
        `${issue.code === 'invalid_type' && input[variable] === undefined ? 'is required' : issue.message}`
      );
    });
    throw new McpServerError('config_invalid', `invalid ${server} MCP server configuration: ${problems.join('; ')}`);
  }
  return Object.freeze(result.data);
}

/** `LOG_LEVEL` shared by every server. */
export const logLevelVariable = z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info');

/** A positive whole-number variable with a default. */
export function integerVariable(defaultValue: number) {
  return z.string().regex(/^\d+$/, 'must be a whole number').default(String(defaultValue)).transform(Number);
}

/** An optional bearer token for inbound HTTP (`MCP_AUTH_TOKEN`); at least 16 characters when set. */
export const authTokenVariable = z.string().min(16, 'must be at least 16 characters').optional();
