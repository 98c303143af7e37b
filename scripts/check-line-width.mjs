#!/usr/bin/env node
/**
 * Reports source lines wider than the limit (120) that Prettier leaves wide: long string literals,
 * comments, URLs. Each *.ts, *.js, *.cjs and *.mjs file not in .prettierignore is formatted in
 * memory with the project's Prettier config and the result is measured, so the answer is the same
 * before and after the tree is formatted (line numbers are those of the formatted text).
 *
 * A line is exempt when one token that cannot be broken — a regular-expression literal or a URL —
 * is what makes it too wide (the line fits without it), as ESLint's max-len ignoreRegExpLiterals and
 * ignoreUrls do.
 *
 * Usage: node scripts/check-line-width.mjs [--max=120] [--quiet] [folder...]
 * Exit code 0 when no line is too wide, 1 otherwise.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import process from 'node:process';
import * as prettier from 'prettier';
import ts from 'typescript';

const CODE_FILE = /\.(ts|js|cjs|mjs)$/;
const NEVER_WALKED = new Set(['node_modules', 'dist', 'coverage', '.sre-bot', 'bench-results', '.git']);

/** Every code file under `folder`, skipping build output and dependencies. */
async function listCodeFiles(folder) {
  const files = [];
  for (const entry of await readdir(folder, { withFileTypes: true })) {
    if (NEVER_WALKED.has(entry.name)) continue;
    const path = join(folder, entry.name);
    if (entry.isDirectory()) files.push(...(await listCodeFiles(path)));
    else if (entry.isFile() && CODE_FILE.test(entry.name)) files.push(path);
  }
  return files;
}

const URL = /\bhttps?:\/\/\S+/g;

/** Regular-expression literals of a source text, as their source text. */
function regexLiterals(text, file) {
  const kind = file.endsWith('.ts') ? ts.ScriptKind.TS : ts.ScriptKind.JS;
  const sourceFile = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, kind);
  const found = [];
  const visit = (node) => {
    if (node.kind === ts.SyntaxKind.RegularExpressionLiteral) found.push(node.getText(sourceFile));
    ts.forEachChild(node, visit);
  };
  visit(sourceFile);
  return found;
}

/** True when the line would fit without its longest regex literal or URL. */
function isExempt(line, max, regexes) {
  const tokens = [...regexes.filter((regex) => line.includes(regex)), ...(line.match(URL) ?? [])];
  const longest = Math.max(0, ...tokens.map((token) => [...token].length));
  return [...line].length - longest <= max;
}

/** Lines of `text` wider than `max` code points, as { line, width, text } (1-based line numbers). */
function wideLines(text, max, file) {
  const wide = text
    .split('\n')
    .map((line, index) => ({ line: index + 1, width: [...line].length, text: line }))
    .filter((entry) => entry.width > max);
  if (wide.length === 0) return wide;
  const regexes = regexLiterals(text, file);
  return wide.filter((entry) => !isExempt(entry.text, max, regexes));
}

/** Parses argv into the width limit, quietness and the folders to walk (default: the current one). */
function parseArguments(argv) {
  const options = { max: 120, isQuiet: false, folders: [] };
  for (const argument of argv) {
    if (argument.startsWith('--max=')) options.max = Number(argument.slice('--max='.length));
    else if (argument === '--quiet') options.isQuiet = true;
    else options.folders.push(argument);
  }
  if (!Number.isInteger(options.max) || options.max <= 0) throw new Error(`--max must be a positive integer`);
  if (options.folders.length === 0) options.folders.push('.');
  return options;
}

async function main() {
  const options = parseArguments(process.argv.slice(2));
  const root = process.cwd();
  const ignorePath = join(root, '.prettierignore');
  let total = 0;
  let fileCount = 0;
  for (const folder of options.folders) {
    for (const file of await listCodeFiles(resolve(root, folder))) {
      const info = await prettier.getFileInfo(file, { ignorePath });
      if (info.ignored || info.inferredParser === null) continue;
      const source = await readFile(file, 'utf8');
      const config = (await prettier.resolveConfig(file)) ?? {};
      const formatted = await prettier.format(source, { ...config, filepath: file });
      const wide = wideLines(formatted, options.max, file);
      if (wide.length === 0) continue;
      fileCount += 1;
      total += wide.length;
      if (options.isQuiet) continue;
      const name = relative(root, file);
      for (const entry of wide) {
        process.stdout.write(`${name}:${entry.line} (${entry.width}) ${entry.text.trim().slice(0, 80)}\n`);
      }
    }
  }
  process.stdout.write(`${total} line(s) wider than ${options.max} in ${fileCount} file(s) after formatting\n`);
  process.exitCode = total === 0 ? 0 : 1;
}

main().catch((error) => {
  process.stderr.write(`check-line-width: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 2;
});
