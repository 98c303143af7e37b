import matter from 'gray-matter';
import { parse as parseYaml, YAMLParseError } from 'yaml';

/** A SKILL.md split into frontmatter and body, with the line numbers reports need. */
export interface SkillSource {
  raw: string;
  /** Parsed frontmatter; undefined when missing or not valid YAML (see `frontmatterError`). */
  frontmatter: Record<string, unknown> | undefined;
  frontmatterError?: { line: number; message: string };
  body: string;
  /** 1-based line of the file where the body starts. */
  bodyStartLine: number;
  /** The frontmatter's own lines (between the `---` fences), to locate keys. */
  frontmatterLines: string[];
}

/** A heading found by the fast scan (no markdown AST): level-2 titles and their lines. */
export interface SectionHeading {
  title: string;
  depth: number;
  /** 1-based line in the file. */
  line: number;
}

// Strict YAML (duplicate keys are errors, no custom tags) instead of gray-matter's default parser.
const yamlEngine = {
  parse: (text: string): object => {
    const value: unknown = parseYaml(text, { uniqueKeys: true, strict: true });
    if (value === null || value === undefined) return {};
    if (typeof value !== 'object' || Array.isArray(value)) throw new Error('frontmatter must be a YAML mapping');
    return value;
  },
};

/** Splits a SKILL.md. Never throws: YAML problems come back as `frontmatterError`. */
export function parseSkillSource(raw: string): SkillSource {
  const text = raw.replace(/^\uFEFF/, '');
  if (!/^---\r?\n/.test(text)) {
    return {
      raw,
      frontmatter: undefined,
      frontmatterError: { line: 1, message: 'missing frontmatter: the file must start with a --- YAML block' },
      body: text,
      bodyStartLine: 1,
      frontmatterLines: [],
    };
  }
  const closing = /\r?\n---[ \t]*(?:\r?\n|$)/.exec(text.slice(3));
  if (!closing) {
    return {
      raw,
      frontmatter: undefined,
      frontmatterError: { line: 1, message: 'unterminated frontmatter: no closing --- line' },
      body: '',
      bodyStartLine: 1,
      frontmatterLines: text.split('\n').slice(1),
    };
  }
  const yamlText = text.slice(text.indexOf('\n') + 1, 3 + closing.index + 1);
  const frontmatterLines = yamlText.replace(/\r?\n$/, '').split(/\r?\n/);
  const bodyOffset = 3 + closing.index + closing[0].length;
  const body = text.slice(bodyOffset);
  const bodyStartLine = text.slice(0, bodyOffset).split('\n').length;
  try {
    // An options object also turns off gray-matter's by-content cache, so reloads re-parse.
    const parsed = matter(text, { engines: { yaml: yamlEngine } });
    return { raw, frontmatter: parsed.data as Record<string, unknown>, body, bodyStartLine, frontmatterLines };
  } catch (error) {
    const line = error instanceof YAMLParseError && error.linePos ? error.linePos[0].line + 1 : 2;
    const message = error instanceof Error ? (error.message.split('\n')[0] ?? error.message) : String(error);
    return {
      raw,
      frontmatter: undefined,
      frontmatterError: { line, message: `frontmatter is not valid YAML: ${message}` },
      body,
      bodyStartLine,
      frontmatterLines,
    };
  }
}

/** The file line of a top-level frontmatter key (or of a nested key under `metadata`), else 1. */
export function frontmatterKeyLine(source: SkillSource, key: string, nested = false): number {
  const pattern = nested ? new RegExp(`^\\s+["']?${key}["']?\\s*:`) : new RegExp(`^["']?${key}["']?\\s*:`);
  const index = source.frontmatterLines.findIndex((line) => pattern.test(line));
  return index === -1 ? 1 : index + 2;
}

/** Finds headings by scanning lines outside fenced code: cheap enough to run on every load. */
export function scanHeadings(source: SkillSource): SectionHeading[] {
  const headings: SectionHeading[] = [];
  let fence: string | undefined;
  const lines = source.body.split('\n');
  for (let index = 0; index < lines.length; index += 1) {
    const line = lines[index] ?? '';
    const fenceMatch = /^\s{0,3}(`{3,}|~{3,})/.exec(line);
    if (fenceMatch) {
      const marker = fenceMatch[1] ?? '';
      if (fence === undefined) fence = marker[0]?.repeat(marker.length);
      else if (marker.startsWith(fence)) fence = undefined;
      continue;
    }
    if (fence !== undefined) continue;
    const heading = /^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line);
    if (heading) {
      headings.push({ title: heading[2] ?? '', depth: heading[1]?.length ?? 1, line: source.bodyStartLine + index });
    }
  }
  return headings;
}
