import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSkillCatalog } from '../../bot/skills/catalog.js';
import { lintPaths } from '../../bot/skills/lint/lint-paths.js';
import { MAX_SKILL_FILE_BYTES } from '../../bot/skills/skill-file-guard.js';
import { skillFixture } from '../../bot/skills/test-skill-fixture.js';

let base: string;
let root: string;

beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), 'sre-bot-skill-guard-'));
  root = join(base, 'skills');
  const outside = join(base, 'outside');
  await mkdir(outside, { recursive: true });
  await writeFile(join(outside, 'SKILL.md'), skillFixture({ name: 'escaped-skill' }));
  for (const name of ['good-skill', 'escaped-skill', 'huge-skill']) await mkdir(join(root, name), { recursive: true });
  await writeFile(join(root, 'good-skill', 'SKILL.md'), skillFixture({ name: 'good-skill' }));
  // A SKILL.md that is a symlink to a file outside the skills root.
  await symlink(join(outside, 'SKILL.md'), join(root, 'escaped-skill', 'SKILL.md'));
  // A valid skill whose body is padded past the limit (the live catalog served a 5 MB body).
  const padding = `\n${'Filler line that repeats to grow the body. '.repeat(Math.ceil(MAX_SKILL_FILE_BYTES / 40))}\n`;
  await writeFile(join(root, 'huge-skill', 'SKILL.md'), skillFixture({ name: 'huge-skill', extraBody: padding }));
});

afterAll(async () => {
  await rm(base, { recursive: true, force: true });
});

/**
 * Issue 19: the catalog and `skills lint` refuse oversized bodies and files reached through symlinks out of the root.
 */
describe('skill files', () => {
  it('the catalog serves the good skill and refuses the symlinked and the oversized one, saying why', async () => {
    const catalog = await createSkillCatalog({ roots: [root] });
    try {
      expect(catalog.list().map((skill) => skill.name)).toEqual(['good-skill']);
      const messages = catalog
        .errors()
        .flatMap((error) => error.issues.map((issue) => issue.message))
        .join('\n');
      expect(messages).toMatch(/leads outside the skills root/);
      expect(messages).toMatch(/skill files may be at most 65536/);
    } finally {
      await catalog.close();
    }
  });

  it('skills lint reports both as errors', () => {
    const report = lintPaths([root], base);
    const errors = report.issues.filter((issue) => issue.severity === 'error' && issue.rule === 'file');
    expect(errors.map((issue) => issue.path).sort()).toEqual([
      join('skills', 'escaped-skill', 'SKILL.md'),
      join('skills', 'huge-skill', 'SKILL.md'),
    ]);
  });
});
