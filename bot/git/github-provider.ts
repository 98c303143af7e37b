import { Octokit } from '@octokit/rest';
import { errorMessage, parseRetryAfter } from '../errors.js';
import {
  GitProviderError,
  type FileChange,
  type GitProvider,
  type GitRefusal,
  type PullRequestState,
} from './git-provider.js';
import { withGitRetry, type GitRetryPolicy } from './git-retry.js';

/** GitHub settings: REST base URL (GitHub Enterprise: `https://host/api/v3`) and an installation or PAT token. */
export interface GithubProviderOptions {
  baseUrl: string;
  token: string;
  /** Author of fix commits. */
  author?: { name: string; email: string };
  /** Rate-limit retries (default DEFAULT_GIT_RETRY). */
  retry?: GitRetryPolicy;
}

function split(repository: string): { owner: string; repo: string } {
  const [owner = '', repo = ''] = repository.split('/');
  return { owner, repo };
}

function statusOf(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | undefined)?.status;
  return typeof status === 'number' ? status : undefined;
}

/** Maps a GitHub answer to the fix loop's refusal vocabulary. */
export function githubRefusal(status: number | undefined, message: string): GitRefusal {
  if (status === 404) return 'not_found';
  if (status === 401) return 'unauthorized';
  if (status === 429 || (status === 403 && /rate limit/i.test(message))) return 'rate_limited';
  if (status === 403) return 'unauthorized';
  if (status === 405 && /status check/i.test(message)) return 'checks_pending';
  if (status === 405) return 'not_mergeable';
  if (status === 409) return 'head_moved';
  if (status === 422) return 'unprocessable';
  return 'unavailable';
}

function retryAfterOf(error: unknown): number | undefined {
  const headers = (error as { response?: { headers?: Record<string, unknown> } } | undefined)?.response?.headers;
  const value = headers?.['retry-after'];
  return parseRetryAfter(typeof value === 'string' || typeof value === 'number' ? String(value) : undefined);
}

function wrap(action: string, error: unknown): GitProviderError {
  const status = statusOf(error);
  const message = errorMessage(error);
  return new GitProviderError(githubRefusal(status, message), `GitHub ${action}: ${message}`, status, {
    cause: error,
    retryAfterMs: retryAfterOf(error),
  });
}

interface PullFields {
  number: number;
  html_url: string;
  head: { ref: string; sha: string };
  state: string;
  merged: boolean;
  mergeable: boolean | null;
  merge_commit_sha: string | null;
}

function pullState(pull: PullFields): PullRequestState {
  return {
    number: pull.number,
    url: pull.html_url,
    branch: pull.head.ref,
    headSha: pull.head.sha,
    state: pull.merged ? 'merged' : pull.state === 'open' ? 'open' : 'closed',
    ...(pull.mergeable === null ? {} : { isMergeable: pull.mergeable }),
    ...(pull.merged && pull.merge_commit_sha ? { mergeCommitSha: pull.merge_commit_sha } : {}),
  };
}

