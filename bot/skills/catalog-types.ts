import type { EvidenceBundle } from './evidence.js';
import type { LintIssue } from './lint/lint-types.js';
import type { SkillSection } from './markdown-sections.js';
import type { PromptIndex } from './prompt-index.js';
import type { SkillCommit, SkillProvenance } from './provenance.js';
import type { SkillMatch } from './signal-matcher.js';

/** A skill as listed: what the prompt index and people see first. */
export interface SkillSummary {
  name: string;
  description: string;
  owner?: string;
  severity?: string;
  provenance: SkillProvenance;
}

/** A skill in full, as `load_skill` returns it. */
export interface Skill extends SkillSummary {
  license?: string;
  compatibility?: string;
  allowedTools: string[];
  metadata: Readonly<Record<string, string>>;
  /** The raw `metadata.signals` string. */
  signals: string;
  /** The markdown body (frontmatter removed). */
  body: string;
  /** `## ` sections, parsed from the markdown AST on first use. */
  sections: SkillSection[];
}

/** A full-text search result. */
export interface SkillSearchHit {
  name: string;
  description: string;
  score: number;
}

/** A skill file the catalog could not serve (its last good version, if any, is still served). */
export interface SkillCatalogError {
  name: string;
  path: string;
  root: string;
  issues: LintIssue[];
  /** sha256 of the version still served, when an earlier version was valid. */
  servedSha256?: string;
}

/** A change in what the catalog serves. */
export interface SkillUpdate {
  name: string;
  change: 'added' | 'updated' | 'removed';
  sha256?: string;
}

export interface IndexOptions {
  /** The question; ranks skills by full-text relevance. */
  query?: string;
  /** Evidence gathered so far; skills whose signals hit rank first. */
  evidence?: EvidenceBundle;
  /** How many skills a large catalog lists (default 40). */
  limit?: number;
}

export interface SkillCatalogEvents {
  'skill-update': SkillUpdate;
  'skill-error': SkillCatalogError;
}

/** What the agent and the CLI use; see createSkillCatalog. */
export interface SkillCatalog {
  /** Every served skill, sorted by name. */
  list(): SkillSummary[];
  /** The compact index for the prompt (everything when small, the most relevant when large). */
  index(options?: IndexOptions): PromptIndex;
  /** A skill in full, or undefined. */
  get(name: string): Skill | undefined;
  /** Files in the skill's references/ folder, as paths relative to the skill folder. */
  listReferences(name: string): Promise<string[]>;
  /** A file of the skill folder (e.g. `references/oom-sizing.md`); never outside it. */
  readReference(name: string, path: string): Promise<string>;
  /** Skills whose signals hit the evidence, best first, with the lines that hit. */
  match(evidence: EvidenceBundle, options?: { limit?: number }): SkillMatch[];
  /** BM25 search over name, description, signals and body. */
  search(query: string, options?: { limit?: number }): SkillSearchHit[];
  /** The last git commit touching the served file, when its root is a git work tree. */
  lastCommit(name: string): Promise<SkillCommit | undefined>;
  /** Files that failed validation, current state. */
  errors(): SkillCatalogError[];
  /** Subscribes to changes; returns the unsubscribe function. */
  on<E extends keyof SkillCatalogEvents>(event: E, listener: (payload: SkillCatalogEvents[E]) => void): () => void;
  /** Rescans every root now (also what the watcher does, per folder). */
  reload(): Promise<void>;
  /** Stops watching. */
  close(): Promise<void>;
}
