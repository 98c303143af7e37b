import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Answer } from '../agent/answer.js';
import type { ModelClient, ToolGateway } from '../agent/ports.js';
import { errorMessage } from '../errors.js';
import { GitProviderError, type GitProvider } from '../git/git-provider.js';
import type { Store } from '../store/store.js';
import type { FixProposal, FixProposalsRepository } from '../store/fix-proposals-repository.js';
import type { Logger } from '../telemetry/logger.js';
import { writeTarget } from './approval-checker.js';
import type { FixPlan } from './fix-plan.js';
import { planForAnswer } from './locate-app.js';
import { storeToolCallRecorder } from '../runtime/store-recorder.js';
import type { GitHostResolver } from './plan-fix.js';
import type { ApproverPolicy, FixNotifier, ThreadPlace } from './ports.js';
import { refusalSentence } from './refusal-sentences.js';
import { openFixPullRequest, requestMergeApproval } from './fix-pull-request.js';
import { verificationMarkdown } from './verify-fix.js';
import { runVerifyStage, type HealProver } from './verify-stage.js';
import type { FixSettings } from './fix-settings.js';
import { watchUntilHealthy } from './watch-health.js';

export type { FixSettings } from './fix-settings.js';

export interface FixServiceDeps {
  store: Store;
  proposals: FixProposalsRepository;
  /** Read-only gateway principal (planning, watching). */
  reader: ToolGateway;
  /** The principal allowed to call write tools; every call still needs an approval record. */
  writer: ToolGateway;
  gitHost: GitHostResolver;
  notifier: FixNotifier;
  approvers: ApproverPolicy;
  settings: FixSettings;
  /** With a model, `propose_fix` is asked once no recipe applies. */
  model?: ModelClient;
  /** Runs the change on a scratch branch until Healthy before the proposal is posted (the sandbox). */
  healProver?: HealProver;
  logger: Logger;
  now?: () => number;
  newId?: () => string;
  /** Starts the watch of a proposal in a job (BullMQ), so a killed worker's watch resumes elsewhere. */
  enqueueWatch: (proposalId: string, reason: string) => Promise<void>;
}

export interface FixService {
  /** "Propose fix": plan, open the pull request, post the proposal with Approve / Reject. */
  propose(input: { investigationId: string; user: string; place: ThreadPlace; traceparent?: string }): Promise<void>;
  /** Approve / Reject from the proposal message. Non-approvers get a private refusal and nothing happens. */
  decide(input: { proposalId: string; user: string; isApproved: boolean; place: ThreadPlace }): Promise<void>;
  /** Watches a merged fix until Healthy (or failure) and reports it once. */
  watch(proposalId: string, signal?: AbortSignal): Promise<void>;
  /** Enqueues the watch of every proposal left `watching` (run at worker start). */
  resumeWatches(): Promise<number>;
}

const NO_RECORD = 'I cannot find that investigation any more, so I cannot propose a fix for it.';

function planOf(proposal: FixProposal): FixPlan {
  return proposal.plan as unknown as FixPlan;
}

