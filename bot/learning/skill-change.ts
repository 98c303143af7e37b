import { lintSkillText } from '../skills/lint/lint-skill.js';
import type { LintIssue, LintOptions } from '../skills/lint/lint-types.js';
import { SKILL_FILE } from '../skills/skill-spec.js';
import { clauseFor, similarity, supportingLine, type EvidenceLine } from './correction-signals.js';
import { addSignalClauses, appendToSection, sectionText } from './skill-edit.js';
import { scaffoldSkillFromEvidence } from './skill-scaffold.js';

/** What one correction says, with what the bot had said and seen. */
export interface CorrectionFacts {
  id: string;
  /** `YYYY-MM-DD`, the day the correction was made. */
  date: string;
  correctRootCause: string;
  details?: string;
  correctFix?: string;
  /** The skill the person says should have answered (may not exist yet). */
  targetSkill?: string;
  /** What the bot answered. */
  wrongRootCause?: string;
  /** The skill the bot used (first of the answer's skills), if any. */
  wrongSkill?: string;
  evidence: readonly EvidenceLine[];
}

/** One file of the change, before and after. */
export interface SkillFileChange {
  path: string;
  skill: string;
  /** Undefined for a new file. */
  before?: string;
  after: string;
}

/** What the correction loop proposes for one skill; shown to the author, then opened as a PR. */
export interface SkillChangeProposal {
  skill: string;
  isNewSkill: boolean;
  /** One line per change, for the confirm message and the PR body. */
  summary: string[];
  files: SkillFileChange[];
  /** The correction ids the change carries (similar corrections fold into one entry). */
  correctionIds: string[];
  /** The signal clause added for the corrected cause, if the evidence gave one. */
  signal?: string;
}

/** Where skills live in the skills repository, and what lint knows. */
export interface SkillLibraryView {
  /** Path of the skills folder in the repository (`skills`). */
  directory: string;
  read(name: string): string | undefined;
  lintOptions?: LintOptions;
}

const SIMILAR = 0.5;

function clip(text: string, limit: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= limit ? flat : `${flat.slice(0, limit - 1)}…`;
}

/** Similar corrections (same skill, alike root causes) become one entry: the first wording, counted. */
export function foldSimilar(corrections: readonly CorrectionFacts[]): CorrectionFacts[][] {
  const groups: CorrectionFacts[][] = [];
  for (const correction of corrections) {
    const group = groups.find((candidate) =>
      candidate.some((other) => similarity(other.correctRootCause, correction.correctRootCause) >= SIMILAR),
    );
    if (group) group.push(correction);
    else groups.push([correction]);
  }
  return groups;
}

/** The dated `## Corrections` entry of a group of similar corrections. */
export function correctionEntry(group: readonly CorrectionFacts[]): string {
  const first = group[0];
  if (!first) return '';
  const date = group.map((correction) => correction.date).sort()[0] ?? first.date;
  const said = first.wrongRootCause ? `sre-bot said "${clip(first.wrongRootCause, 160)}"; ` : '';
  const reports = group.length > 1 ? ` (reported ${group.length} times)` : '';
  const details = first.details ? ` ${clip(first.details, 240)}` : '';
  return `- ${date}: ${said}it was: ${clip(first.correctRootCause, 300)}.${details}${reports}`.replace(/\.\./g, '.');
}

function errorsOf(issues: readonly LintIssue[]): LintIssue[] {
  return issues.filter((issue) => issue.severity === 'error');
}

function lint(library: SkillLibraryView, skill: string, text: string): LintIssue[] {
  return errorsOf(
    lintSkillText(
      { path: `${library.directory}/${skill}/${SKILL_FILE}`, folderName: skill, text },
      library.lintOptions ?? {},
    ),
  );
}

const REPORTED = /\s*\(reported (\d+) times\)\s*$/;

/**
 * Adds one entry per group to `## Corrections`, except where the skill already has an entry
 * alike (an earlier merged correction of the same mistake): that entry's count goes up instead,
 * so the same lesson is never stacked twice.
 */
function foldIntoCorrections(text: string, groups: readonly CorrectionFacts[][], summary: string[]): string {
  const existing = (sectionText(text, 'Corrections') ?? '')
    .split('\n')
    .filter((line) => /^- \d{4}-\d{2}-\d{2}: /.test(line));
  let result = text;
  const fresh: string[] = [];
  for (const group of groups) {
    const cause = group[0]?.correctRootCause ?? '';
    const match = existing.find((line) => similarity(line.split('it was: ')[1] ?? line, cause) >= SIMILAR);
    if (match) {
      const count = Number(REPORTED.exec(match)?.[1] ?? '1') + group.length;
      const updated = `${match.replace(REPORTED, '')} (reported ${count} times)`;
      result = result.replace(match, updated);
      summary.push(`existing \`## Corrections\` entry of the same mistake now counts ${count} reports`);
    } else {
      fresh.push(correctionEntry(group));
      summary.push(
        `dated entry in \`## Corrections\`${group.length > 1 ? ` for ${group.length} similar corrections` : ''}`,
      );
    }
  }
  return fresh.length > 0 ? appendToSection(result, 'Corrections', fresh) : result;
}

