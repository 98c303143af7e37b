import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { SkillBodyStructure } from './markdown-sections.js';
import { checkFrontmatter } from './lint/frontmatter-rules.js';
import { IssueSink, type LintIssue } from './lint/lint-types.js';
import { scanSecurity } from './lint/security-rules.js';
import { sha256 } from './provenance.js';
import { compileSignal, type CompiledSignal } from './signal-matcher.js';
import { parseSignals } from './signals.js';
import { METADATA_OWNER, METADATA_SEVERITY, METADATA_SIGNALS, REQUIRED_SECTIONS, SKILL_FILE } from './skill-spec.js';
import { skillFileProblem } from './skill-file-guard.js';
import { parseSkillSource, scanHeadings } from './skill-source.js';

/** A skill as the catalog holds it: validated frontmatter, compiled signals, raw body. */
export interface LoadedSkill {
  name: string;
  description: string;
  license?: string;
  compatibility?: string;
  allowedTools: string[];
  metadata: Readonly<Record<string, string>>;
  /** The raw `metadata.signals` string ('' when absent). */
  signalsText: string;
  signals: CompiledSignal[];
  owner?: string;
  severity?: string;
  body: string;
  bodyStartLine: number;
  /** Absolute folder of the skill. */
  folder: string;
  path: string;
  root: string;
  sha256: string;
  /** Non-blocking findings (warnings) from load-time validation. */
  warnings: LintIssue[];
}

/** Why a skill folder could not be served. */
export interface SkillLoadFailure {
  folder: string;
  path: string;
  root: string;
  issues: LintIssue[];
}

const EMPTY_STRUCTURE: SkillBodyStructure = { sections: [], links: [] };

/**
 * Validates a SKILL.md the way the catalog must before serving it: the spec's frontmatter
 * rules, the signal syntax, the presence of our sections (a fast heading scan, no AST) and the
 * security scan. Tool-name and Fix checks belong to `skills lint` in CI.
 */
export function validateForCatalog(
  path: string,
  folderName: string,
  text: string,
  urlAllowList?: readonly string[],
): { issues: LintIssue[]; source: ReturnType<typeof parseSkillSource> } {
  const sink = new IssueSink(path);
  const source = parseSkillSource(text);
  checkFrontmatter({ path, folderName, source, structure: EMPTY_STRUCTURE, options: {} }, sink);
  const titles = new Set(
    scanHeadings(source)
      .filter((heading) => heading.depth === 2)
      .map((heading) => heading.title.toLowerCase()),
  );
  for (const title of REQUIRED_SECTIONS) {
    if (!titles.has(title.toLowerCase()))
      sink.error(source.bodyStartLine, 'section-missing', `missing section \`## ${title}\``);
  }
  scanSecurity(text, sink, urlAllowList);
  return { issues: sink.issues, source };
}

/** Reads and validates one skill folder. */
export async function loadSkillFolder(
  folder: string,
  root: string,
  urlAllowList?: readonly string[],
): Promise<{ skill: LoadedSkill } | { failure: SkillLoadFailure }> {
  const path = join(folder, SKILL_FILE);
  const problem = skillFileProblem(path, root);
  if (problem)
    return {
      failure: { folder, path, root, issues: [{ path, line: 1, rule: 'file', severity: 'error', message: problem }] },
    };
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { failure: { folder, path, root, issues: [{ path, line: 1, rule: 'read', severity: 'error', message }] } };
  }
  const text = bytes.toString('utf8');
  const { issues, source } = validateForCatalog(path, basename(folder), text, urlAllowList);
  const errors = issues.filter((issue) => issue.severity === 'error');
  if (errors.length > 0 || !source.frontmatter) return { failure: { folder, path, root, issues: errors } };
  const data = source.frontmatter;
  const metadata = (data.metadata ?? {}) as Record<string, string>;
  const signalsText = metadata[METADATA_SIGNALS] ?? '';
  const skill: LoadedSkill = {
    name: String(data.name),
    description: String(data.description).trim(),
    allowedTools: typeof data['allowed-tools'] === 'string' ? data['allowed-tools'].split(/\s+/).filter(Boolean) : [],
    metadata,
    signalsText,
    signals: parseSignals(signalsText).signals.map(compileSignal),
    body: source.body,
    bodyStartLine: source.bodyStartLine,
    folder,
    path,
    root,
    sha256: sha256(bytes),
    warnings: issues.filter((issue) => issue.severity === 'warning'),
  };
  if (typeof data.license === 'string') skill.license = data.license;
  if (typeof data.compatibility === 'string') skill.compatibility = data.compatibility;
  if (metadata[METADATA_OWNER] !== undefined) skill.owner = metadata[METADATA_OWNER];
  if (metadata[METADATA_SEVERITY] !== undefined) skill.severity = metadata[METADATA_SEVERITY];
  return { skill };
}
