#!/usr/bin/env node
/**
 * Wraps what Prettier leaves wider than the limit (120): string and template literals are split
 * into concatenations at word boundaries, `//` and block-comment lines are rewrapped, and the file
 * is formatted again. Regular-expression literals and single words longer than a line (URLs) are
 * left as they are; `check-line-width.mjs` exempts those.
 *
 * Usage: node scripts/wrap-wide-lines.mjs [--max=120] file...
 * Prints one line per file it changed. Review the diff: a literal that had to stay a literal
 * (a type position, `as const`) is skipped, but a value checked against a literal union is not
 * known here, and typecheck will say so.
 */
import { readFile, writeFile } from 'node:fs/promises';
import process from 'node:process';
import * as prettier from 'prettier';
import ts from 'typescript';

const MAX_PASSES = 4;

/** 1-based numbers of the lines of `text` wider than `max` code points. */
function wideLineNumbers(text, max) {
  const numbers = new Set();
  text.split('\n').forEach((line, index) => {
    if ([...line].length > max) numbers.add(index + 1);
  });
  return numbers;
}

function scriptKindOf(fileName) {
  if (fileName.endsWith('.ts')) return ts.ScriptKind.TS;
  return ts.ScriptKind.JS;
}

/** True when a string literal must stay one literal token (types, keys, module names, `as const`). */
function mustStayLiteral(node) {
  const parent = node.parent;
  if (parent === undefined) return true;
  if (ts.isImportDeclaration(parent) || ts.isExportDeclaration(parent) || ts.isExternalModuleReference(parent)) {
    return true;
  }
  if (ts.isTaggedTemplateExpression(parent)) return true;
  if (ts.isPropertyAssignment(parent) && parent.name === node) return true;
  if ((ts.isPropertySignature(parent) || ts.isPropertyDeclaration(parent)) && parent.name === node) return true;
  if (ts.isMethodDeclaration(parent) && parent.name === node) return true;
  if (ts.isEnumMember(parent) && parent.name === node) return true;
  if (ts.isExpressionStatement(parent)) return true;
  if (ts.isCallExpression(parent) && parent.expression.kind === ts.SyntaxKind.ImportKeyword) return true;
  if (ts.isAsExpression(parent) && parent.type.getText() === 'const') return true;
  for (let current = parent; current !== undefined; current = current.parent) {
    if (ts.isTypeNode(current) && !ts.isExpressionWithTypeArguments(current)) return true;
    if (ts.isStatement(current) || ts.isSourceFile(current)) break;
  }
  return false;
}

/** Absolute [start, end) ranges of a literal's text, outside its quotes and `${…}` parts. */
function literalSegments(node, sourceFile) {
  const start = node.getStart(sourceFile);
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return [[start + 1, node.end - 1]];
  const segments = [[start + 1, node.head.end - 2]];
  for (const span of node.templateSpans) {
    const literalStart = span.literal.getStart(sourceFile) + 1;
    const isTail = span.literal.kind === ts.SyntaxKind.TemplateTail;
    segments.push([literalStart, span.literal.end - (isTail ? 1 : 2)]);
  }
  return segments;
}

/**
 * Positions at which to cut a literal so that no piece runs past `width` characters since the
 * previous cut (or newline): just after a space or before a `${`, else after a comma or `&`, never
 * after a backslash, and only in the literal's own text.
 */
function cutPositions(text, segments, width, firstColumn) {
  const cuts = [];
  let column = firstColumn;
  let lastSpace = -1;
  let lastPunctuation = -1;
  let position = segments[0][0];
  const end = segments.at(-1)[1];
  const inSegment = (index) => segments.some(([from, to]) => index >= from && index < to);
  // Just before a `${…}` of this literal is as good a place as a space.
  const spanStarts = new Set(segments.slice(0, -1).map(([, to]) => to));
  for (; position < end; position += 1) {
    const char = text[position];
    if (char === '\n') {
      column = 0;
      lastSpace = -1;
      lastPunctuation = -1;
      continue;
    }
    column += 1;
    const isCuttable = inSegment(position) && text[position - 1] !== '\\' && position + 1 < end;
    if (isCuttable && char === ' ') lastSpace = position + 1;
    if (spanStarts.has(position) && position > segments[0][0]) lastSpace = position;
    if (isCuttable && (char === ',' || char === '&')) lastPunctuation = position + 1;
    const cut = lastSpace > 0 ? lastSpace : lastPunctuation;
    if (column > width && cut > 0) {
      cuts.push(cut);
      column = position - cut + 1;
      lastSpace = -1;
      lastPunctuation = -1;
    }
  }
  return cuts;
}

