import { errorMessage, parseRetryAfter } from '../errors.js';
import {
  GitProviderError,
  type FileChange,
  type GitProvider,
  type GitRefusal,
  type PullRequestState,
} from './git-provider.js';
import { withGitRetry, type GitRetryPolicy } from './git-retry.js';

/** GitLab settings: the instance URL (`https://gitlab.example.com`) and a project or group access token. */
export interface GitlabProviderOptions {
  baseUrl: string;
  token: string;
  /** Rate-limit retries (default DEFAULT_GIT_RETRY). */
  retry?: GitRetryPolicy;
}

/** Maps a GitLab REST v4 answer to the fix loop's refusal vocabulary. */
export function gitlabRefusal(status: number, message: string): GitRefusal {
  if (status === 404) return 'not_found';
  if (status === 401 || status === 403) return 'unauthorized';
  if (status === 429) return 'rate_limited';
  if (status === 405 && /pipeline|check/i.test(message)) return 'checks_pending';
  if (status === 405 || status === 406) return 'not_mergeable';
  if (status === 409) return 'head_moved';
  if (status === 422) return 'unprocessable';
  return 'unavailable';
}

interface MergeRequest {
  iid: number;
  web_url: string;
  source_branch: string;
  sha: string;
  state: string;
  merge_status?: string;
  detailed_merge_status?: string;
  merge_commit_sha?: string | null;
}

function mergeRequestState(request: MergeRequest): PullRequestState {
  const status = request.detailed_merge_status ?? request.merge_status ?? 'checking';
  const isComputing = ['checking', 'unchecked', 'preparing', 'approvals_syncing'].includes(status);
  return {
    number: request.iid,
    url: request.web_url,
    branch: request.source_branch,
    headSha: request.sha,
    state: request.state === 'merged' ? 'merged' : request.state === 'opened' ? 'open' : 'closed',
    ...(isComputing ? {} : { isMergeable: status === 'mergeable' || status === 'can_be_merged' }),
    ...(request.state === 'merged' && request.merge_commit_sha ? { mergeCommitSha: request.merge_commit_sha } : {}),
  };
}

