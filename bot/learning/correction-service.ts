import { randomUUID } from 'node:crypto';
import type { Answer } from '../agent/answer.js';
import { BotError } from '../errors.js';
import type { GitProvider, PullRequestState } from '../git/git-provider.js';
import type { LintOptions } from '../skills/lint/lint-types.js';
import type { Correction, NewCorrection } from '../store/corrections-repository.js';
import type { Store } from '../store/store.js';
import type { Logger } from '../telemetry/logger.js';
import {
  proposeSkillChange,
  type CorrectionFacts,
  type SkillChangeProposal,
  type SkillFileChange,
} from './skill-change.js';
import { readMetadata } from './skill-edit.js';
import { codeOwnersOf, reviewersFor, skillPullRequestBody } from './skill-pull-request.js';
import { skillNameFrom } from './skill-scaffold.js';
import { snapshotLogLines, type InvestigationSnapshot } from './snapshot.js';

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

export interface CorrectionServiceDeps {
  store: Store;
  skills: SkillsRepository;
  writeScenario: ScenarioWriter;
  lintOptions?: LintOptions;
  /** Link to a Slack thread, for the PR body. */
  threadLink?: (channel: string, thread: string) => string;
  /** After a merge: bring the served skills up to the merged commit (the catalog hot-reloads). */
  refreshSkills?: () => Promise<void>;
  newId?: () => string;
  logger?: Logger;
}

/** The change as shown for Remember / Discard and frozen into the correction when remembered. */
export interface CorrectionProposal {
  skill: string;
  isNewSkill: boolean;
  summary: string[];
  files: SkillFileChange[];
  scenarioPath?: string;
  scenarioProblem?: string;
  title: string;
  body: string;
  reviewers: string[];
  branch: string;
}

/** What a merge check found for one pull request. */
export interface MergedProposal {
  correctionIds: string[];
  skill: string;
  mergeSha: string;
  url: string;
  channel?: string;
  thread?: string;
}

