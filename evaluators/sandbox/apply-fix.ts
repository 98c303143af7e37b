import { commitFileEdits } from './git/edit-files.js';
import type { GitRepo } from './git/git-repo.js';
import type { Scenario } from './scenario/scenario-schema.js';

/**
 * Commits a scenario's expected fix to the sandbox git repo (what a merged fix PR does) and
 * returns the new HEAD. A fix without edits (drift: the cure is a sync) commits nothing.
 */
export async function commitScenarioFix(repo: GitRepo, scenario: Scenario, now: Date = new Date()): Promise<string> {
  const fix = scenario.expect.heal;
  if (!fix) throw new Error(`scenario ${scenario.name} declares no heal`);
  if (fix.edits.length === 0) return repo.resolve('HEAD');
  return commitFileEdits(repo, {
    message: fix.message,
    author: 'sre-bot <sre-bot@example.com>',
    date: now,
    edits: fix.edits,
  });
}
