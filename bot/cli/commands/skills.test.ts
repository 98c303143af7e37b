import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { skillFixture } from '../../skills/test-skill-fixture.js';
import type { CliIo } from '../command.js';
import { runCli } from '../run-cli.js';
import { skillsCommand } from './skills.js';

let cwd: string;

async function run(
  argv: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const chunks = { stdout: '', stderr: '' };
  stdout.on('data', (chunk: Buffer) => (chunks.stdout += chunk.toString()));
  stderr.on('data', (chunk: Buffer) => (chunks.stderr += chunk.toString()));
  const io: CliIo = { stdout, stderr, env, cwd, stopSignal: new Promise(() => undefined) };
  const code = await runCli(['skills', ...argv], [skillsCommand], io);
  return { code, ...chunks };
}

beforeAll(() => {
  cwd = mkdtempSync(join(tmpdir(), 'skills-cli-'));
  mkdirSync(join(cwd, 'skills', 'demo-skill'), { recursive: true });
  writeFileSync(
    join(cwd, 'skills', 'demo-skill', 'SKILL.md'),
    skillFixture({ description: 'Diagnose the demo fault. Use when the boom log appears.' }),
  );
});
afterAll(() => {
  rmSync(cwd, { recursive: true, force: true });
});

describe('sre-bot skills', () => {
  it('lint passes a clean library and fails a broken skill with file:line: rule: message', async () => {
    expect(await run(['lint'])).toMatchObject({ code: 0, stdout: '1 skill checked: 0 errors, 0 warnings\n' });
    mkdirSync(join(cwd, 'broken', 'Bad_Name'), { recursive: true });
    writeFileSync(
      join(cwd, 'broken', 'Bad_Name', 'SKILL.md'),
      skillFixture({ name: 'Bad_Name', investigate: '1. `get_pod_logz`.', fix: 'Run kubectl edit deploy/x in prod.' }),
    );
    const result = await run(['lint', 'broken']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('broken/Bad_Name/SKILL.md:2: name-format: ');
    expect(result.stderr).toMatch(/broken\/Bad_Name\/SKILL\.md:20: unknown-tool: .*get_pod_logz/);
    expect(result.stderr).toMatch(/broken\/Bad_Name\/SKILL\.md:\d+: fix-kubectl-write: /);
    const json = await run(['lint', 'broken', '--json']);
    const report = JSON.parse(json.stdout) as {
      errors: number;
      issues: Array<{ rule: string; line: number; path: string }>;
    };
    expect(json.code).toBe(1);
    expect(report.errors).toBeGreaterThanOrEqual(3);
    expect(report.issues.map((issue) => issue.rule)).toEqual(
      expect.arrayContaining(['name-format', 'unknown-tool', 'fix-kubectl-write']),
    );
  });

  it('new scaffolds a skill that passes lint, and refuses bad or taken names', async () => {
    const created = await run(['new', 'disk-pressure', '--owner', 'storage-team']);
    expect(created.code).toBe(0);
    const text = readFileSync(join(cwd, 'skills', 'disk-pressure', 'SKILL.md'), 'utf8');
    expect(text).toContain('name: disk-pressure');
    expect(text).toContain('owner: "storage-team"');
    expect(await run(['lint', 'skills/disk-pressure'])).toMatchObject({ code: 0 });
    expect(await run(['new', 'disk-pressure'])).toMatchObject({ code: 1 });
    expect(await run(['new', 'Disk_Pressure'])).toMatchObject({ code: 2 });
  });

  it('search ranks by relevance and show prints provenance and body', async () => {
    const search = await run(['search', 'boom', 'demo']);
    expect(search.code).toBe(0);
    expect(search.stdout.split('\n')[0]).toMatch(/^demo-skill\s+\d+\.\d+\s+Diagnose the demo fault/);
    expect(await run(['search', 'zzzzqqq'])).toMatchObject({ code: 1 });
    const show = await run(['show', 'demo-skill']);
    expect(show.code).toBe(0);
    expect(show.stdout).toContain('file:        skills/demo-skill/SKILL.md');
    expect(show.stdout).toMatch(/sha256: {6}[0-9a-f]{64}/);
    expect(show.stdout).toContain('## Investigate');
    const json = JSON.parse((await run(['show', 'demo-skill', '--json'])).stdout) as {
      name: string;
      lastCommit: unknown;
    };
    expect(json).toMatchObject({ name: 'demo-skill', lastCommit: null });
    const missing = await run(['show', 'demo']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('did you mean demo-skill');
  });
});