/** A fix case for `## Fix` when the person said what the fix is and the evidence singles it out. */
function withFixCase(text: string, facts: CorrectionFacts, clause: string): string {
  const title = clip(facts.correctRootCause.split(/[.;]/)[0] ?? facts.correctRootCause, 70).replace(/\*/g, '');
  const when = clause.replace(/\s*\^\d+(?:\.\d+)?$/, '');
  return appendToSection(text, 'Fix', [`- **${title}** \`when: ${when}\`: ${clip(facts.correctFix ?? '', 400)}`]);
}

/** The signal clause one correction's evidence gives for its corrected cause, if any. */
function clauseOf(facts: CorrectionFacts): string | undefined {
  const said = `${facts.correctRootCause} ${facts.details ?? ''}`;
  const line = supportingLine(facts.evidence, said);
  return line ? clauseFor(line, said) : undefined;
}

/** A counter-signal: the clause negated, without its weight. */
function counterOf(clause: string): string {
  return `!${clause.replace(/\s*\^\d+(?:\.\d+)?$/, '')}`;
}

/**
 * The change for one skill from its corrections (all naming that skill): one dated entry per
 * group of similar corrections; where a group's cause changed, the signal that singles it out (and
 * a counter-signal on the skill the bot wrongly used), a fix case when the person gave the fix, or
 * a new skill scaffolded from the evidence when the skill does not exist. Each group (the first
 * correction of it) contributes its own signal, so corrections of different mistakes to one skill
 * travel in one change. Every edited file is linted; an optional edit that would not pass lint is
 * left out (the entry alone always passes). Throws when even the entry cannot be made valid (a
 * broken skill file).
 */
export function proposeSkillChange(
  corrections: readonly CorrectionFacts[],
  library: SkillLibraryView,
): SkillChangeProposal {
  const first = corrections[0];
  if (!first) throw new Error('proposeSkillChange needs at least one correction');
  const skill = first.targetSkill ?? first.wrongSkill;
  if (!skill) throw new Error('a correction without a skill needs a name for the new skill');
  const groups = foldSimilar(corrections);
  const leads = groups.map((group) => ({ facts: group[0] ?? first, clause: clauseOf(group[0] ?? first) }));
  const entries = groups.map(correctionEntry);
  const summary: string[] = [];
  const files: SkillFileChange[] = [];
  const clause = leads[0]?.clause;
  const before = library.read(skill);
  const path = `${library.directory}/${skill}/${SKILL_FILE}`;
  const withSignal = (text: string, signal: string): string => {
    const signalled = addSignalClauses(text, [signal]);
    if (signalled === text || lint(library, skill, signalled).length > 0) return text;
    summary.push(`signal \`${signal}\` added to \`metadata.signals\``);
    return signalled;
  };

  if (before === undefined) {
    let after = scaffoldSkillFromEvidence({ name: skill, facts: first, clause, entries });
    const issues = lint(library, skill, after);
    if (issues.length > 0) {
      throw new Error(`the scaffolded skill ${skill} does not pass lint: ${issues.map((i) => i.rule).join(', ')}`);
    }
    summary.push(`new skill \`${skill}\` scaffolded from the evidence${clause ? ` (signal \`${clause}\`)` : ''}`);
    for (const lead of leads.slice(1)) if (lead.clause) after = withSignal(after, lead.clause);
    files.push({ path, skill, after });
  } else {
    let after = foldIntoCorrections(before, groups, summary);
    if (lint(library, skill, after).length > 0 && lint(library, skill, before).length === 0) {
      throw new Error(`the corrections entry would break lint of ${skill}`);
    }
    for (const { facts, clause: signal } of leads) {
      if (!signal) continue;
      const causeChanged = facts.wrongSkill !== undefined && facts.wrongSkill !== skill;
      if (causeChanged || facts.correctFix) after = withSignal(after, signal);
      if (!facts.correctFix) continue;
      const fixed = withFixCase(after, facts, signal);
      if (lint(library, skill, fixed).length === 0) {
        after = fixed;
        summary.push('fix case added to `## Fix`');
      } else summary.push('fix case left out: it would not pass lint with the existing `## Fix` list');
    }
    files.push({ path, skill, before, after });
  }

  // The look-alike the bot used learns the counter-signal, so the corrected skill wins next time.
  const counters = new Map<string, string[]>();
  for (const { facts, clause: signal } of leads) {
    const wrong = facts.wrongSkill;
    if (signal && wrong && wrong !== skill) counters.set(wrong, [...(counters.get(wrong) ?? []), counterOf(signal)]);
  }
  for (const [wrong, negated] of counters) {
    const wrongBefore = library.read(wrong);
    if (wrongBefore === undefined) continue;
    let wrongAfter = wrongBefore;
    for (const counter of new Set(negated)) {
      const next = addSignalClauses(wrongAfter, [counter]);
      if (next === wrongAfter || lint(library, wrong, next).length > 0) continue;
      wrongAfter = next;
      summary.push(`counter-signal \`${counter}\` added to \`${wrong}\``);
    }
    if (wrongAfter !== wrongBefore)
      files.push({
        path: `${library.directory}/${wrong}/${SKILL_FILE}`,
        skill: wrong,
        before: wrongBefore,
        after: wrongAfter,
      });
  }
  return {
    skill,
    isNewSkill: before === undefined,
    summary,
    files,
    correctionIds: corrections.map((correction) => correction.id),
    ...(clause ? { signal: clause } : {}),
  };
}