function lineAndColumn(sourceFile, position) {
  const { line, character } = sourceFile.getLineAndCharacterOfPosition(position);
  return { line: line + 1, column: character };
}

function indentOf(text, position) {
  const lineStart = text.lastIndexOf('\n', position - 1) + 1;
  return /^[ \t]*/.exec(text.slice(lineStart))[0].length;
}

/** Edits that split the literals running through wide lines into concatenations. */
function literalEdits(sourceFile, text, wide, max) {
  const edits = [];
  const visit = (node) => {
    const isLiteral =
      ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node) || ts.isTemplateExpression(node);
    if (!isLiteral) {
      ts.forEachChild(node, visit);
      return;
    }
    const start = node.getStart(sourceFile);
    const first = lineAndColumn(sourceFile, start);
    const last = lineAndColumn(sourceFile, node.end);
    let touchesWide = false;
    for (let line = first.line; line <= last.line; line += 1) if (wide.has(line)) touchesWide = true;
    if (!touchesWide || mustStayLiteral(node)) return;
    const width = Math.max(40, max - indentOf(text, start) - 10);
    const segments = literalSegments(node, sourceFile);
    let cuts = cutPositions(text, segments, width, 0);
    // A literal that fits but ends a line that does not is cut in two.
    if (cuts.length === 0) cuts = cutPositions(text, segments, Math.ceil((node.end - start) / 2), 0).slice(0, 1);
    if (cuts.length === 0) return;
    const quote = text[start];
    const pieces = [];
    let from = start;
    for (const cut of cuts) {
      pieces.push(text.slice(from, cut) + quote);
      from = cut;
    }
    pieces.push(text.slice(from, node.end));
    edits.push({ start, end: node.end, replacement: `(${pieces.join(` +\n${quote}`)})` });
  };
  visit(sourceFile);
  return edits;
}

/** Every comment in the file, once, as [pos, end, kind]. */
function commentRanges(sourceFile, text) {
  const seen = new Map();
  const add = (ranges) => {
    for (const range of ranges ?? []) seen.set(range.pos, range);
  };
  const visit = (node) => {
    add(ts.getLeadingCommentRanges(text, node.pos));
    add(ts.getTrailingCommentRanges(text, node.end));
    ts.forEachChild(node, visit);
  };
  visit(sourceFile);
  add(ts.getLeadingCommentRanges(text, sourceFile.endOfFileToken.pos));
  return [...seen.values()];
}

/** Greedy word wrap of `words` into lines of at most `width`; a word longer than that stands alone. */
function wrapWords(words, width) {
  const lines = [];
  let current = '';
  for (const word of words) {
    if (current.length > 0 && current.length + 1 + word.length > width) {
      lines.push(current);
      current = word;
    } else current = current.length > 0 ? `${current} ${word}` : word;
  }
  if (current.length > 0) lines.push(current);
  return lines;
}

/** Edits that rewrap the wide lines of comments, keeping each line's comment prefix. */
function commentEdits(sourceFile, text, wide, max) {
  const edits = [];
  for (const range of commentRanges(sourceFile, text)) {
    const first = lineAndColumn(sourceFile, range.pos).line;
    const last = lineAndColumn(sourceFile, range.end).line;
    for (let line = first; line <= last; line += 1) {
      if (!wide.has(line)) continue;
      const lineStart = sourceFile.getPositionOfLineAndCharacter(line - 1, 0);
      const lineEnd = text.indexOf('\n', lineStart) === -1 ? text.length : text.indexOf('\n', lineStart);
      const from = Math.max(lineStart, range.pos);
      const to = Math.min(lineEnd, range.end);
      const edit = rewrapCommentLine(text, lineStart, from, to, range.kind, max);
      if (edit !== undefined) edits.push(edit);
    }
  }
  return edits;
}

