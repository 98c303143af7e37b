import type { Answer } from '../agent/answer.js';
import { BotError } from '../errors.js';
import type { LintOptions } from '../skills/lint/lint-types.js';
import type { Correction } from '../store/corrections-repository.js';
import type { Store } from '../store/store.js';
import { proposeSkillChange, type CorrectionFacts, type SkillFileChange } from './skill-change.js';
import { readMetadata } from './skill-edit.js';
import { codeOwnersOf, reviewersFor, skillPullRequestBody, type CorrectionCase } from './skill-pull-request.js';
import { skillNameFrom } from './skill-scaffold.js';
import { snapshotLogLines, type InvestigationSnapshot } from './snapshot.js';
import type { GitProvider } from '../git/git-provider.js';

/** Writes a regression scenario from a snapshot (the evaluators' generator, injected by the CLI). */
export type ScenarioWriter = (
  snapshot: InvestigationSnapshot,
  expected: { rootCause: string; skill: string },
  options: { name: string },
) => { name: string; yaml: string };

/** The skills repository the loop proposes changes to. */
export interface SkillsRepository {
  provider: GitProvider;
  repository: string;
  base: string;
  /** Folder of the skills in it (`skills`). */
  skillsDir: string;
  /** Folder of regression scenarios in it (`evaluators/scenarios/regressions`). */
  scenariosDir: string;
  labels: readonly string[];
}

/** The open pull request a correction joins instead of opening a second one for the same skill. */
export interface JoinedPullRequest {
  number: number;
  url: string;
  branch: string;
  /** The pull_requests row the corrections already on it point at. */
  recordId: string;
}

/** The change as shown for Remember / Discard and frozen into the correction when remembered. */
export interface CorrectionProposal {
  skill: string;
  isNewSkill: boolean;
  summary: string[];
  /** Every file of the change: the skill edits and one regression scenario per correction. */
  files: SkillFileChange[];
  /** The corrections the change carries, oldest first (the one being decided is last). */
  correctionIds: string[];
  /** The scenario written for the correction being decided. */
  scenarioPath?: string;
  scenarioProblem?: string;
  title: string;
  body: string;
  reviewers: string[];
  branch: string;
  /** Set when the correction joins an open pull request of the same skill. */
  joins?: Omit<JoinedPullRequest, 'recordId'>;
}

export interface ProposerDeps {
  store: Store;
  skills: SkillsRepository;
  writeScenario: ScenarioWriter;
  lintOptions?: LintOptions;
  threadLink?: (channel: string, thread: string) => string;
}

function day(date: Date): string {
  return date.toISOString().slice(0, 10);
}

function slug(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9-]/g, '-');
}

/** What one correction brings to a proposal: its facts, its case for the PR body, its snapshot. */
interface CorrectionInput {
  correction: Correction;
  facts: CorrectionFacts;
  answer?: Partial<Answer>;
  question: string;
  snapshot?: InvestigationSnapshot;
}

/**
 * Builds proposals against the skills repository's base branch: the skill change of a group of
 * corrections to one skill (similar ones fold into one entry), a regression scenario per
 * correction from its investigation's snapshot, reviewers, and the PR title and body.
 */
