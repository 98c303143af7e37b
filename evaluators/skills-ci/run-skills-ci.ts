import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { promisify } from 'node:util';
import { skillCatalogPort } from '../../bot/runtime/skill-catalog-port.js';
import { createSkillCatalog } from '../../bot/skills/catalog.js';
import { lintPaths, type LintReport } from '../../bot/skills/lint/lint-paths.js';
import type { LintOptions } from '../../bot/skills/lint/lint-types.js';
import { migrate } from '../../bot/store/migrate.js';
import { createPgliteDatabase } from '../../bot/store/pglite-database.js';
import { createStore } from '../../bot/store/store.js';
import type { Verdict } from '../runner/judge.js';
import { runScenario } from '../runner/run-scenario.js';
import { listScenarioFiles, loadScenarioFile } from '../sandbox/scenario/load-scenario.js';
import type { Scenario } from '../sandbox/scenario/scenario-schema.js';

const execFileAsync = promisify(execFile);

export interface SkillsCiOptions {
  /** The skills folder under test (a git work tree when `changedSince` is given). */
  skillsDir: string;
  /** Scenario folders; a folder named `regressions` holds regression scenarios, which must pass. */
  scenarioDirs: readonly string[];
  /** Compare against the skills at this git revision (A/B) and find the changed skills. */
  changedSince?: string;
  cwd: string;
  lint?: LintOptions;
  onProgress?: (line: string) => void;
}

/** One scenario's outcome, with the skills at the base revision (A) and as changed (B). */
export interface ScenarioCase {
  scenario: string;
  file: string;
  isRegression: boolean;
  /** The scenario expects or used a changed skill. */
  involvesChanged: boolean;
  head: Verdict & { skills: string[] };
  base?: Verdict & { skills: string[] };
  /** better / worse: passed on one side only; same otherwise (or no base). */
  change: 'better' | 'worse' | 'same';
}

export interface SkillsCiReport {
  lint: LintReport;
  changedSkills: string[];
  cases: ScenarioCase[];
  /** Why the run fails: lint errors, scenarios that got worse, regression scenarios that fail. */
  failures: string[];
  exitCode: 0 | 1;
}

async function git(cwd: string, args: string[]): Promise<string> {
  const { stdout } = await execFileAsync('git', args, { cwd, maxBuffer: 64 << 20 });
  return stdout;
}

/** The skill folders changed since `ref` (committed or not) and a copy of the skills as they were at `ref`. */
async function baseSkills(skillsDir: string, ref: string): Promise<{ changed: string[]; dir: string }> {
  const top = (await git(skillsDir, ['rev-parse', '--show-toplevel'])).trim();
  const prefix = relative(top, skillsDir).split('\\').join('/');
  const diff = await git(top, ['diff', '--name-only', ref, '--', prefix]);
  const untracked = await git(top, ['ls-files', '--others', '--exclude-standard', '--', prefix]);
  const changed = new Set(
    `${diff}\n${untracked}`
      .split('\n')
      .filter(Boolean)
      .map((path) => path.slice(prefix.length + 1).split('/')[0] ?? '')
      .filter(Boolean),
  );
  const dir = await mkdtemp(join(tmpdir(), 'skills-base-'));
  const files = (await git(top, ['ls-tree', '-r', '--name-only', ref, '--', prefix])).split('\n').filter(Boolean);
  for (const path of files) {
    const target = join(dir, path.slice(prefix.length + 1));
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, await git(top, ['show', `${ref}:${path}`]));
  }
  return { changed: [...changed].sort(), dir };
}

async function loadScenarios(
  dirs: readonly string[],
): Promise<Array<{ scenario: Scenario; file: string; isRegression: boolean }>> {
  const out: Array<{ scenario: Scenario; file: string; isRegression: boolean }> = [];
  for (const dir of dirs) {
    if (!existsSync(dir)) continue;
    for (const file of await listScenarioFiles(dir))
      out.push({
        scenario: await loadScenarioFile(file),
        file,
        isRegression: /(^|[\\/])regressions$/.test(resolve(dir)),
      });
  }
  return out;
}

