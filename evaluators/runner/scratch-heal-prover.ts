import { setTimeout as sleep } from 'node:timers/promises';
import type { HealProver } from '../../bot/fix/verify-stage.js';
import { openBareRepository } from '../sandbox/git-host/bare-repository.js';
import type { RunningSandbox } from '../sandbox/start-sandbox.js';

export interface ScratchHealProverOptions {
  /** How long the app may take to become Healthy on the scratch branch. */
  timeoutMs: number;
  intervalMs: number;
  now?: () => number;
}

/**
 * The sandbox's heal proof: the fix revision gets a scratch branch on the Git host's bare
 * repository, the app's Argo CD instance stops auto-syncing, the app is synced to the scratch
 * branch and watched until Healthy (or the timeout, or a failed sync), and then synced back to
 * the revision it ran before, so the merge that follows is what heals it for real. Nothing here
 * goes through the gateway: it is the sandbox operator's hand, not the bot's.
 */
export function createScratchHealProver(sandbox: RunningSandbox, options: ScratchHealProverOptions): HealProver {
  const now = options.now ?? (() => Date.now());
  const git = openBareRepository(sandbox.repo.path);
  return {
    async prove({ plan, revision }) {
      const started = now();
      const branch = `sre-bot/scratch-${plan.app.name}-${revision.slice(0, 7)}`;
      const elapsed = () => now() - started;
      const instance = sandbox.argocdInstances.get(plan.app.instance);
      if (!instance) return { branch, isHealthy: false, elapsedMs: 0, detail: `no instance ${plan.app.instance}` };
      await git.updateBranch(branch, revision, null);
      const scratch = (await git.resolve(branch)) ?? revision;
      const before = (await instance.application(plan.app.name)).status.history?.at(-1)?.revision;
      const initiatedBy = { username: 'sre-bot-scratch' };
      instance.pause();
      try {
        await instance.sync(plan.app.name, { revision: scratch, initiatedBy });
        let health = 'Unknown';
        let phase: string | undefined;
        while (elapsed() < options.timeoutMs) {
          const app = await instance.application(plan.app.name, true);
          health = app.status.health.status;
          phase = app.status.operationState?.phase;
          if (phase === 'Failed' || phase === 'Error')
            return {
              branch,
              isHealthy: false,
              elapsedMs: elapsed(),
              detail: `the sync failed: ${app.status.operationState?.message ?? phase}`,
            };
          if (phase === 'Succeeded' && health === 'Healthy') break;
          await sleep(options.intervalMs);
        }
        const isHealthy = health === 'Healthy' && phase === 'Succeeded';
        const elapsedMs = elapsed();
        if (!before) return { branch, isHealthy, elapsedMs, ...(isHealthy ? {} : { detail: `health ${health}` }) };
        const restored = await instance.sync(plan.app.name, { revision: before, initiatedBy });
        const isRestored = restored.status.operationState?.phase === 'Succeeded';
        const put =
          `then put back on ${before.slice(0, 7)}` +
          (isRestored ? '' : ' (that sync failed; the fixed objects stay until the merge)');
        return { branch, isHealthy, elapsedMs, detail: isHealthy ? put : `health ${health}; ${put}` };
      } finally {
        instance.resume();
      }
    },
  };
}