/** The GitProvider over the GitHub REST API (`@octokit/rest`); one atomic commit through the git data API. */
export function createGithubProvider(options: GithubProviderOptions): GitProvider {
  const octokit = new Octokit({ auth: options.token, baseUrl: options.baseUrl, userAgent: 'sre-bot' });
  const author = options.author ?? { name: 'sre-bot', email: 'sre-bot@users.noreply.github.com' };
  // Octokit's own retry plugin is not loaded: rate limits are retried here, by p-retry, once per call.
  const call = <T>(action: string, run: () => Promise<T>): Promise<T> =>
    withGitRetry(async () => {
      try {
        return await run();
      } catch (error) {
        throw wrap(action, error);
      }
    }, options.retry);

  /** A commit of `files` on top of `parentSha` through the git data API (no ref moves). */
  async function commitOnto(
    repository: string,
    parentSha: string,
    files: readonly FileChange[],
    message: string,
  ): Promise<string> {
    const where = split(repository);
    const parentTree = (await octokit.rest.git.getCommit({ ...where, commit_sha: parentSha })).data.tree.sha;
    const tree = await octokit.rest.git.createTree({
      ...where,
      base_tree: parentTree,
      tree: files.map((file) =>
        file.content === undefined
          ? { path: file.path, mode: '100644' as const, type: 'blob' as const, sha: null }
          : { path: file.path, mode: '100644' as const, type: 'blob' as const, content: file.content },
      ),
    });
    const commit = await octokit.rest.git.createCommit({
      ...where,
      message,
      tree: tree.data.sha,
      parents: [parentSha],
      author,
    });
    return commit.data.sha;
  }

  const provider: GitProvider = {
    kind: 'github',
    async readFile(repository, path, ref) {
      try {
        return await call(`read ${path}`, async () => {
          const { data } = await octokit.rest.repos.getContent({ ...split(repository), path, ref });
          if (Array.isArray(data) || data.type !== 'file' || !('content' in data)) return undefined;
          return Buffer.from(data.content, 'base64').toString('utf8');
        });
      } catch (error) {
        if (error instanceof GitProviderError && error.refusal === 'not_found') return undefined;
        throw error;
      }
    },
    listFiles: (repository, ref, directory) =>
      call('list files', async () => {
        const { data } = await octokit.rest.git.getTree({ ...split(repository), tree_sha: ref, recursive: 'true' });
        const prefix = directory.replace(/\/+$/, '');
        return data.tree
          .filter((entry) => entry.type === 'blob' && entry.path !== undefined)
          .map((entry) => entry.path ?? '')
          .filter((path) => prefix === '' || path.startsWith(`${prefix}/`));
      }),
    resolveRevision: (repository, ref) =>
      call(`resolve ${ref}`, async () => (await octokit.rest.repos.getCommit({ ...split(repository), ref })).data.sha),
    findOpenPullRequest: (repository, branch) =>
      call('list pull requests', async () => {
        const { owner, repo } = split(repository);
        const { data } = await octokit.rest.pulls.list({ owner, repo, head: `${owner}:${branch}`, state: 'open' });
        const first = data[0];
        return first ? pullState({ ...first, merged: false, mergeable: null }) : undefined;
      }),
    openPullRequest: (input) =>
      call('open pull request', async () => {
        const where = split(input.repository);
        const baseSha = (await octokit.rest.git.getRef({ ...where, ref: `heads/${input.base}` })).data.object.sha;
        const sha = await commitOnto(input.repository, baseSha, input.files, input.commitMessage);
        await octokit.rest.git.createRef({ ...where, ref: `refs/heads/${input.branch}`, sha });
        const { data: pull } = await octokit.rest.pulls.create({
          ...where,
          title: input.title,
          body: input.body,
          head: input.branch,
          base: input.base,
        });
        if (input.labels.length > 0)
          await octokit.rest.issues.addLabels({ ...where, issue_number: pull.number, labels: [...input.labels] });
        if (input.reviewers.length > 0)
          await octokit.rest.pulls.requestReviewers({
            ...where,
            pull_number: pull.number,
            reviewers: [...input.reviewers],
          });
        return pullState({ ...pull, merged: false, mergeable: null });
      }),
    updatePullRequest: (input) =>
      call(`update pull request #${input.number}`, async () => {
        const where = split(input.repository);
        const ref = `heads/${input.branch}`;
        const headSha = (await octokit.rest.git.getRef({ ...where, ref })).data.object.sha;
        const sha = await commitOnto(input.repository, headSha, input.files, input.commitMessage);
        // Not forced: a branch that moved meanwhile refuses the update (422) instead of losing a commit.
        await octokit.rest.git.updateRef({ ...where, ref, sha, force: false });
        const { data: pull } = await octokit.rest.pulls.update({
          ...where,
          pull_number: input.number,
          title: input.title,
          body: input.body,
        });
        return pullState({ ...pull, head: { ...pull.head, sha }, merged: false, mergeable: null });
      }),
    getPullRequest: (repository, number) =>
      call(`read pull request #${number}`, async () =>
        pullState((await octokit.rest.pulls.get({ ...split(repository), pull_number: number })).data),
      ),
    mergePullRequest: (repository, number, input) =>
      call(`merge pull request #${number}`, async () => {
        const { data } = await octokit.rest.pulls.merge({
          ...split(repository),
          pull_number: number,
          sha: input.sha,
          merge_method: 'merge',
          commit_title: input.title,
        });
        return data.sha;
      }),
    comment: (repository, number, body) =>
      call(`comment on #${number}`, async () => {
        await octokit.rest.issues.createComment({ ...split(repository), issue_number: number, body });
      }),
  };
  return provider;
}