function rewrapCommentLine(text, lineStart, from, to, kind, max) {
  const before = text.slice(lineStart, from);
  const isOwnLine = before.trim().length === 0;
  const indent = /^[ \t]*/.exec(text.slice(lineStart))[0];
  let body = text.slice(from, to);
  let prefix;
  let opening = '';
  let closing = '';
  if (kind === ts.SyntaxKind.SingleLineCommentTrivia) {
    prefix = `${indent}// `;
    body = body.replace(/^\/\/\s?/, '');
  } else {
    const lead = /^\s*(\/\*\*?|\*)?\s?/.exec(body)[0];
    if (lead.includes('/*')) opening = `${indent}${lead.trim()}\n`;
    body = body.slice(lead.length);
    if (body.endsWith('*/')) {
      body = body.slice(0, -2).trimEnd();
      closing = `\n${indent} */`;
    }
    prefix = `${indent} * `;
  }
  const words = body.split(/\s+/).filter((word) => word.length > 0);
  const lines = wrapWords(words, max - prefix.length);
  if (lines.length < 2 && isOwnLine && opening === '' && closing === '') return undefined;
  const wrapped = opening + lines.map((line) => `${prefix}${line}`).join('\n') + closing;
  if (isOwnLine) return { start: lineStart, end: to, replacement: wrapped };
  // A comment after code moves to the lines above that code.
  const lineEnd = text.indexOf('\n', to) === -1 ? text.length : text.indexOf('\n', to);
  const code = text.slice(lineStart, from).trimEnd();
  const rest = text.slice(to, lineEnd);
  if (rest.trim().length > 0) return undefined;
  // An eslint-disable-line directive keeps applying to the code line once it sits above it.
  if (words[0] === 'eslint-disable-line') words[0] = 'eslint-disable-next-line';
  const asLineComments = wrapWords(words, max - indent.length - 3).map((line) => `${indent}// ${line}`);
  if (kind !== ts.SyntaxKind.SingleLineCommentTrivia) return undefined;
  return { start: lineStart, end: lineEnd, replacement: `${asLineComments.join('\n')}\n${code}` };
}

function applyEdits(text, edits) {
  const sorted = [...edits].sort((a, b) => b.start - a.start);
  let result = text;
  let limit = Infinity;
  for (const edit of sorted) {
    if (edit.end > limit) continue;
    result = result.slice(0, edit.start) + edit.replacement + result.slice(edit.end);
    limit = edit.start;
  }
  return result;
}

async function format(text, file) {
  const config = (await prettier.resolveConfig(file)) ?? {};
  return prettier.format(text, { ...config, filepath: file });
}

async function wrapFile(file, max) {
  const original = await readFile(file, 'utf8');
  let text = await format(original, file);
  for (let pass = 0; pass < MAX_PASSES; pass += 1) {
    const wide = wideLineNumbers(text, max);
    if (wide.size === 0) break;
    const sourceFile = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, scriptKindOf(file));
    const edits = [...commentEdits(sourceFile, text, wide, max), ...literalEdits(sourceFile, text, wide, max)];
    if (edits.length === 0) break;
    text = await format(applyEdits(text, edits), file);
  }
  if (text !== original) {
    await writeFile(file, text);
    process.stdout.write(`wrapped ${file}\n`);
  }
}

async function main() {
  const args = process.argv.slice(2);
  const maxArgument = args.find((argument) => argument.startsWith('--max='));
  const max = maxArgument === undefined ? 120 : Number(maxArgument.slice('--max='.length));
  for (const file of args.filter((argument) => !argument.startsWith('--'))) await wrapFile(file, max);
}

main().catch((error) => {
  process.stderr.write(`wrap-wide-lines: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 2;
});
