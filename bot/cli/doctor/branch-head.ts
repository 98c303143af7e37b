import type { GitProvider } from '../../git/git-provider.js';
import { GitProviderError } from '../../git/git-provider.js';
import { CheckFailed, withTimeout } from './doctor-check.js';

/** What a Git check says when the host refuses: which token it refused and what to fix. */
export interface BranchHeadAdvice {
  /** The variable that holds the token (`FIX_GIT_TOKEN`). */
  token: string;
  /** What to do about a refused token. */
  onRefused: string;
  /** What to check when the repository or branch is not visible. */
  onNotFound: string;
}

/**
 * The head of `branch` in `repository`, read once with the check's timeout; a refused token or an
 * invisible repository fails the check with the advice given, anything else propagates.
 */
export async function readBranchHead(
  provider: Pick<GitProvider, 'kind' | 'resolveRevision'>,
  target: { repository: string; branch: string },
  timing: { timeoutMs: number; unreachable: string },
  advice: BranchHeadAdvice,
): Promise<string> {
  try {
    return await withTimeout(
      provider.kind,
      timing.timeoutMs,
      provider.resolveRevision(target.repository, target.branch),
      timing.unreachable,
    );
  } catch (error) {
    if (!(error instanceof GitProviderError)) throw error;
    if (error.refusal === 'unauthorized')
      throw new CheckFailed(
        `${provider.kind} refused ${advice.token} (${error.status ?? 'no status'})`,
        advice.onRefused,
      );
    if (error.refusal === 'not_found')
      throw new CheckFailed(
        `${target.repository} (branch ${target.branch}) is not visible with this token`,
        advice.onNotFound,
      );
    throw error;
  }
}