/** The GitProvider over the GitLab REST API v4: one commit with several actions, merge requests, notes. */
export function createGitlabProvider(options: GitlabProviderOptions): GitProvider {
  const api = `${options.baseUrl.replace(/\/+$/, '')}/api/v4`;
  const project = (repository: string): string => `${api}/projects/${encodeURIComponent(repository)}`;

  const request = (action: string, url: string, init: RequestInit = {}): Promise<Response> =>
    withGitRetry(() => send(action, url, init), options.retry);

  async function send(action: string, url: string, init: RequestInit): Promise<Response> {
    let response: Response;
    try {
      response = await fetch(url, {
        ...init,
        headers: { 'private-token': options.token, 'content-type': 'application/json', ...init.headers },
      });
    } catch (error) {
      throw new GitProviderError('unavailable', `GitLab ${action}: ${errorMessage(error)}`, undefined, {
        cause: error,
      });
    }
    if (response.ok) return response;
    const body = await response.text();
    let message = body;
    try {
      const parsed = JSON.parse(body) as { message?: unknown; error?: unknown };
      message = String(parsed.message ?? parsed.error ?? body);
    } catch {
      // Not JSON: keep the text.
    }
    throw new GitProviderError(
      gitlabRefusal(response.status, message),
      `GitLab ${action}: ${message}`,
      response.status,
      { retryAfterMs: parseRetryAfter(response.headers.get('retry-after')) },
    );
  }
  const json = async <T>(action: string, url: string, init?: RequestInit): Promise<T> =>
    (await (await request(action, url, init)).json()) as T;

  /** Commit actions: GitLab refuses `update` of a file that does not exist and `create` of one that does. */
  async function actionsFor(repository: string, ref: string, files: readonly FileChange[]) {
    return Promise.all(
      files.map(async (file) => {
        if (file.content === undefined) return { action: 'delete', file_path: file.path };
        const exists = (await provider.readFile(repository, file.path, ref)) !== undefined;
        return { action: exists ? 'update' : 'create', file_path: file.path, content: file.content };
      }),
    );
  }

  const provider: GitProvider = {
    kind: 'gitlab',
    async readFile(repository, path, ref) {
      try {
        const file = encodeURIComponent(path);
        const url = `${project(repository)}/repository/files/${file}/raw?ref=${encodeURIComponent(ref)}`;
        return await (await request(`read ${path}`, url)).text();
      } catch (error) {
        if (error instanceof GitProviderError && error.refusal === 'not_found') return undefined;
        throw error;
      }
    },
    async listFiles(repository, ref, directory) {
      const files: string[] = [];
      for (let page = 1; page > 0;) {
        const query = new URLSearchParams({ ref, recursive: 'true', per_page: '100', page: String(page) });
        if (directory) query.set('path', directory);
        const response = await request('list files', `${project(repository)}/repository/tree?${query.toString()}`);
        const entries = (await response.json()) as Array<{ type: string; path: string }>;
        files.push(...entries.filter((entry) => entry.type === 'blob').map((entry) => entry.path));
        page = Number(response.headers.get('x-next-page') || 0);
      }
      return files;
    },
    async resolveRevision(repository, ref) {
      const commit = await json<{ id: string }>(
        `resolve ${ref}`,
        `${project(repository)}/repository/commits/${encodeURIComponent(ref)}`,
      );
      return commit.id;
    },
    async findOpenPullRequest(repository, branch) {
      const query = new URLSearchParams({ source_branch: branch, state: 'opened' });
      const found = await json<MergeRequest[]>('list merge requests', `${project(repository)}/merge_requests?${query}`);
      return found[0] ? mergeRequestState(found[0]) : undefined;
    },
    async openPullRequest(input) {
      await json('commit', `${project(input.repository)}/repository/commits`, {
        method: 'POST',
        body: JSON.stringify({
          branch: input.branch,
          start_branch: input.base,
          commit_message: input.commitMessage,
          actions: await actionsFor(input.repository, input.base, input.files),
        }),
      });
      const created = await json<MergeRequest>('open merge request', `${project(input.repository)}/merge_requests`, {
        method: 'POST',
        body: JSON.stringify({
          source_branch: input.branch,
          target_branch: input.base,
          title: input.title,
          description: input.body,
          labels: input.labels.join(','),
          remove_source_branch: true,
        }),
      });
      return mergeRequestState(created);
    },
    async updatePullRequest(input) {
      // Without start_branch the commit goes on top of the branch head, as a push would.
      await json('commit', `${project(input.repository)}/repository/commits`, {
        method: 'POST',
        body: JSON.stringify({
          branch: input.branch,
          commit_message: input.commitMessage,
          actions: await actionsFor(input.repository, input.branch, input.files),
        }),
      });
      return mergeRequestState(
        await json<MergeRequest>(
          `update merge request !${input.number}`,
          `${project(input.repository)}/merge_requests/${input.number}`,
          { method: 'PUT', body: JSON.stringify({ title: input.title, description: input.body }) },
        ),
      );
    },
    async getPullRequest(repository, number) {
      return mergeRequestState(
        await json<MergeRequest>(`read merge request !${number}`, `${project(repository)}/merge_requests/${number}`),
      );
    },
    async mergePullRequest(repository, number, input) {
      const merged = await json<MergeRequest>(
        `merge merge request !${number}`,
        `${project(repository)}/merge_requests/${number}/merge`,
        { method: 'PUT', body: JSON.stringify({ sha: input.sha, merge_commit_message: input.title }) },
      );
      if (!merged.merge_commit_sha)
        throw new GitProviderError('unavailable', `GitLab merged !${number} but reported no merge commit`);
      return merged.merge_commit_sha;
    },
    async comment(repository, number, body) {
      await json(`comment on !${number}`, `${project(repository)}/merge_requests/${number}/notes`, {
        method: 'POST',
        body: JSON.stringify({ body }),
      });
    },
  };
  return provider;
}
