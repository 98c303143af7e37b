import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { proposeSkillChange } from '../../bot/learning/skill-change.js';
import { listMcpToolNames } from '../../mcp-servers/tool-names.js';
import { toJunit, toSarif } from '../../evaluators/skills-ci/ci-formats.js';
import { renderSkillsCiReport, runSkillsCi } from '../../evaluators/skills-ci/run-skills-ci.js';
import {
  bundledScenarioFiles,
  bundledSkills,
  createSkillsRepository,
  gitIn,
  runSkillsCiIn,
} from '../support/skills-repository.js';

const lint = { knownTools: new Set(listMcpToolNames()) };

/**
 * `skills ci` on a skills repository (a real git work tree): a correction whose counter-signal
 * would take OOMKilled away from `oomkilled` makes the bundled oomkilled scenario worse, and CI
 * fails naming it, in the report, the JUnit file and the SARIF file.
 */
describe('skills ci', () => {
  let dir: string;
  let work: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'skills-ci-'));
    const repository = await createSkillsRepository(dir, {
      ...bundledSkills(),
      ...bundledScenarioFiles(['oomkilled']),
    });
    work = await repository.clone('work');
    const read = (name: string) => bundledSkills()[`skills/${name}/SKILL.md`];
    const change = proposeSkillChange(
      [
        {
          id: 'c-weaken',
          date: '2026-12-04',
          correctRootCause: 'OOMKilled was a red herring here: the liveness probe of the container killed it',
          targetSkill: 'probe-failures',
          wrongSkill: 'oomkilled',
          evidence: [
            {
              text: 'Last State: Terminated, Reason: OOMKilled, Exit Code: 137',
              source: 'k8s',
              kind: 'container_state',
            },
          ],
        },
      ],
      { directory: 'skills', read, lintOptions: lint },
    );
    expect(change.summary.join('\n')).toContain('counter-signal');
    for (const file of change.files) await writeFile(join(work, file.path), file.after);
    await gitIn(work, ['commit', '-qam', 'skills: a correction that weakens oomkilled']);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('fails on a change that makes another scenario worse, naming it in the A/B report, JUnit and SARIF', async () => {
    const report = await runSkillsCiIn(work, 'HEAD~1');
    expect(report.lint.errors).toBe(0);
    expect(report.changedSkills).toEqual(['oomkilled', 'probe-failures']);
    expect(report.cases).toMatchObject([{ scenario: 'oomkilled', involvesChanged: true, change: 'worse' }]);
    expect(report.exitCode).toBe(1);
    expect(report.failures.join('\n')).toContain('oomkilled got worse');
    expect(renderSkillsCiReport(report)).toMatch(/A\/B: 0 better, 1 worse/);
    expect(toJunit(report)).toMatch(/<testcase classname="skills.scenarios" name="oomkilled \(worse\)"[^>]*><failure/);
    const sarif = JSON.parse(toSarif(report)) as {
      runs: Array<{ results: Array<{ ruleId: string; message: { text: string } }> }>;
    };
    expect(sarif.runs[0]?.results).toContainEqual(
      expect.objectContaining({ ruleId: 'scenario-worse', message: { text: expect.stringContaining('oomkilled') } }),
    );
  }, 400_000);

  it('passes once the change is reverted (the same scenarios, nothing worse)', async () => {
    await gitIn(work, ['revert', '--no-edit', 'HEAD']);
    const report = await runSkillsCi({
      skillsDir: join(work, 'skills'),
      scenarioDirs: [join(work, 'scenarios')],
      changedSince: 'HEAD~2',
      cwd: work,
      lint,
    });
    expect(report.failures).toEqual([]);
    expect(report.exitCode).toBe(0);
    expect(await readFile(join(work, 'skills', 'oomkilled', 'SKILL.md'), 'utf8')).not.toContain('!reason~"OOMKilled"');
  }, 400_000);
});