function day(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/**
 * The correction loop behind the Slack wing: capture (one row per view or message), a proposal
 * shown to the author, Remember (one pull request with the skill change and the regression
 * scenario) or Discard (nothing leaves), and the merge check that marks corrections merged and
 * refreshes the served skills.
 */
export function createCorrectionService(deps: CorrectionServiceDeps) {
  const newId = deps.newId ?? randomUUID;
  const { provider, repository, base } = deps.skills;

  async function facts(
    correction: Correction,
  ): Promise<{ facts: CorrectionFacts; answer?: Partial<Answer>; question: string }> {
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
      question: investigation.question,
      ...(answer ? { answer } : {}),
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
    const names = new Set(
      (await provider.listFiles(repository, ref, deps.skills.skillsDir)).map((path) => path.split('/').at(-2) ?? ''),
    );
    for (const name of names)
      cache.set(name, await provider.readFile(repository, `${deps.skills.skillsDir}/${name}/SKILL.md`, ref));
    return cache;
  }

  /** Builds the proposal for a correction against the skills repository's base branch. */
  async function propose(correction: Correction): Promise<CorrectionProposal> {
    const { facts: own, answer, question } = await facts(correction);
    const ref = await provider.resolveRevision(repository, base);
    const skillFiles = await readSkillFiles(ref);
    const change: SkillChangeProposal = proposeSkillChange([own], {
      directory: deps.skills.skillsDir,
      read: (name) => skillFiles.get(name),
      ...(deps.lintOptions ? { lintOptions: deps.lintOptions } : {}),
    });
    const files = [...change.files];
    let scenarioPath: string | undefined;
    let scenarioProblem: string | undefined;
    const snapshot = (await deps.store.snapshots.get(correction.investigationId)) as InvestigationSnapshot | undefined;
    if (!snapshot) scenarioProblem = 'the investigation has no snapshot';
    else {
      try {
        const name = `regression-${change.skill}-${correction.id.slice(0, 8).toLowerCase()}`.replace(
          /[^a-z0-9-]/g,
          '-',
        );
        const scenario = deps.writeScenario(
          snapshot,
          { rootCause: correction.correctRootCause, skill: change.skill },
          { name },
        );
        scenarioPath = `${deps.skills.scenariosDir}/${scenario.name}.yaml`;
        files.push({ path: scenarioPath, skill: change.skill, after: scenario.yaml });
      } catch (error) {
        scenarioProblem = error instanceof Error ? error.message : String(error);
      }
    }
    const skillText = skillFiles.get(change.skill) ?? change.files[0]?.after ?? '';
    const owner = readMetadata(skillText)['owner'];
    const codeowners =
      (await provider.readFile(repository, '.github/CODEOWNERS', ref)) ??
      (await provider.readFile(repository, 'CODEOWNERS', ref));
    const reviewers = reviewersFor(
      owner,
      codeOwnersOf(codeowners, `${deps.skills.skillsDir}/${change.skill}/SKILL.md`),
    );
    const threadUrl =
      correction.channel && correction.thread && deps.threadLink
        ? deps.threadLink(correction.channel, correction.thread)
        : undefined;
    const title = change.isNewSkill
      ? `skills: new skill ${change.skill} from a correction`
      : `skills(${change.skill}): learn from a correction`;
    const body = skillPullRequestBody({
      ...(threadUrl ? { threadUrl } : {}),
      question,
      before: { rootCause: answer?.rootCause ?? '(no answer)', skills: answer?.skills ?? [] },
      after: { rootCause: correction.correctRootCause, skill: change.skill },
      summary: change.summary,
      files: change.files,
      ...(scenarioPath
        ? { scenario: { path: scenarioPath, command: `sre-bot eval --scenario-file ${scenarioPath}` } }
        : {}),
      ...(scenarioProblem ? { scenarioProblem } : {}),
      correctedBy: [correction.userId],
    });
    return {
      skill: change.skill,
      isNewSkill: change.isNewSkill,
      summary: change.summary,
      files,
      ...(scenarioPath ? { scenarioPath } : {}),
      ...(scenarioProblem ? { scenarioProblem } : {}),
      title,
      body,
      reviewers,
      branch: `sre-bot/correction-${correction.id
        .slice(0, 12)
        .toLowerCase()
        .replace(/[^a-z0-9-]/g, '-')}`,
    };
  }

  async function require(id: string): Promise<Correction> {
    const correction = await deps.store.corrections.get(id);
    if (!correction) throw new BotError('not_found', 'that correction no longer exists');
    return correction;
  }

  return {
    /** Records a correction once per idempotency key; `isNew: false` on a repeat. */
    capture: (input: Omit<NewCorrection, 'id'>) => deps.store.corrections.create({ id: newId(), ...input }),

    /** The change the correction would make, for the confirm message (nothing is written). */
    preview: async (id: string) => propose(await require(id)),

    /**
     * Remember: opens the pull request (once; a repeat click or a retry finds the same one) and
     * moves the correction to `proposed`. Only the author may confirm their correction.
     */
    async remember(id: string, userId: string): Promise<{ correction: Correction; pullRequest: PullRequestState }> {
      const correction = await require(id);
      if (correction.userId !== userId)
        throw new BotError('invalid_input', 'only the person who made the correction can confirm it');
      if (correction.status !== 'open') {
        const prs = correction.skillPrUrl ? { url: correction.skillPrUrl } : undefined;
        throw new BotError(
          'invalid_input',
          `this correction is already ${correction.status}${prs ? ` (${prs.url})` : ''}`,
        );
      }
      const proposal = await propose(correction);
      const pullRequest =
        (await provider.findOpenPullRequest(repository, proposal.branch)) ??
        (await provider.openPullRequest({
          repository,
          base,
          branch: proposal.branch,
          title: proposal.title,
          body: proposal.body,
          commitMessage: `${proposal.title}\n\n${proposal.summary.map((line) => `- ${line}`).join('\n')}`,
          files: proposal.files.map((file) => ({ path: file.path, content: file.after })),
          labels: deps.skills.labels,
          reviewers: proposal.reviewers,
        }));
      const record = await deps.store.pullRequests.create({
        id: newId(),
        investigationId: correction.investigationId,
        kind: 'skill',
        provider: provider.kind,
        repository,
        branch: proposal.branch,
        number: pullRequest.number,
        url: pullRequest.url,
        title: proposal.title,
      });
      const moved = await deps.store.corrections.transition(id, 'open', 'proposed', {
        proposal,
        pullRequestId: record.id,
        skillPrUrl: pullRequest.url,
        skillName: proposal.skill,
        ...(proposal.scenarioPath ? { scenarioPath: proposal.scenarioPath } : {}),
      });
      if (!moved) throw new BotError('invalid_input', 'this correction was decided meanwhile');
      deps.logger?.info(
        { event: 'correction-proposed', correctionId: id, pullRequest: pullRequest.number },
        'skill PR opened',
      );
      return { correction: await require(id), pullRequest };
    },

    /** Discard: the correction is kept as discarded and nothing is proposed. */
    async discard(id: string, userId: string): Promise<boolean> {
      const correction = await require(id);
      if (correction.userId !== userId)
        throw new BotError('invalid_input', 'only the person who made the correction can discard it');
      return deps.store.corrections.transition(id, 'open', 'discarded');
    },

    /**
     * Checks every proposed correction's pull request: merged ones become `merged` with the merge
     * commit (and the served skills are refreshed once), closed unmerged ones `discarded`.
     */
    async syncMerged(): Promise<MergedProposal[]> {
      const merged: MergedProposal[] = [];
      for (const correction of await deps.store.corrections.listByStatus('proposed', 200)) {
        const match = /\/(?:pull|merge_requests)\/(\d+)/.exec(correction.skillPrUrl ?? '');
        if (!match?.[1]) continue;
        const state = await provider.getPullRequest(repository, Number(match[1]));
        if (state.state === 'merged' && state.mergeCommitSha) {
          if (
            await deps.store.corrections.transition(correction.id, 'proposed', 'merged', {
              mergeSha: state.mergeCommitSha,
            })
          ) {
            if (correction.pullRequestId) await deps.store.pullRequests.setStatus(correction.pullRequestId, 'merged');
            merged.push({
              correctionIds: [correction.id],
              skill: correction.skillName ?? '',
              mergeSha: state.mergeCommitSha,
              url: state.url,
              ...(correction.channel ? { channel: correction.channel } : {}),
              ...(correction.thread ? { thread: correction.thread } : {}),
            });
          }
        } else if (state.state === 'closed') {
          await deps.store.corrections.transition(correction.id, 'proposed', 'discarded');
          if (correction.pullRequestId) await deps.store.pullRequests.setStatus(correction.pullRequestId, 'closed');
        }
      }
      if (merged.length > 0) await deps.refreshSkills?.();
      return merged;
    },
  };
}

export type CorrectionService = ReturnType<typeof createCorrectionService>;
