import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { skillFileProblem } from '../skill-file-guard.js';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { REFERENCES_DIR, SKILL_FILE } from '../skill-spec.js';
import { lintReferenceText, lintSkillText, sortIssues } from './lint-skill.js';
import type { LintIssue, LintOptions } from './lint-types.js';

/** The outcome of linting one or more paths. */
export interface LintReport {
  issues: LintIssue[];
  /** Skill folders linted. */
  skills: number;
  errors: number;
  warnings: number;
}

/** Text files under references/ worth scanning (binary assets are skipped). */
const TEXT_EXTENSIONS = /\.(?:md|markdown|txt|ya?ml|json|sh|py|ts|js|toml|ini|conf|cfg|rego|cue|tpl)$/i;
/** Bounds the walk of a references/ tree. */
const MAX_REFERENCE_FILES = 200;

function listFiles(dir: string, limit: number): string[] {
  const files: string[] = [];
  const walk = (current: string): void => {
    for (const entry of readdirSync(current, { withFileTypes: true })) {
      if (files.length >= limit) return;
      const full = join(current, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile()) files.push(full);
    }
  };
  if (existsSync(dir)) walk(dir);
  return files;
}

/**
 * Turns the paths given on the command line into skill folders: a SKILL.md file, a folder
 * holding one, or a root whose sub-folders hold them. A sub-folder of a root without SKILL.md
 * is reported, since a misspelled file name would otherwise silently drop a skill.
 */
export function resolveSkillFolders(paths: readonly string[], cwd: string): { folders: string[]; issues: LintIssue[] } {
  const folders = new Set<string>();
  const issues: LintIssue[] = [];
  for (const given of paths) {
    const full = resolve(cwd, given);
    const shown = relative(cwd, full) || '.';
    if (!existsSync(full)) {
      issues.push({ path: shown, line: 1, rule: 'path', severity: 'error', message: 'no such file or directory' });
      continue;
    }
    if (statSync(full).isFile()) {
      if (basename(full) !== SKILL_FILE) {
        issues.push({ path: shown, line: 1, rule: 'path', severity: 'error', message: `not a ${SKILL_FILE}` });
      } else folders.add(dirname(full));
      continue;
    }
    if (existsSync(join(full, SKILL_FILE))) {
      folders.add(full);
      continue;
    }
    for (const entry of readdirSync(full, { withFileTypes: true })) {
      if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
      const folder = join(full, entry.name);
      if (existsSync(join(folder, SKILL_FILE))) folders.add(folder);
      else {
        issues.push({
          path: relative(cwd, folder) || entry.name,
          line: 1,
          rule: 'skill-file-missing',
          severity: 'error',
          message: `folder has no ${SKILL_FILE} (the file name is case-sensitive)`,
        });
      }
    }
  }
  return { folders: [...folders].sort(), issues };
}

/** Lints one skill folder: its SKILL.md and every text file under references/. */
export function lintSkillFolder(folder: string, cwd: string, options: LintOptions = {}): LintIssue[] {
  const skillPath = join(folder, SKILL_FILE);
  const shown = relative(cwd, skillPath);
  const fileExists = (relativePath: string): boolean => {
    const target = resolve(folder, relativePath);
    return (target === folder || target.startsWith(`${folder}${sep}`)) && existsSync(target);
  };
  // The folder itself is the root here: a SKILL.md or reference reached through a symlink out of it is refused.
  const problem = skillFileProblem(skillPath, folder);
  if (problem) return [{ path: shown, line: 1, rule: 'file', severity: 'error', message: problem }];
  const issues = lintSkillText(
    { path: shown, folderName: basename(folder), text: readFileSync(skillPath, 'utf8') },
    { fileExists, ...options },
  );
  for (const file of listFiles(join(folder, REFERENCES_DIR), MAX_REFERENCE_FILES)) {
    if (!TEXT_EXTENSIONS.test(file)) continue;
    const fileProblem = skillFileProblem(file, folder);
    if (fileProblem) {
      issues.push({ path: relative(cwd, file), line: 1, rule: 'file', severity: 'error', message: fileProblem });
      continue;
    }
    issues.push(...lintReferenceText(relative(cwd, file), readFileSync(file, 'utf8'), options));
  }
  return issues;
}

/** Lints every skill under the given paths. */
export function lintPaths(paths: readonly string[], cwd: string, options: LintOptions = {}): LintReport {
  const { folders, issues } = resolveSkillFolders(paths, cwd);
  for (const folder of folders) issues.push(...lintSkillFolder(folder, cwd, options));
  sortIssues(issues);
  const errors = issues.filter((issue) => issue.severity === 'error').length;
  return { issues, skills: folders.length, errors, warnings: issues.length - errors };
}

/** Renders issues as `file:line: rule: message` lines, warnings marked, plus a summary line. */
export function formatLintReport(report: LintReport): string {
  const lines = report.issues.map(
    (issue) =>
      `${issue.path}:${issue.line}: ${issue.rule}: ${issue.severity === 'warning' ? 'warning: ' : ''}${issue.message}`,
  );
  lines.push(
    `${report.skills} skill${report.skills === 1 ? '' : 's'} checked: ${report.errors} ` +
      `error${report.errors === 1 ? '' : 's'}, ${report.warnings} warning${report.warnings === 1 ? '' : 's'}`,
  );
  return lines.join('\n');
}
