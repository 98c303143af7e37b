import type { ArgoInstance } from './argocd/argocd-instance.js';
import type { SandboxClock } from './sandbox-clock.js';

/** One commit of the scenario's history, already written to the repo. */
export interface ReplayCommit {
  sha: string;
  date: Date;
}

/** How long after a commit Argo CD's sync of it finishes in the story. */
const DEPLOY_DELAY_MS = 60_000;

/**
 * Plays the git history through Argo CD: after each commit, every app whose rendered manifests
 * changed is synced to that commit, with the clock pinned to the commit time plus a minute. This
 * gives real history entries (ids, SHAs, deployedAt) and live objects created at the right time;
 * a bad last commit leaves a failed operation on top of the last good deployment.
 */
export async function replayHistory(
  commits: readonly ReplayCommit[],
  instances: readonly ArgoInstance[],
  clock: SandboxClock,
  appNames?: ReadonlySet<string>,
): Promise<void> {
  const lastRendered = new Map<string, string>();
  for (const commit of commits) {
    clock.pin(new Date(commit.date.getTime() + DEPLOY_DELAY_MS));
    for (const instance of instances) {
      for (const name of instance.names()) {
        if (appNames && !appNames.has(`${instance.name}/${name}`)) continue;
        const record = instance.record(name);
        let rendered: string;
        try {
          const { path, helm } = record.definition.source;
          rendered = JSON.stringify((await instance.render(commit.sha, path, helm)).objects);
        } catch {
          continue; // the app's path does not exist yet at this commit
        }
        const key = `${instance.name}/${name}`;
        if (lastRendered.get(key) === rendered) continue;
        lastRendered.set(key, rendered);
        const isAutomated = record.definition.syncPolicy?.automated !== undefined;
        await instance.sync(name, {
          revision: commit.sha,
          initiatedBy: isAutomated ? { automated: true } : { username: 'admin' },
        });
        if (isAutomated) record.lastAutoSyncRevision = commit.sha;
      }
    }
  }
}
