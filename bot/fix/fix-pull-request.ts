import type { GitProvider } from '../git/git-provider.js';
import type { FixProposal } from '../store/fix-proposals-repository.js';
import type { Store } from '../store/store.js';
import type { FixPlan } from './fix-plan.js';
import type { FixSettings } from './fix-settings.js';
import type { ThreadPlace } from './ports.js';
import { pullRequestBody } from './pull-request-body.js';

interface PullRequestDeps {
  store: Store;
  settings: FixSettings;
  newId: () => string;
}

/**
 * Opens the pull request of a proposal (one atomic commit of the plan's files on a branch named
 * after the app and the proposal) and records it. A retried job finds the pull request the first
 * attempt opened instead of opening a second.
 */
export async function openFixPullRequest(
  deps: PullRequestDeps & { provider: GitProvider },
  input: { proposal: FixProposal; plan: FixPlan; rootCause: string; question: string; place: ThreadPlace },
) {
  const { provider, settings, store } = deps;
  const { proposal, plan } = input;
  const branch = `sre-bot/fix-${plan.app.name}-${proposal.id.slice(0, 8)}`;
  const existing = await provider.findOpenPullRequest(plan.repository, branch);
  const pull =
    existing ??
    (await provider.openPullRequest({
      repository: plan.repository,
      base: plan.baseBranch,
      branch,
      title: plan.title,
      body: pullRequestBody({
        proposalId: proposal.id,
        plan,
        question: input.question,
        rootCause: input.rootCause,
        threadLink: settings.threadLink(input.place),
        requestedBy: proposal.requestedBy,
      }),
      commitMessage: `${plan.title}\n\n${plan.rationale}`,
      files: plan.files.map((file) => ({ path: file.path, content: file.after })),
      labels: settings.labels,
      reviewers: [],
    }));
  const record = await store.pullRequests.create({
    id: deps.newId(),
    ...(proposal.investigationId ? { investigationId: proposal.investigationId } : {}),
    kind: 'fix',
    provider: provider.kind,
    repository: plan.repository,
    branch,
    number: pull.number,
    url: pull.url,
    title: plan.title,
  });
  return { pull, record };
}

/** The merge approval, pinned to the verified head; requested only once verification passed. */
export function requestMergeApproval(
  deps: PullRequestDeps,
  proposal: FixProposal,
  plan: FixPlan,
  pull: { number: number; headSha: string },
) {
  return deps.store.approvals.request({
    id: deps.newId(),
    ...(proposal.investigationId ? { investigationId: proposal.investigationId } : {}),
    action: 'merge_fix',
    target: { repository: plan.repository, number: pull.number, headSha: pull.headSha, proposalId: proposal.id },
    requestedBy: proposal.requestedBy,
    ttlMs: deps.settings.approvalTtlMs,
  });
}
