import { isMap, isScalar, parseDocument, Scalar } from 'yaml';
import { BotError } from '../errors.js';

/**
 * Text edits of a SKILL.md that keep everything the author wrote: the frontmatter is edited as a
 * YAML document (comments and key order stay), the body by inserting lines into one section.
 */

interface SplitSkill {
  frontmatter: string;
  body: string;
}

function split(text: string): SplitSkill {
  const match = /^---\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/.exec(text);
  if (!match) throw new BotError('invalid_input', 'the skill file has no frontmatter block to edit');
  return { frontmatter: match[1] ?? '', body: text.slice(match[0].length) };
}

function join(parts: SplitSkill): string {
  return `---\n${parts.frontmatter.replace(/\n+$/, '')}\n---\n${parts.body}`;
}

/** The `metadata` values of a SKILL.md (strings only, as the spec says). */
export function readMetadata(text: string): Record<string, string> {
  const document = parseDocument(split(text).frontmatter);
  const metadata = document.get('metadata');
  const out: Record<string, string> = {};
  if (isMap(metadata)) {
    for (const pair of metadata.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
      const value = isScalar(pair.value) ? pair.value.value : pair.value;
      if (typeof value === 'string') out[key] = value;
    }
  }
  return out;
}

/**
 * Adds signal clauses to `metadata.signals` (one per line, a `|` block), skipping clauses already
 * there; returns the file unchanged when nothing is new.
 */
export function addSignalClauses(text: string, clauses: readonly string[]): string {
  const parts = split(text);
  const document = parseDocument(parts.frontmatter);
  const current = readMetadata(text)['signals'] ?? '';
  const existing = new Set(
    current
      .split(/[;\n]/)
      .map((clause) => clause.trim())
      .filter(Boolean),
  );
  const added = clauses.filter((clause) => !existing.has(clause.trim()));
  if (added.length === 0) return text;
  const lines = [...existing, ...added];
  const scalar = new Scalar(`${lines.join('\n')}\n`);
  scalar.type = Scalar.BLOCK_LITERAL;
  document.setIn(['metadata', 'signals'], scalar);
  return join({ frontmatter: document.toString({ lineWidth: 0 }), body: parts.body });
}

/** Line range of a `## title` section in a body: the heading line and the line after its end. */
export function sectionRange(body: string, title: string): { start: number; end: number } | undefined {
  const lines = body.split('\n');
  const start = lines.findIndex((line) => new RegExp(`^##\\s+${title}\\s*$`, 'i').test(line));
  if (start === -1) return undefined;
  let end = lines.length;
  for (let index = start + 1; index < lines.length; index += 1) {
    if (/^##\s+/.test(lines[index] ?? '')) {
      end = index;
      break;
    }
  }
  return { start, end };
}

/**
 * Appends markdown lines at the end of a `## title` section (after its last non-blank line), or
 * adds the section at the end of the body when it is missing.
 */
export function appendToSection(text: string, title: string, addition: readonly string[]): string {
  const parts = split(text);
  const lines = parts.body.split('\n');
  const range = sectionRange(parts.body, title);
  if (!range) {
    const trimmed = parts.body.replace(/\s+$/, '');
    return join({ frontmatter: parts.frontmatter, body: `${trimmed}\n\n## ${title}\n\n${addition.join('\n')}\n` });
  }
  let insertAt = range.end;
  while (insertAt > range.start + 1 && (lines[insertAt - 1] ?? '').trim() === '') insertAt -= 1;
  const before = lines.slice(0, insertAt);
  const after = lines.slice(insertAt);
  // A blank line between the heading (or prose) and a new list.
  const needsGap = insertAt === range.start + 1 || !/^\s*(?:[-*+]|\d+\.)\s/.test(before.at(-1) ?? '');
  const block = [...(needsGap ? [''] : []), ...addition];
  const rest = after.length > 0 && (after[0] ?? '').trim() !== '' ? ['', ...after] : after;
  const body = [...before, ...block, ...(rest.length === 0 ? [''] : rest)].join('\n');
  return join({ frontmatter: parts.frontmatter, body });
}

/** The markdown of one `## title` section without its heading, or undefined. */
export function sectionText(text: string, title: string): string | undefined {
  const parts = split(text);
  const range = sectionRange(parts.body, title);
  if (!range) return undefined;
  return parts.body
    .split('\n')
    .slice(range.start + 1, range.end)
    .join('\n')
    .trim();
}
