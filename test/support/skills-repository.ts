import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { createGitRepo, type GitRepo } from '../../evaluators/sandbox/git/git-repo.js';
import { runSkillsCi, type SkillsCiReport } from '../../evaluators/skills-ci/run-skills-ci.js';
import { listMcpToolNames } from '../../mcp-servers/tool-names.js';
import { repositoryRoot } from './pipeline.js';

const execFileAsync = promisify(execFile);

/** Runs git in a work tree with a fixed identity (tests never read the machine's git config). */
export async function gitIn(cwd: string, args: string[]): Promise<string> {
  const { stdout } = await execFileAsync(
    'git',
    ['-c', 'user.name=test', '-c', 'user.email=test@example.com', ...args],
    {
      cwd,
      env: { PATH: process.env.PATH, HOME: '/nonexistent', GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' },
      maxBuffer: 64 << 20,
    },
  );
  return stdout;
}

/** Every file under a folder of this repository, keyed by `prefix/relative path`. */
export function filesOf(folder: string, prefix: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else out[`${prefix}/${relative(folder, full)}`] = readFileSync(full, 'utf8');
    }
  };
  walk(folder);
  return out;
}

/** The bundled skills with one skill's `metadata.signals` replaced (to make the bot answer wrong). */
export function bundledSkills(overrides: Record<string, string> = {}): Record<string, string> {
  const files = filesOf(join(repositoryRoot, 'skills'), 'skills');
  for (const [skill, signals] of Object.entries(overrides)) {
    const path = `skills/${skill}/SKILL.md`;
    files[path] = (files[path] ?? '').replace(
      / {2}signals: \|\n(?: {4}.*\n)+/,
      `  signals: |\n${signals.replace(/^/gm, '    ')}\n`,
    );
  }
  return files;
}

/** Bundled scenarios (and the base estate they share) under `scenarios/`. */
export function bundledScenarioFiles(names: readonly string[]): Record<string, string> {
  const dir = join(repositoryRoot, 'evaluators', 'scenarios');
  const files: Record<string, string> = {
    'scenarios/base/estate.yaml': readFileSync(join(dir, 'base', 'estate.yaml'), 'utf8'),
  };
  for (const name of names) files[`scenarios/${name}.yaml`] = readFileSync(join(dir, `${name}.yaml`), 'utf8');
  return files;
}

/** A skills repository as a real bare repo with one seed commit, and a clone of it (a work tree). */
export async function createSkillsRepository(
  dir: string,
  files: Record<string, string>,
): Promise<{ bare: GitRepo; clone: (name: string) => Promise<string> }> {
  const bare = await createGitRepo(join(dir, 'skills.git'), [
    { message: 'skills: seed', author: 'SRE <sre@example.com>', date: new Date('2026-11-01T00:00:00Z'), files },
  ]);
  return {
    bare,
    async clone(name) {
      const target = join(dir, name);
      await gitIn(dir, ['clone', '-q', bare.path, target]);
      return target;
    },
  };
}

/** `skills ci` in a skills-repository work tree: its skills, its scenarios and regression scenarios. */
export function runSkillsCiIn(work: string, changedSince: string): Promise<SkillsCiReport> {
  return runSkillsCi({
    skillsDir: join(work, 'skills'),
    scenarioDirs: [join(work, 'scenarios'), join(work, 'scenarios', 'regressions')],
    changedSince,
    cwd: work,
    lint: { knownTools: new Set(listMcpToolNames()) },
  });
}
