import { z } from 'zod';
import { BotError } from '../errors.js';

export type Env = Readonly<Record<string, string | undefined>>;

/**
 * Parses environment variables with a zod object schema whose keys are the variable names.
 * Every bad variable is reported in one error (variable name + what is wrong); the result is
 * frozen. Empty strings count as unset so `FOO=` falls back to the schema default.
 */
export function parseEnv<S extends z.ZodObject>(schema: S, env: Env, deployable: string): Readonly<z.infer<S>> {
  const input: Record<string, string> = {};
  for (const key of Object.keys(schema.shape)) {
    const value = env[key];
    if (value !== undefined && value !== '') input[key] = value;
  }
  const result = schema.safeParse(input);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => {
      const variable = issue.path.join('.') || '(environment)';
      const detail = issue.code === 'invalid_type' && input[variable] === undefined ? 'is required' : issue.message;
      return `${variable} ${detail}`;
    });
    throw new BotError('config_invalid', `invalid ${deployable} configuration: ${problems.join('; ')}`);
  }
  return Object.freeze(result.data);
}

/** A URL-valued variable restricted to the given protocols. */
export function urlVariable(protocols: readonly string[]) {
  return z.string().refine((value) => {
    try {
      return protocols.includes(new URL(value).protocol);
    } catch {
      return false;
    }
  }, `must be a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}`);
}

/** A boolean-valued variable accepting true/false/1/0/yes/no. */
export function booleanVariable(defaultValue: boolean) {
  return z
    .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'must be true or false' })
    .default(defaultValue ? 'true' : 'false')
    .transform((value) => value === 'true' || value === '1' || value === 'yes');
}

/** A positive-integer variable. */
export function integerVariable(defaultValue: number) {
  return z
    .string()
    .regex(/^\d+$/, 'must be a whole number')
    .default(String(defaultValue))
    .transform((value) => Number(value));
}