/** The fix loop: plan → pull request → approval → merge → sync → watch until Healthy. */
export function createFixService(deps: FixServiceDeps): FixService {
  const now = deps.now ?? (() => Date.now());
  const newId = deps.newId ?? randomUUID;
  const { notifier, settings, store, proposals } = deps;

  const hostFor = (plan: FixPlan): GitProvider => {
    const host = deps.gitHost(plan.repoURL);
    if (!host) throw new Error(`no Git host is configured for ${plan.repoURL}`);
    return host.provider;
  };

  async function fail(proposal: FixProposal, place: ThreadPlace, text: string, from: FixProposal['status'][]) {
    await proposals.transition(proposal.id, from, 'failed', { error: text });
    await notifier.say(place, `:x: ${text}`);
  }

  async function propose(input: Parameters<FixService['propose']>[0]): Promise<void> {
    const { place } = input;
    const investigation = await store.investigations.get(input.investigationId);
    const answer = investigation?.answer as Answer | undefined;
    if (!investigation || !answer?.rootCause) return notifier.whisper(place, input.user, NO_RECORD);
    const live = await proposals.liveFor(investigation.id);
    if (live)
      return notifier.whisper(place, input.user, `A fix for this answer is already proposed (status: ${live.status}).`);

    const started = now();
    await notifier.say(place, ':hammer_and_wrench: Planning a fix: reading the app and its git source…');
    const outcome = await planForAnswer(
      {
        gateway: deps.reader,
        gitHost: deps.gitHost,
        defaultBranch: settings.defaultBranch,
        ...(deps.model ? { model: deps.model } : {}),
      },
      {
        question: investigation.question,
        answer,
        recorder: storeToolCallRecorder(store, investigation.id),
        now,
        ...(input.traceparent ? { traceparent: input.traceparent } : {}),
      },
    );
    if (!outcome)
      return notifier.say(place, 'I could not tell which Argo CD app this answer is about, so I made no fix.');
    if (outcome.kind === 'handoff')
      return notifier.say(place, `I will not open a pull request for this: ${outcome.handoff.reason}.`);
    const app = outcome.plan.app;
    const planMs = now() - started;

    const { proposal, isNew } = await proposals.create({
      id: newId(),
      investigationId: investigation.id,
      channel: place.channel,
      thread: place.thread,
      requestedBy: input.user,
      app,
      plan: outcome.plan as unknown as Record<string, unknown>,
      stages: { plan: planMs },
    });
    if (!isNew) return;
    const prStarted = now();
    const { pull, record } = await openFixPullRequest(
      { store, provider: hostFor(outcome.plan), settings, newId },
      { proposal, plan: outcome.plan, rootCause: answer.rootCause, question: investigation.question, place },
    );
    const prMs = now() - prStarted;
    deps.logger.info({ event: 'fix-pr-opened', proposalId: proposal.id, number: pull.number }, 'fix PR opened');
    const verifyStarted = now();
    await notifier.say(place, `:mag: Verifying #${pull.number}: Argo CD renders the branch, the cluster dry-runs it…`);
    const verification = await runVerifyStage(
      { reader: deps.reader, ...(deps.healProver ? { healProver: deps.healProver } : {}) },
      { plan: outcome.plan, revision: pull.headSha, ...(input.traceparent ? { traceparent: input.traceparent } : {}) },
    );
    const stages = { pr: prMs, verify: now() - verifyStarted };
    await hostFor(outcome.plan).comment(outcome.plan.repository, pull.number, verificationMarkdown(verification));
    if (!verification.isPassed) {
      const text = `The fix in #${pull.number} did not pass verification: ${verification.failure ?? 'failed'}`;
      await proposals.transition(proposal.id, ['planned'], 'failed', {
        pullRequestId: record.id,
        headSha: pull.headSha,
        stages,
        error: text,
      });
      return notifier.say(place, `:x: ${text}. I did not ask for approval; the pull request stays open for people.`);
    }
    const approval = await requestMergeApproval({ store, settings, newId }, proposal, outcome.plan, pull);
    await proposals.transition(proposal.id, ['planned'], 'pr_opened', {
      pullRequestId: record.id,
      approvalId: approval.id,
      headSha: pull.headSha,
      stages,
    });
    await notifier.proposal(place, {
      proposalId: proposal.id,
      plan: outcome.plan,
      pullRequest: { number: pull.number, url: pull.url },
      requestedBy: input.user,
      approvers: deps.approvers.describe(place.channel),
      verification,
    });
  }

  async function decide(input: Parameters<FixService['decide']>[0]): Promise<void> {
    const { place, user } = input;
    const proposal = await proposals.get(input.proposalId);
    if (!proposal?.approvalId) return notifier.whisper(place, user, 'That fix proposal no longer exists.');
    if (!(await deps.approvers.isApprover(user, proposal.channel)))
      return notifier.whisper(
        place,
        user,
        `Only on-call (${deps.approvers.describe(proposal.channel)}) may approve or reject fixes; nothing was changed.`,
      );
    if (input.isApproved && settings.isRequesterExcluded && user === proposal.requestedBy)
      return notifier.whisper(place, user, 'You asked for this fix, so another on-call engineer must approve it.');
    const isDecided = await store.approvals.decide(proposal.approvalId, {
      approved: input.isApproved,
      decidedBy: user,
    });
    if (!isDecided)
      return notifier.whisper(
        place,
        user,
        'This fix was already decided, or its approval expired; nothing was changed.',
      );
    const plan = planOf(proposal);
    const pullRecord = proposal.pullRequestId ? await prRecord(proposal) : undefined;
    if (!input.isApproved) {
      await proposals.transition(proposal.id, ['pr_opened'], 'rejected', { approvedBy: user });
      if (pullRecord?.number)
        await hostFor(plan).comment(plan.repository, pullRecord.number, `Rejected in Slack by ${user}.`);
      return notifier.say(
        place,
        `:no_entry: <@${user}> rejected the fix; the pull request stays open for people to close.`,
      );
    }
    const approved = await proposals.transition(proposal.id, ['pr_opened'], 'approved', { approvedBy: user });
    if (!approved) return;
    await notifier.say(place, `:white_check_mark: <@${user}> approved the fix. Merging…`);
    await merge(approved, place, user);
  }

  async function prRecord(proposal: FixProposal) {
    const records = proposal.investigationId
      ? await store.pullRequests.listForInvestigation(proposal.investigationId)
      : [];
    return records.find((record) => record.id === proposal.pullRequestId);
  }

  async function waitMergeable(provider: GitProvider, repository: string, number: number) {
    let state = await provider.getPullRequest(repository, number);
    for (let poll = 0; state.isMergeable === undefined && poll < settings.mergeabilityPolls; poll++) {
      await sleep(settings.mergeabilityPollMs);
      state = await provider.getPullRequest(repository, number);
    }
    return state;
  }

  async function merge(proposal: FixProposal, place: ThreadPlace, approver: string): Promise<void> {
    const plan = planOf(proposal);
    const provider = hostFor(plan);
    const record = await prRecord(proposal);
    if (!record?.number || !proposal.approvalId || !proposal.headSha)
      return fail(proposal, place, 'The fix has no pull request on record.', ['approved']);
    const started = now();
    try {
      const state = await waitMergeable(provider, plan.repository, record.number);
      if (state.headSha !== proposal.headSha)
        throw new GitProviderError('head_moved', `head moved to ${state.headSha.slice(0, 7)}`);
      if (state.isMergeable === false) throw new GitProviderError('not_mergeable', 'the host reports conflicts');
      if (!(await store.approvals.consume(proposal.approvalId, 'merge_fix')))
        return fail(proposal, place, 'The approval expired before the merge; propose the fix again.', ['approved']);
      const mergeSha = await provider.mergePullRequest(plan.repository, record.number, {
        sha: proposal.headSha,
        title: `${plan.title} (#${record.number})`,
      });
      await store.pullRequests.setStatus(record.id, 'merged');
      await provider.comment(plan.repository, record.number, `Approved in Slack by ${approver}; merged by sre-bot.`);
      const merged = await proposals.transition(proposal.id, ['approved'], 'merged', {
        mergeSha,
        stages: { merge: now() - started },
      });
      if (merged) await sync(merged, place, approver);
    } catch (error) {
      const sentence = error instanceof GitProviderError ? refusalSentence(error.refusal, record.number) : undefined;
      if (!sentence) throw error;
      deps.logger.warn({ event: 'fix-merge-refused', proposalId: proposal.id, err: error }, 'merge refused');
      await fail(proposal, place, sentence, ['approved']);
    }
  }

  async function sync(proposal: FixProposal, place: ThreadPlace, approver: string): Promise<void> {
    const plan = planOf(proposal);
    const started = now();
    const args = { name: plan.app.name, dryRun: false, prune: false, revision: proposal.mergeSha ?? '' };
    // The on-call approval of the fix covers syncing its merge commit, and nothing else.
    const approval = await store.approvals.request({
      id: newId(),
      ...(proposal.investigationId ? { investigationId: proposal.investigationId } : {}),
      action: 'sync_application',
      target: writeTarget(plan.app.instance, args),
      requestedBy: proposal.requestedBy,
      ttlMs: settings.approvalTtlMs,
    });
    await store.approvals.decide(approval.id, { approved: true, decidedBy: approver });
    const result = await deps.writer.callTool('sync_application', {
      ...args,
      instance: plan.app.instance,
      approval_id: approval.id,
    });
    if (result.isError)
      return fail(proposal, place, `Argo CD refused the sync: ${result.text.slice(0, 300)}`, ['merged']);
    const watching = await proposals.transition(proposal.id, ['merged'], 'watching', {
      watchDeadline: new Date(now() + settings.watch.timeoutMs),
      stages: { sync: now() - started },
    });
    await notifier.say(
      place,
      `:arrows_counterclockwise: Merged ${proposal.mergeSha?.slice(0, 7) ?? ''} and synced ${plan.app.name}; ` +
        'watching until it is Healthy.',
    );
    if (watching) await deps.enqueueWatch(watching.id, 'synced');
  }

  async function watch(proposalId: string, signal?: AbortSignal): Promise<void> {
    const proposal = await proposals.get(proposalId);
    if (!proposal || proposal.status !== 'watching' || !proposal.mergeSha) return;
    const place = { channel: proposal.channel, thread: proposal.thread };
    const plan = planOf(proposal);
    const started = now();
    const deadline = proposal.watchDeadline?.getTime() ?? now() + settings.watch.timeoutMs;
    const verdict = await watchUntilHealthy(deps.reader, plan.app, proposal.mergeSha, {
      ...settings.watch,
      deadline,
      now,
      ...(signal ? { signal } : {}),
    });
    if (verdict.kind === 'stopped') return;
    if (verdict.kind === 'healthy') {
      const done = await proposals.transition(proposalId, ['watching'], 'healthy', {
        stages: { healthy: now() - started },
      });
      if (!done) return;
      const stages = Object.entries(done.stages)
        .map(([stage, ms]) => `${stage} ${(ms / 1000).toFixed(1)}s`)
        .join(' · ');
      await notifier.say(
        place,
        `:large_green_circle: ${plan.app.name} is Healthy and Synced at ${proposal.mergeSha.slice(0, 7)}. (${stages})` +
          (verdict.awaitingPrune.length > 0
            ? ` Left in the cluster, no longer in git (prune them when safe): ${verdict.awaitingPrune.join(', ')}.`
            : ''),
      );
      if (proposal.investigationId) await notifier.offerRca(place, proposal.investigationId);
      return;
    }
    const done = await proposals.transition(proposalId, ['watching'], 'failed', { error: verdict.reason });
    if (done)
      await notifier.say(
        place,
        `:red_circle: ${plan.app.name}: ${verdict.reason}. Revert the pull request to roll back.`,
      );
  }

  return {
    propose: async (input) => {
      try {
        await propose(input);
      } catch (error) {
        deps.logger.error({ event: 'fix-propose-failed', err: error }, 'proposing a fix failed');
        await notifier.say(input.place, `I could not propose a fix: ${errorMessage(error).slice(0, 200)}.`);
      }
    },
    decide,
    watch,
    async resumeWatches() {
      const open = await proposals.watching();
      // A fresh key per resume: the job of the worker that died must not swallow the new one.
      for (const proposal of open) await deps.enqueueWatch(proposal.id, `resumed-${now()}`);
      return open.length;
    },
  };
}
