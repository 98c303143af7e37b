import { execFile } from 'node:child_process';
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { skillsCiCommand } from '../../bot/cli/commands/skills-ci.js';
import { skillFixture } from '../../bot/skills/test-skill-fixture.js';
import { repositoryRoot } from '../support/pipeline.js';
import { gitIn } from '../support/skills-repository.js';

const execFileAsync = promisify(execFile);
const folder = join(repositoryRoot, 'deploy', 'skills-repository');

/** Every `--flag` in the `sre-bot skills ci` commands of a CI file. */
function ciFlags(text: string): string[] {
  const commands = text.split('sre-bot skills ci').slice(1);
  return commands.flatMap((command) => (command.split(/\n\s*(?:-|\w+:)\s/)[0] ?? '').match(/--[a-z-]+/g) ?? []);
}

describe('ready-made CI for a skills repository', () => {
  it.each(['.github/workflows/skills-ci.yml', '.gitlab-ci.yml'])(
    '%s is valid YAML and runs skills ci with flags the command accepts, writing JUnit and SARIF',
    async (file) => {
      const text = await readFile(join(folder, file), 'utf8');
      expect(() => parse(text) as unknown).not.toThrow();
      const flags = ciFlags(text);
      expect(flags).toEqual(expect.arrayContaining(['--changed-since', '--junit', '--sarif']));
      for (const flag of flags) expect(skillsCiCommand.usage).toContain(flag);
    },
  );

  describe('pre-commit hook', () => {
    let work: string;
    beforeAll(async () => {
      work = await mkdtemp(join(tmpdir(), 'skills-hook-'));
      await gitIn(work, ['init', '-q', '-b', 'main']);
    });
    afterAll(async () => {
      await rm(work, { recursive: true, force: true });
    });

    const hook = () =>
      execFileAsync('sh', [join(folder, 'pre-commit')], {
        cwd: work,
        env: { PATH: process.env.PATH, SRE_BOT: `node ${join(repositoryRoot, 'bin', 'sre-bot.js')}` },
      }).then(
        (out) => ({ code: 0, output: out.stdout + out.stderr }),
        (error: { code: number; stdout: string; stderr: string }) => ({
          code: error.code,
          output: error.stdout + error.stderr,
        }),
      );

    it('passes a clean staged skill and blocks a staged skill that fails lint', async () => {
      await mkdir(join(work, 'skills', 'demo-skill'), { recursive: true });
      await writeFile(join(work, 'skills', 'demo-skill', 'SKILL.md'), skillFixture());
      await gitIn(work, ['add', '.']);
      expect(await hook()).toMatchObject({ code: 0 });
      await writeFile(
        join(work, 'skills', 'demo-skill', 'SKILL.md'),
        skillFixture({ fix: 'Run kubectl edit deploy/x in prod.' }),
      );
      await gitIn(work, ['add', '.']);
      const blocked = await hook();
      expect(blocked.code).toBe(1);
      expect(blocked.output).toContain('fix-kubectl-write');
    }, 60_000);
  });
});
