import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = resolve(import.meta.dirname, '..', '..');
const script = join(root, 'scripts', 'check-line-width.mjs');
const wrapper = join(root, 'scripts', 'wrap-wide-lines.mjs');

/**
 * scripts/check-line-width.mjs on tiny trees with the project's Prettier config: it reports the
 * wide lines Prettier cannot wrap and ignores the ones it can, and files Prettier ignores; and
 * scripts/wrap-wide-lines.mjs, whose output passes that check and means what its input meant.
 */
describe('line-width check', () => {
  let workDir: string;
  beforeAll(() => {
    workDir = mkdtempSync(join(tmpdir(), 'sre-bot-line-width-'));
  });
  afterAll(() => rmSync(workDir, { recursive: true, force: true }));

  function tree(files: Record<string, string>): string {
    const dir = mkdtempSync(join(workDir, 'case-'));
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
    cpSync(join(root, '.prettierrc.json'), join(dir, '.prettierrc.json'));
    return dir;
  }

  async function check(
    files: Record<string, string>,
    args: string[] = [],
    dir = tree(files),
  ): Promise<{ code: number; output: string }> {
    try {
      const { stdout } = await run(process.execPath, [script, ...args], { cwd: dir });
      return { code: 0, output: stdout };
    } catch (error) {
      const failed = error as { code?: number; stdout?: string; stderr?: string };
      return { code: failed.code ?? -1, output: `${failed.stdout ?? ''}${failed.stderr ?? ''}` };
    }
  }

  const argumentNames = Array.from({ length: 12 }, (_, index) => `argumentNumber${index}`);
  const wrappable = `export const total = add(${argumentNames.join(', ')});\n`;
  const longString = `export const message = '${'a sentence that goes on and on '.repeat(5)}';\n`;

  it('passes a tree whose only wide lines Prettier wraps', async () => {
    expect(wrappable.length).toBeGreaterThan(121);
    const result = await check({ 'src/sum.ts': wrappable });
    expect(result).toEqual({ code: 0, output: '0 line(s) wider than 120 in 0 file(s) after formatting\n' });
  });

  it('reports a long string literal with its file, line and width, and fails', async () => {
    const result = await check({ 'src/ok.ts': 'export const x = 1;\n', 'src/text.ts': `// note\n${longString}` });
    expect(result.code).toBe(1);
    // Prettier moves the literal onto its own line (two spaces, literal, semicolon): that line is measured.
    const literal = longString.slice(longString.indexOf("'"), longString.lastIndexOf("'") + 1);
    expect(result.output).toContain(`src/text.ts:3 (${literal.length + 3}) 'a sentence that goes on`);
    expect(result.output).toContain('1 line(s) wider than 120 in 1 file(s) after formatting');
  });

  it('skips files in .prettierignore and honours --max', async () => {
    const ignored = await check({ '.prettierignore': 'vendor/\n', 'vendor/text.js': longString });
    expect(ignored.code).toBe(0);
    const short = { 'src/short.js': "export const word = 'twenty-five characters';\n" };
    expect((await check(short)).code).toBe(0);
    expect(await check(short, ['--max=20', '--quiet'])).toEqual({
      code: 1,
      output: '1 line(s) wider than 20 in 1 file(s) after formatting\n',
    });
  });

  it('exempts a line made wide by one regular-expression literal or URL, and only then', async () => {
    const regex = `export const pattern = /${'(?:alpha|beta|gamma)'.repeat(6)}/;\n`;
    const url = `// see https://example.com/${'segment/'.repeat(16)}\n`;
    expect((await check({ 'src/regex.ts': regex, 'src/url.ts': `${url}export {};\n` })).code).toBe(0);
    const both = `export const pattern = /${'(?:alpha|beta)'.repeat(4)}/; // ${'words that could wrap '.repeat(6)}\n`;
    expect((await check({ 'src/both.ts': both })).code).toBe(1);
  });

  it('wraps long strings, templates and comments into lines that pass, with the same values', async () => {
    const source = [
      `// ${'a comment that keeps going '.repeat(6)}`,
      `export const message = '${'a sentence that goes on and on '.repeat(5)}';`,
      'const count = 3;',
      `export const template = \`${'count is ${count} and the words go on '.repeat(4)}\`;`,
      `export const joined = [1, 2].map((n) => \`item \${n} ${'then more words '.repeat(7)}\`).join('|'); // trailing`,
      `/** ${'a doc comment that is long '.repeat(5)} */`,
      'export const directive = 1;',
      '',
    ].join('\n');
    const dir = tree({ 'src/long.mjs': source });
    const before = (await import(join(dir, 'src', 'long.mjs'))) as Record<string, unknown>;
    mkdirSync(join(dir, 'out'));
    writeFileSync(join(dir, 'out', 'copy.mjs'), source);
    await run(process.execPath, [wrapper, 'out/copy.mjs'], { cwd: dir });
    expect(await check({}, ['out'], dir)).toEqual({
      code: 0,
      output: '0 line(s) wider than 120 in 0 file(s) after formatting\n',
    });
    const after = (await import(join(dir, 'out', 'copy.mjs'))) as Record<string, unknown>;
    expect(after).toEqual(before);
  });
});
