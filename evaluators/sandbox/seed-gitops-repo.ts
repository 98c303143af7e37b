import type { GitCommitSpec, GitRepo } from './git/git-repo.js';
import type { ReplayCommit } from './replay-history.js';
import { resolveScenarioTime } from './sandbox-clock.js';
import type { Scenario } from './scenario/scenario-schema.js';
import type { SyntheticEstatePlan } from './synthetic-estate.js';

const PLATFORM_BOT = 'Platform Bot <platform-bot@example.com>';
const DAY_MS = 86_400_000;

/** When the synthetic fleet was committed: ten days before the sandbox started. */
export function syntheticCommitDate(start: Date): Date {
  return new Date(start.getTime() - 10 * DAY_MS);
}

/** What the seeded history holds, for replaying it through Argo CD afterwards. */
export interface SeededHistory {
  /** The scenario's commits in time order, to replay as deployments. */
  replayCommits: ReplayCommit[];
  /** The one commit holding the synthetic fleet, adopted as already deployed (absent without one). */
  syntheticSha?: string;
  /** The oldest commit's date, or `start` when the repo only got its initial commit. */
  earliest: Date;
}

/**
 * Commits the scenario's git history (times relative to `start`) and the synthetic estate's one
 * commit into `repo`, oldest first; an empty history still gets an initial commit so HEAD exists.
 */
export async function seedGitopsRepo(
  repo: GitRepo,
  scenario: Scenario | undefined,
  plan: SyntheticEstatePlan,
  start: Date,
): Promise<SeededHistory> {
  const commits: Array<GitCommitSpec & { isSynthetic?: boolean }> = (scenario?.git.commits ?? []).map((commit) => ({
    message: commit.message,
    author: commit.author,
    date: resolveScenarioTime(commit.date, start),
    files: commit.files,
    delete: commit.delete,
  }));
  if (plan.apps.length > 0) {
    commits.push({
      message: 'platform: service-template fleet',
      author: PLATFORM_BOT,
      date: syntheticCommitDate(start),
      files: plan.files,
      isSynthetic: true,
    });
  }
  commits.sort((a, b) => a.date.getTime() - b.date.getTime());
  const replayCommits: ReplayCommit[] = [];
  let syntheticSha: string | undefined;
  for (const commit of commits) {
    const sha = await repo.commit(commit);
    if (commit.isSynthetic) syntheticSha = sha;
    else replayCommits.push({ sha, date: commit.date });
  }
  if (commits.length === 0) {
    await repo.commit({
      message: 'initial commit',
      author: PLATFORM_BOT,
      date: start,
      files: { 'README.md': '# GitOps sources\n' },
    });
  }
  return { replayCommits, ...(syntheticSha ? { syntheticSha } : {}), earliest: commits[0]?.date ?? start };
}
