import { createFixService, type FixService, type FixServiceDeps } from '../../bot/fix/fix-service.js';
import type { FixSettings } from '../../bot/fix/fix-settings.js';
import type { ThreadPlace } from '../../bot/fix/ports.js';
import { repositoryFromUrl } from '../../bot/git/git-provider.js';
import { createGithubProvider } from '../../bot/git/github-provider.js';
import {
  createFixProposalsRepository,
  type FixProposal,
  type FixProposalsRepository,
} from '../../bot/store/fix-proposals-repository.js';
import type { FixEstate } from './fix-estate.js';
import { createScratchHealProver } from './scratch-heal-prover.js';

/** Fix settings on the sandbox: short polls and a bounded watch; callers override what they need. */
export function sandboxFixSettings(overrides: Partial<FixSettings> = {}): FixSettings {
  return {
    defaultBranch: 'main',
    approvalTtlMs: 10 * 60_000,
    watch: { timeoutMs: 60_000, intervalMs: 200, degradedReads: 25 },
    mergeabilityPolls: 20,
    mergeabilityPollMs: 50,
    labels: ['sre-bot', 'fix'],
    isRequesterExcluded: true,
    threadLink: () => '(sandbox)',
    ...overrides,
  };
}

/** The real fix service over a fix estate, with its watches run in this process. */
export interface SandboxFixLoop {
  service: FixService;
  proposals: FixProposalsRepository;
  /**
   * Plan → pull request → verify (and the heal proof) → `approver` approves → merge → sync →
   * watch, the way the Slack buttons drive it. Undefined when nothing was planned (a handoff).
   */
  run(input: {
    investigationId: string;
    requester: string;
    approver: string;
    place: ThreadPlace;
    /** Called between the posted proposal and the approval (the human click). */
    beforeApproval?: (proposal: FixProposal) => void;
  }): Promise<FixProposal | undefined>;
}

export type SandboxFixLoopDeps = Pick<
  FixServiceDeps,
  'store' | 'reader' | 'writer' | 'notifier' | 'approvers' | 'logger'
> &
  Partial<Pick<FixServiceDeps, 'model'>> & {
    settings: FixSettings;
    /** Run the change on a scratch branch until Healthy before proposing (default true). */
    isHealProven?: boolean;
  };

/**
 * Wires the fix service to a fix estate: GitHub provider on the fake GitHub, watches queued in
 * memory and run after the merge, and the scratch-branch heal proof in the verify stage. What
 * `bench fix` and `demo --fix` run.
 */
export function createSandboxFixLoop(estate: FixEstate, deps: SandboxFixLoopDeps): SandboxFixLoop {
  const provider = createGithubProvider({ baseUrl: estate.github.url, token: estate.github.token });
  const stored = createFixProposalsRepository(deps.store.db, () => new Date());
  // The last proposal created, so a run reports one that failed verification too (not only live ones).
  let lastCreated: string | undefined;
  const proposals: FixProposalsRepository = {
    ...stored,
    create: async (input) => {
      const created = await stored.create(input);
      lastCreated = created.proposal.id;
      return created;
    },
  };
  const watches: string[] = [];
  const { isHealProven = true, ...rest } = deps;
  const service = createFixService({
    ...rest,
    proposals,
    gitHost: (url) => ({ provider, repository: repositoryFromUrl(url) }),
    ...(isHealProven
      ? {
          healProver: createScratchHealProver(estate.sandbox, {
            timeoutMs: deps.settings.watch.timeoutMs,
            intervalMs: deps.settings.watch.intervalMs,
          }),
        }
      : {}),
    enqueueWatch: (proposalId) => {
      watches.push(proposalId);
      return Promise.resolve();
    },
  });
  return {
    service,
    proposals,
    async run(input) {
      await service.propose({ investigationId: input.investigationId, user: input.requester, place: input.place });
      const proposal = lastCreated ? await proposals.get(lastCreated) : undefined;
      if (!proposal || proposal.status !== 'pr_opened') return proposal;
      input.beforeApproval?.(proposal);
      await service.decide({ proposalId: proposal.id, user: input.approver, isApproved: true, place: input.place });
      for (const watch of watches.splice(0)) await service.watch(watch);
      return proposals.get(proposal.id);
    },
  };
}
