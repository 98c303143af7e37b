import { parseBodyStructure } from '../markdown-sections.js';
import { parseSkillSource } from '../skill-source.js';
import { checkFixCases } from './fix-case-rules.js';
import { checkFixSection } from './fix-rules.js';
import { checkFrontmatter } from './frontmatter-rules.js';
import { IssueSink, type LintIssue, type LintOptions } from './lint-types.js';
import { checkLinks, checkSections } from './section-rules.js';
import { scanSecurity } from './security-rules.js';
import { checkInvestigateTools } from './tool-rules.js';

export interface LintSkillInput {
  /** Path used in reports (`skills/oomkilled/SKILL.md`). */
  path: string;
  /** The folder the file sits in; `name` must equal it. */
  folderName: string;
  /** The file's text. */
  text: string;
}

/** Orders issues by file, then line, then rule, so output is stable and diff-friendly. */
export function sortIssues(issues: LintIssue[]): LintIssue[] {
  return issues.sort(
    (left, right) =>
      left.path.localeCompare(right.path) || left.line - right.line || left.rule.localeCompare(right.rule),
  );
}

/** Lints one SKILL.md: spec rules, our sections, signals, tool names, the Fix rules and the security scan. */
export function lintSkillText(input: LintSkillInput, options: LintOptions = {}): LintIssue[] {
  const sink = new IssueSink(input.path);
  const source = parseSkillSource(input.text);
  const structure = parseBodyStructure(source.body, source.bodyStartLine);
  const context = { path: input.path, folderName: input.folderName, source, structure, options };
  checkFrontmatter(context, sink);
  checkSections(context, sink);
  checkLinks(context, sink);
  checkInvestigateTools(context, sink);
  checkFixSection(context, sink);
  checkFixCases(context, sink);
  scanSecurity(input.text, sink, options.urlAllowList);
  return sortIssues(sink.issues);
}

/** Lints a file under references/: only the security scan applies (it is still agent context). */
export function lintReferenceText(path: string, text: string, options: LintOptions = {}): LintIssue[] {
  const sink = new IssueSink(path);
  scanSecurity(text, sink, options.urlAllowList);
  return sortIssues(sink.issues);
}
