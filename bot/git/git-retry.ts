import pRetry from 'p-retry';
import { GitProviderError } from './git-provider.js';

/** How a Git host call is retried when the host rate-limits it. */
export interface GitRetryPolicy {
  /** Further attempts after the first (0 = no retry). */
  retries: number;
  /** First wait; doubles each time, and the host's retry-after wins when longer. */
  minDelayMs: number;
  /** No single wait is longer than this (a retry-after of minutes is then reported, not slept). */
  maxDelayMs: number;
}

export const DEFAULT_GIT_RETRY: GitRetryPolicy = { retries: 3, minDelayMs: 1_000, maxDelayMs: 60_000 };

/**
 * Runs one Git host call with p-retry: a rate limit (GitHub's 403 "rate limit" or 429, GitLab's
 * 429) is retried after the host's retry-after, or on an exponential schedule without one. A
 * rate-limited request was not carried out, so this is safe for writes too. Anything else, and a
 * retry-after longer than `maxDelayMs`, is thrown at once.
 */
export function withGitRetry<T>(run: () => Promise<T>, policy: GitRetryPolicy = DEFAULT_GIT_RETRY): Promise<T> {
  return pRetry(run, {
    retries: policy.retries,
    minTimeout: policy.minDelayMs,
    maxTimeout: policy.maxDelayMs,
    factor: 2,
    shouldRetry: ({ error }) =>
      error instanceof GitProviderError &&
      error.refusal === 'rate_limited' &&
      (error.retryAfterMs ?? 0) <= policy.maxDelayMs,
    onFailedAttempt: async ({ error }) => {
      const wait = error instanceof GitProviderError ? error.retryAfterMs : undefined;
      if (wait !== undefined && wait > policy.minDelayMs && wait <= policy.maxDelayMs)
        await new Promise((resolve) => setTimeout(resolve, wait));
    },
  });
}
