import { delimiter, resolve } from 'node:path';
import { z } from 'zod';
import { parseEnv, type Env } from '../config/parse-env.js';
import { DEFAULT_URL_ALLOW_LIST } from './skill-spec.js';

/**
 * Skill settings from the environment:
 * - `SKILLS_DIRS`: skill roots separated by the platform path delimiter (`:` on Linux), lowest
 *   priority first; later roots override skills of the same name. Default `skills`.
 * - `SKILLS_URL_ALLOW_LIST`: extra link hosts the security scan accepts, comma-separated
 *   (`docs.internal.example`, `*.corp.example`, `github.com/acme`).
 */
export const skillsConfigSchema = z.object({
  SKILLS_DIRS: z.string().default('skills'),
  SKILLS_URL_ALLOW_LIST: z.string().default(''),
});

export interface SkillsConfig {
  roots: readonly string[];
  urlAllowList: readonly string[];
}

/** Parses the skill settings; relative roots resolve against `cwd`. */
export function loadSkillsConfig(env: Env, cwd: string): SkillsConfig {
  return skillsSettings(parseEnv(skillsConfigSchema, env, 'skills'), cwd);
}

/** The skill settings from already-parsed variables (a role config holding the skills slice). */
export function skillsSettings(parsed: z.infer<typeof skillsConfigSchema>, cwd: string): SkillsConfig {
  const roots = parsed.SKILLS_DIRS.split(delimiter)
    .filter(Boolean)
    .map((root) => resolve(cwd, root));
  const extra = parsed.SKILLS_URL_ALLOW_LIST.split(',')
    .map((host) => host.trim())
    .filter(Boolean);
  return Object.freeze({ roots, urlAllowList: [...DEFAULT_URL_ALLOW_LIST, ...extra] });
}
