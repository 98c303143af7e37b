import { z } from 'zod';
import { BotError } from '../errors.js';

export type Env = Readonly<Record<string, string | undefined>>;

/** The outcome of checking an env object against a schema: the parsed values, or every problem found. */
export type EnvCheck<T> = { isValid: true; data: T } | { isValid: false; problems: string[] };

/**
 * Checks environment variables against a zod object schema whose keys are the variable names,
 * without throwing: every bad variable becomes one problem line (variable name + what is wrong).
 * Empty strings count as unset so `FOO=` falls back to the schema default.
 */
export function checkEnv<S extends z.ZodObject>(schema: S, env: Env): EnvCheck<z.infer<S>> {
  const input: Record<string, string> = {};
  for (const key of Object.keys(schema.shape)) {
    const value = env[key];
    if (value !== undefined && value !== '') input[key] = value;
  }
  const result = schema.safeParse(input);
  if (result.success) return { isValid: true, data: result.data };
  const problems = result.error.issues.map((issue) => {
    const variable = issue.path.join('.') || '(environment)';
    const detail = issue.code === 'invalid_type' && input[variable] === undefined ? 'is required' : issue.message;
    return `${variable} ${detail}`;
  });
  return { isValid: false, problems };
}

/** The one error a role reports for all of its bad variables. */
export function configError(deployable: string, problems: readonly string[]): BotError {
  return new BotError('config_invalid', `invalid ${deployable} configuration: ${problems.join('; ')}`);
}

/**
 * Parses environment variables with a zod object schema whose keys are the variable names.
 * Every bad variable is reported in one error (variable name + what is wrong); the result is
 * frozen. Empty strings count as unset so `FOO=` falls back to the schema default.
 */
export function parseEnv<S extends z.ZodObject>(schema: S, env: Env, deployable: string): Readonly<z.infer<S>> {
  const checked = checkEnv(schema, env);
  if (!checked.isValid) throw configError(deployable, checked.problems);
  return Object.freeze(checked.data);
}

/** A URL-valued variable restricted to the given protocols. */
export function urlVariable(protocols: readonly string[]) {
  return z.string().refine(
    (value) => {
      try {
        return protocols.includes(new URL(value).protocol);
      } catch {
        return false;
      }
    },
    `must be a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}`,
  );
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

/** A TCP port variable (0 = pick a free port or switch the listener off, as the variable documents). */
export function portVariable(defaultValue: number) {
  return integerVariable(defaultValue).refine((value) => value <= 65_535, 'must be a port number from 0 to 65535');
}