export function createProposer(deps: ProposerDeps) {
  const { provider, repository, base } = deps.skills;

  async function inputOf(correction: Correction): Promise<CorrectionInput> {
    const investigation = await deps.store.investigations.get(correction.investigationId);
    if (!investigation) throw new BotError('not_found', 'the investigation of this correction no longer exists');
    // The whole evidence: the answer's lines, then the logs the snapshot kept (the answer may have left them out).
    const snapshot = (await deps.store.snapshots.get(correction.investigationId)) as InvestigationSnapshot | undefined;
    const logs = snapshot
      ? snapshotLogLines(snapshot).map((text) => ({ text, source: 'snapshot', kind: 'log' as const }))
      : [];
    const answer = investigation.answer as Partial<Answer> | undefined;
    const wrongSkill = answer?.skills?.[0];
    const undetermined = answer?.rootCause?.startsWith('Undetermined') ?? false;
    const targetSkill =
      correction.skillName ??
      (correction.source === 'skill_request' || undetermined || !wrongSkill
        ? skillNameFrom(correction.correctRootCause)
        : undefined);
    return {
      correction,
      question: investigation.question,
      ...(answer ? { answer } : {}),
      ...(snapshot ? { snapshot } : {}),
      facts: {
        id: correction.id,
        date: day(correction.createdAt),
        correctRootCause: correction.correctRootCause,
        ...(correction.details ? { details: correction.details } : {}),
        ...(correction.correctFix ? { correctFix: correction.correctFix } : {}),
        ...(targetSkill ? { targetSkill } : {}),
        ...(answer?.rootCause && !undetermined ? { wrongRootCause: answer.rootCause } : {}),
        ...(wrongSkill && !undetermined ? { wrongSkill } : {}),
        evidence: [...(answer?.evidence ?? []), ...logs],
      },
    };
  }

  async function readSkillFiles(ref: string) {
    const cache = new Map<string, string | undefined>();
    const directory = deps.skills.skillsDir.replace(/\/+$/, '');
    const names = (await provider.listFiles(repository, ref, directory))
      .map((path) => path.slice(directory.length + 1).split('/'))
      .filter((parts) => parts.length === 2 && parts[1] === 'SKILL.md')
      .map((parts) => parts[0] ?? '');
    for (const name of names)
      cache.set(name, await provider.readFile(repository, `${directory}/${name}/SKILL.md`, ref));
    return cache;
  }

  /** The corrected skill a correction names (or would scaffold), without building the change. */
  async function targetSkillOf(correction: Correction): Promise<string | undefined> {
    const { facts } = await inputOf(correction);
    return facts.targetSkill ?? facts.wrongSkill;
  }

  /** The regression scenario of one correction, or why there is none. */
  function scenarioOf(input: CorrectionInput, skill: string): { file?: SkillFileChange; problem?: string } {
    if (!input.snapshot) return { problem: 'the investigation has no snapshot' };
    try {
      const name = slug(`regression-${skill}-${input.correction.id.slice(0, 8)}`);
      const scenario = deps.writeScenario(
        input.snapshot,
        { rootCause: input.correction.correctRootCause, skill },
        { name },
      );
      return { file: { path: `${deps.skills.scenariosDir}/${scenario.name}.yaml`, skill, after: scenario.yaml } };
    } catch (error) {
      return { problem: error instanceof Error ? error.message : String(error) };
    }
  }

  /**
   * The proposal for `corrections` (oldest first, all to one skill; the last is the one being
   * decided), as a new pull request or, with `joins`, as the next version of an open one.
   */
  async function propose(corrections: readonly Correction[], joins?: JoinedPullRequest): Promise<CorrectionProposal> {
    const inputs = await Promise.all(corrections.map(inputOf));
    const current = inputs.at(-1);
    if (!current) throw new Error('propose needs at least one correction');
    const ref = await provider.resolveRevision(repository, base);
    const skillFiles = await readSkillFiles(ref);
    // The skill the decided correction names wins; earlier corrections join it.
    const skill = current.facts.targetSkill ?? current.facts.wrongSkill;
    const change = proposeSkillChange(
      inputs.map((input) => ({ ...input.facts, ...(skill ? { targetSkill: skill } : {}) })),
      {
        directory: deps.skills.skillsDir,
        read: (name) => skillFiles.get(name),
        ...(deps.lintOptions ? { lintOptions: deps.lintOptions } : {}),
      },
    );
    const files = [...change.files];
    const cases: CorrectionCase[] = [];
    let own: { file?: SkillFileChange; problem?: string } = {};
    for (const input of inputs) {
      const scenario = scenarioOf(input, change.skill);
      if (input === current) own = scenario;
      if (scenario.file) files.push(scenario.file);
      const { correction, answer } = input;
      const threadUrl =
        correction.channel && correction.thread && deps.threadLink
          ? deps.threadLink(correction.channel, correction.thread)
          : undefined;
      cases.push({
        ...(threadUrl ? { threadUrl } : {}),
        question: input.question,
        before: { rootCause: answer?.rootCause ?? '(no answer)', skills: answer?.skills ?? [] },
        after: { rootCause: correction.correctRootCause, skill: change.skill },
        correctedBy: correction.userId,
        ...(scenario.file
          ? { scenario: { path: scenario.file.path, command: `sre-bot eval --scenario-file ${scenario.file.path}` } }
          : { scenarioProblem: scenario.problem ?? 'no snapshot' }),
      });
    }
    const skillText = skillFiles.get(change.skill) ?? change.files[0]?.after ?? '';
    const codeowners =
      (await provider.readFile(repository, '.github/CODEOWNERS', ref)) ??
      (await provider.readFile(repository, 'CODEOWNERS', ref));
    const reviewers = reviewersFor(
      readMetadata(skillText)['owner'],
      codeOwnersOf(codeowners, `${deps.skills.skillsDir}/${change.skill}/SKILL.md`),
    );
    const count = corrections.length > 1 ? `${corrections.length} corrections` : 'a correction';
    const title = change.isNewSkill
      ? `skills: new skill ${change.skill} from ${count}`
      : `skills(${change.skill}): learn from ${count}`;
    return {
      skill: change.skill,
      isNewSkill: change.isNewSkill,
      summary: change.summary,
      files,
      correctionIds: corrections.map((correction) => correction.id),
      ...(own.file ? { scenarioPath: own.file.path } : {}),
      ...(own.problem ? { scenarioProblem: own.problem } : {}),
      title,
      body: skillPullRequestBody({ cases, summary: change.summary, files: change.files }),
      reviewers,
      branch: joins?.branch ?? `sre-bot/correction-${slug(current.correction.id.slice(0, 12))}`,
      ...(joins ? { joins: { number: joins.number, url: joins.url, branch: joins.branch } } : {}),
    };
  }

  return { propose, targetSkillOf };
}

export type Proposer = ReturnType<typeof createProposer>;
