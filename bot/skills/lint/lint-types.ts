import type { SkillBodyStructure } from '../markdown-sections.js';
import type { SkillSource } from '../skill-source.js';

export type LintSeverity = 'error' | 'warning';

/** One finding: rendered as `file:line: rule: message`. */
export interface LintIssue {
  path: string;
  line: number;
  rule: string;
  severity: LintSeverity;
  message: string;
}

/** What the linter needs to know beyond the file itself. */
export interface LintOptions {
  /**
   * Tool names the MCP servers offer. When given, `allowed-tools` and tool names written in
   * `## Investigate` must be in it; when absent those checks are skipped (the catalog at runtime).
   */
  knownTools?: ReadonlySet<string>;
  /** Hosts links may point at (`*.suffix` allowed); defaults to DEFAULT_URL_ALLOW_LIST. */
  urlAllowList?: readonly string[];
  /** Whether a file under the skill folder exists (for `references/...` links). */
  fileExists?: (relativePath: string) => boolean;
}

/** Everything a rule reads about one skill file. */
export interface LintContext {
  path: string;
  folderName: string;
  source: SkillSource;
  structure: SkillBodyStructure;
  options: LintOptions;
}

/** Collects issues for one file. */
export class IssueSink {
  readonly issues: LintIssue[] = [];
  constructor(private readonly path: string) {}

  error(line: number, rule: string, message: string): void {
    this.issues.push({ path: this.path, line, rule, severity: 'error', message });
  }

  warning(line: number, rule: string, message: string): void {
    this.issues.push({ path: this.path, line, rule, severity: 'warning', message });
  }
}
