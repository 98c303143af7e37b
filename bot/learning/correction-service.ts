import { randomUUID } from 'node:crypto';
import { BotError } from '../errors.js';
import type { PullRequestState } from '../git/git-provider.js';
import type { LintOptions } from '../skills/lint/lint-types.js';
import type { Correction, NewCorrection } from '../store/corrections-repository.js';
import type { Store } from '../store/store.js';
import type { Logger } from '../telemetry/logger.js';
import {
  createProposer,
  type CorrectionProposal,
  type JoinedPullRequest,
  type ScenarioWriter,
  type SkillsRepository,
} from './correction-proposal.js';

export type { CorrectionProposal, ScenarioWriter, SkillsRepository } from './correction-proposal.js';

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

/** What a merge check found for one pull request. */
export interface MergedProposal {
  correctionIds: string[];
  skill: string;
  mergeSha: string;
  url: string;
  channel?: string;
  thread?: string;
}

/**
 * The correction loop behind the Slack wing: capture (one row per view or message), a proposal
 * shown to the author, Remember (one pull request with the skill change and the regression
 * scenario; a correction to a skill whose pull request is still open joins that one, as one more
 * commit with every correction's entry and scenario) or Discard (nothing leaves), and the merge
 * check that marks corrections merged and refreshes the served skills.
 */
export function createCorrectionService(deps: CorrectionServiceDeps) {
  const newId = deps.newId ?? randomUUID;
  const { provider, repository, base } = deps.skills;

  const proposer = createProposer(deps);
  const pullRequestNumber = (url: string | undefined): number | undefined => {
    const match = /\/(?:pull|merge_requests)\/(\d+)/.exec(url ?? '');
    return match?.[1] ? Number(match[1]) : undefined;
  };

  /**
   * The open pull request that already carries corrections to `skill`, with those corrections:
   * a new correction to the same skill joins it (one change per skill, not a stack of PRs).
   */
  async function openProposalFor(
    skill: string,
  ): Promise<{ joins: JoinedPullRequest; corrections: Correction[] } | undefined> {
    const proposed = await deps.store.corrections.listForSkill(skill, 'proposed');
    for (const candidate of proposed.reverse()) {
      const number = pullRequestNumber(candidate.skillPrUrl);
      if (number === undefined || !candidate.pullRequestId || !candidate.skillPrUrl) continue;
      const state = await provider.getPullRequest(repository, number);
      if (state.state !== 'open') continue;
      const carried = await deps.store.corrections.listForPullRequest(candidate.pullRequestId);
      return {
        joins: { number, url: state.url, branch: state.branch, recordId: candidate.pullRequestId },
        corrections: carried.filter((correction) => correction.status === 'proposed'),
      };
    }
    return undefined;
  }

  /** The proposal for one correction: on its own, or joined with the open PR of its skill. */
  async function propose(correction: Correction): Promise<{ proposal: CorrectionProposal; joins?: JoinedPullRequest }> {
    const skill = await proposer.targetSkillOf(correction);
    const open = skill ? await openProposalFor(skill) : undefined;
    if (!open) return { proposal: await proposer.propose([correction]) };
    const group = [...open.corrections.filter((other) => other.id !== correction.id), correction];
    return { proposal: await proposer.propose(group, open.joins), joins: open.joins };
  }

  /** Whether the branch already holds every file of the proposal (a retry after the commit landed). */
  async function branchHolds(proposal: CorrectionProposal): Promise<boolean> {
    for (const file of proposal.files)
      if ((await provider.readFile(repository, file.path, proposal.branch)) !== file.after) return false;
    return true;
  }

  const commitMessage = (proposal: CorrectionProposal) =>
    `${proposal.title}\n\n${proposal.summary.map((line) => `- ${line}`).join('\n')}`;

  /** Opens the proposal's pull request, or adds its change to the open one it joins. */
  async function publish(
    proposal: CorrectionProposal,
    joins: JoinedPullRequest | undefined,
  ): Promise<{ pullRequest: PullRequestState; recordId?: string }> {
    const files = proposal.files.map((file) => ({ path: file.path, content: file.after }));
    if (joins) {
      const pullRequest = (await branchHolds(proposal))
        ? await provider.getPullRequest(repository, joins.number)
        : await provider.updatePullRequest({
            repository,
            number: joins.number,
            branch: joins.branch,
            title: proposal.title,
            body: proposal.body,
            commitMessage: commitMessage(proposal),
            files,
          });
      return { pullRequest, recordId: joins.recordId };
    }
    const pullRequest =
      (await provider.findOpenPullRequest(repository, proposal.branch)) ??
      (await provider.openPullRequest({
        repository,
        base,
        branch: proposal.branch,
        title: proposal.title,
        body: proposal.body,
        commitMessage: commitMessage(proposal),
        files,
        labels: deps.skills.labels,
        reviewers: proposal.reviewers,
      }));
    return { pullRequest };
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
    preview: async (id: string) => (await propose(await require(id))).proposal,

    /**
     * Remember: opens the pull request, or adds the change to the skill's open one (once; a repeat
     * click or a retry finds the same one, or a branch that already holds the change) and moves
     * the correction to `proposed`. Only the author may confirm their correction.
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
      const { proposal, joins } = await propose(correction);
      const published = await publish(proposal, joins);
      const { pullRequest } = published;
      const recordId =
        published.recordId ??
        (
          await deps.store.pullRequests.create({
            id: newId(),
            investigationId: correction.investigationId,
            kind: 'skill',
            provider: provider.kind,
            repository,
            branch: proposal.branch,
            number: pullRequest.number,
            url: pullRequest.url,
            title: proposal.title,
          })
        ).id;
      const moved = await deps.store.corrections.transition(id, 'open', 'proposed', {
        proposal,
        pullRequestId: recordId,
        skillPrUrl: pullRequest.url,
        skillName: proposal.skill,
        ...(proposal.scenarioPath ? { scenarioPath: proposal.scenarioPath } : {}),
      });
      if (!moved) throw new BotError('invalid_input', 'this correction was decided meanwhile');
      deps.logger?.info(
        { event: 'correction-proposed', correctionId: id, pullRequest: pullRequest.number, isJoined: !!joins },
        joins ? 'correction added to the open skill PR' : 'skill PR opened',
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
      // Corrections merged into one change share a pull request: one read of it serves them all.
      const states = new Map<number, Promise<PullRequestState>>();
      for (const correction of await deps.store.corrections.listByStatus('proposed', 200)) {
        const number = pullRequestNumber(correction.skillPrUrl);
        if (number === undefined) continue;
        if (!states.has(number)) states.set(number, provider.getPullRequest(repository, number));
        const state = await (states.get(number) ?? provider.getPullRequest(repository, number));
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