/** Runs scenarios against one skills folder (its own catalog and in-memory store). */
async function runAll(
  skillsDir: string,
  scenarios: ReadonlyArray<{ scenario: Scenario }>,
  label: string,
  onProgress?: (line: string) => void,
): Promise<{ verdicts: Map<string, Verdict & { skills: string[] }>; skillNames: Set<string> }> {
  const catalog = await createSkillCatalog({ roots: [skillsDir] });
  const skillNames = new Set(catalog.list().map((skill) => skill.name));
  const db = await createPgliteDatabase();
  await migrate(db);
  const store = createStore(db);
  const verdicts = new Map<string, Verdict & { skills: string[] }>();
  try {
    for (const { scenario } of scenarios) {
      const result = await runScenario(scenario, { store, catalog: skillCatalogPort(catalog) });
      const answer = result.answerId ? await store.investigations.get(result.answerId) : undefined;
      const skills = ((answer?.answer as { skills?: string[] } | undefined)?.skills ?? []).slice();
      verdicts.set(scenario.name, { ...result.verdict, skills });
      onProgress?.(
        `${label} ${scenario.name}: ` +
          `${result.verdict.isPassed ? 'PASS' : `FAIL (${result.error ?? result.verdict.reason})`}`,
      );
    }
  } finally {
    await catalog.close();
    await store.close();
  }
  return { verdicts, skillNames };
}

/**
 * `sre-bot skills ci`: the spec and house lint with the security scan over the skills, then every
 * scenario (bundled and regression) against the skills, and with `changedSince` also against the
 * skills at that revision, for an A/B report. Fails (exit 1) on a lint error, a scenario that
 * passed before and fails now, or a regression scenario that fails.
 */
export async function runSkillsCi(options: SkillsCiOptions): Promise<SkillsCiReport> {
  const lint = lintPaths([options.skillsDir], options.cwd, options.lint ?? {});
  const scenarios = await loadScenarios(options.scenarioDirs);
  const base = options.changedSince ? await baseSkills(options.skillsDir, options.changedSince) : undefined;
  try {
    const { verdicts: head, skillNames } = await runAll(options.skillsDir, scenarios, 'B', options.onProgress);
    const before = base ? (await runAll(base.dir, scenarios, 'A', options.onProgress)).verdicts : undefined;
    const changed = new Set(base?.changed ?? []);
    const cases: ScenarioCase[] = scenarios.map(({ scenario, file, isRegression }) => {
      const after = head.get(scenario.name) as Verdict & { skills: string[] };
      const was = before?.get(scenario.name);
      const change = !was || was.isPassed === after.isPassed ? 'same' : after.isPassed ? 'better' : 'worse';
      const involved = [scenario.expect.skill, ...after.skills, ...(was?.skills ?? [])].some((skill) =>
        changed.has(skill),
      );
      return {
        scenario: scenario.name,
        file: relative(options.cwd, file),
        isRegression,
        involvesChanged: involved,
        head: after,
        ...(was ? { base: was } : {}),
        change,
      };
    });
    const failures = [
      ...scenarios
        .filter(({ scenario }) => !skillNames.has(scenario.expect.skill))
        .map(({ scenario }) => `${scenario.name} expects skill ${scenario.expect.skill}, which the skills do not have`),
      ...(lint.errors > 0 ? [`${lint.errors} lint error${lint.errors === 1 ? '' : 's'}`] : []),
      ...cases
        .filter((item) => item.change === 'worse')
        .map((item) => `${item.scenario} got worse: ${item.head.reason}`),
      ...cases
        .filter((item) => item.isRegression && !item.head.isPassed && item.change !== 'worse')
        .map((item) => `regression scenario ${item.scenario} fails: ${item.head.reason}`),
    ];
    return { lint, changedSkills: [...changed].sort(), cases, failures, exitCode: failures.length > 0 ? 1 : 0 };
  } finally {
    if (base) await rm(base.dir, { recursive: true, force: true });
  }
}

/** The A/B report as text: one row per scenario, the changed ones marked, the failures, the closing count. */
export function renderSkillsCiReport(report: SkillsCiReport): string {
  const rows = report.cases.map((item) => {
    const a = item.base ? (item.base.isPassed ? 'pass' : 'FAIL') : '-';
    const b = item.head.isPassed ? 'pass' : 'FAIL';
    return (
      `${item.involvesChanged ? '*' : ' '} ${item.scenario.padEnd(44)} ` +
      `${(item.isRegression ? 'regression' : 'scenario').padEnd(10)} A ${a.padEnd(4)} B ${b.padEnd(4)} ` +
      `${item.change}`
    );
  });
  const better = report.cases.filter((item) => item.change === 'better').length;
  const worse = report.cases.filter((item) => item.change === 'worse').length;
  const passed = report.cases.filter((item) => item.head.isPassed).length;
  return [
    `lint: ${report.lint.skills} skills, ${report.lint.errors} errors, ${report.lint.warnings} warnings`,
    `changed skills: ${report.changedSkills.join(', ') || '(none, or no --changed-since)'}`,
    ...rows,
    `A/B: ${better} better, ${worse} worse (* = involves a changed skill)`,
    ...report.failures.map((failure) => `FAIL: ${failure}`),
    '',
    `${passed} passed, ${report.cases.length - passed} failed`,
  ].join('\n');
}
