import { BotError, type BotErrorOptions } from '../errors.js';

/**
 * The port the fix loop opens and merges pull requests through. GitHub and GitLab implement it;
 * the fix planner and the fix service know nothing else about the host.
 */
export interface GitProvider {
  readonly kind: 'github' | 'gitlab';
  /** A file's text at `ref`; undefined when the file does not exist there. */
  readFile(repository: string, path: string, ref: string): Promise<string | undefined>;
  /** Every file path under `directory` at `ref` (recursive; `''` = the whole repository). */
  listFiles(repository: string, ref: string, directory: string): Promise<string[]>;
  /** The full commit SHA of a branch, tag or SHA. */
  resolveRevision(repository: string, ref: string): Promise<string>;
  /** The open pull request whose head is `branch`, if any (so a retry never opens a second). */
  findOpenPullRequest(repository: string, branch: string): Promise<PullRequestState | undefined>;
  /** One atomic commit of every file change on a new branch off `base`, then the pull request. */
  openPullRequest(input: OpenPullRequestInput): Promise<PullRequestState>;
  /**
   * One more commit of every file change on the open pull request's branch (on top of its head,
   * never a force push), then its title and body replaced: a later change joins the same review.
   */
  updatePullRequest(input: UpdatePullRequestInput): Promise<PullRequestState>;
  getPullRequest(repository: string, number: number): Promise<PullRequestState>;
  /** Merges only if the head is still `sha` (the approved one); returns the merge commit. */
  mergePullRequest(repository: string, number: number, input: { sha: string; title: string }): Promise<string>;
  comment(repository: string, number: number, body: string): Promise<void>;
}

/** One file as it will be after the commit; `content: undefined` deletes it. */
export interface FileChange {
  path: string;
  content: string | undefined;
}

export interface OpenPullRequestInput {
  repository: string;
  base: string;
  branch: string;
  title: string;
  body: string;
  commitMessage: string;
  files: readonly FileChange[];
  labels: readonly string[];
  reviewers: readonly string[];
}

export interface UpdatePullRequestInput {
  repository: string;
  number: number;
  branch: string;
  title: string;
  body: string;
  commitMessage: string;
  files: readonly FileChange[];
}

/** A pull (merge) request as the fix loop tracks it. */
export interface PullRequestState {
  number: number;
  url: string;
  branch: string;
  headSha: string;
  state: 'open' | 'merged' | 'closed';
  /** `undefined` while the host is still computing it. */
  isMergeable?: boolean;
  mergeCommitSha?: string;
}

/** Why a host refused: each has its own sentence in the thread and the runbook. */
export type GitRefusal =
  | 'not_found'
  | 'unauthorized'
  | 'not_mergeable'
  | 'head_moved'
  | 'checks_pending'
  | 'unprocessable'
  | 'rate_limited'
  | 'unavailable';

/** A refusal or failure of the Git host; rate limits and outages are retryable. */
export class GitProviderError extends BotError {
  readonly refusal: GitRefusal;
  readonly status: number | undefined;
  /** The host's retry-after, when it sent one with a rate limit. */
  readonly retryAfterMs: number | undefined;

  constructor(
    refusal: GitRefusal,
    message: string,
    status?: number,
    options: BotErrorOptions & { retryAfterMs?: number | undefined } = {},
  ) {
    super(refusal === 'not_found' ? 'not_found' : 'upstream_unavailable', message, {
      ...options,
      isRetryable: refusal === 'rate_limited' || refusal === 'unavailable',
    });
    this.refusal = refusal;
    this.status = status;
    this.retryAfterMs = options.retryAfterMs;
  }
}

/** The repository path (`platform/gitops`) of a clone URL such as `https://git.example.com/platform/gitops.git`. */
export function repositoryFromUrl(repoURL: string): string {
  const cleaned = repoURL.replace(/\.git$/, '').replace(/\/+$/, '');
  const ssh = /^[^@/]+@[^:]+:(.+)$/.exec(cleaned);
  if (ssh?.[1]) return ssh[1];
  try {
    return new URL(cleaned).pathname.replace(/^\/+/, '');
  } catch {
    throw new BotError('invalid_input', `'${repoURL}' is not a git repository URL`);
  }
}
