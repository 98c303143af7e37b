import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { listMcpToolNames } from '../../../mcp-servers/tool-names.js';
import { toJunit, toSarif } from '../../../evaluators/skills-ci/ci-formats.js';
import { renderSkillsCiReport, runSkillsCi } from '../../../evaluators/skills-ci/run-skills-ci.js';
import { loadSkillsConfig } from '../../skills/config.js';
import { parseFlags, writeLine, type Command } from '../command.js';
import { scenariosDirectory } from '../scenario-flags.js';

const usage = 'skills ci [--changed-since REF] [--dir DIR] [--scenarios DIR]... [--junit FILE] [--sarif FILE] [--json]';

async function writeOutput(cwd: string, file: string | undefined, text: string): Promise<void> {
  if (!file) return;
  const path = resolve(cwd, file);
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, text, 'utf8');
}

/**
 * `sre-bot skills ci`: lint (spec, house rules, security scan) and every scenario against the
 * skills, A/B against `--changed-since REF`; JUnit and SARIF files for CI; exit 1 on a regression.
 */
export const skillsCiCommand: Command = {
  name: 'ci',
  summary:
    'CI for a skills change: lint and security scan, scenarios and regression scenarios, A/B against a revision.',
  usage,
  run: async (argv, io) => {
    const { values } = parseFlags(
      argv,
      {
        'changed-since': { type: 'string' },
        dir: { type: 'string' },
        scenarios: { type: 'string', multiple: true },
        junit: { type: 'string' },
        sarif: { type: 'string' },
        json: { type: 'boolean' },
      },
      usage,
    );
    const config = loadSkillsConfig(io.env, io.cwd);
    const skillsDir = resolve(io.cwd, values.dir ?? 'skills');
    const scenarioDirs = (values.scenarios ?? [scenariosDirectory(), join(scenariosDirectory(), 'regressions')]).map(
      (dir) => resolve(io.cwd, dir),
    );
    const report = await runSkillsCi({
      skillsDir,
      scenarioDirs,
      cwd: io.cwd,
      lint: { knownTools: new Set(listMcpToolNames()), urlAllowList: config.urlAllowList },
      ...(values['changed-since'] ? { changedSince: values['changed-since'] } : {}),
      onProgress: (line) => writeLine(io.stderr, line),
    });
    await writeOutput(io.cwd, values.junit, toJunit(report));
    await writeOutput(io.cwd, values.sarif, toSarif(report));
    writeLine(io.stdout, values.json ? JSON.stringify(report) : renderSkillsCiReport(report));
    return report.exitCode;
  },
};
