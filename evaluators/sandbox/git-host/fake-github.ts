/**
 * A stateful fake GitHub REST API on 127.0.0.1:0 backed by real bare git repositories: contents,
 * trees, refs, the git data API (trees, commits), pulls (create, list, get with `mergeable: null`
 * while computing, merge with the head SHA pinned), labels, reviewers, reviews and comments.
 * A merge moves the base branch of the bare repository, which is what the sandbox's Argo CD
 * watches. Merge faults (405, 409, 422, required checks) and secondary rate limits can be
 * injected. `@octokit/rest` talks to it through `baseUrl`.
 */
import { openBareRepository, type BareRepository } from './bare-repository.js';
import { githubGitDataRoutes, mustResolve } from './github-git-data-routes.js';
import { reviewRoutes, type PullReviewState } from './fake-github-reviews.js';
import { HttpFailure, startRouteServer, text, type RateLimiter, type Route } from './http-kit.js';

export interface FakePullRequest extends PullReviewState {
  title: string;
  body: string;
  head: string;
  base: string;
  state: 'open' | 'closed';
  merged: boolean;
  mergeCommitSha?: string;
  /** Reads of the PR left before `mergeable` is computed (GitHub answers null meanwhile). */
  pendingMergeabilityReads: number;
}

export interface FakeGithubOptions {
  /** `owner/name` → bare repository directory. */
  repositories: Record<string, string>;
  token?: string;
}

export type MergeFault = 'not_mergeable' | 'checks_pending' | 'unprocessable' | 'rate_limited';

export interface FakeGithub extends RateLimiter {
  readonly url: string;
  readonly token: string;
  pulls(repository: string): FakePullRequest[];
  /** The next merge of any PR fails this way once. */
  failNextMerge(fault: MergeFault): void;
  /** Every request: method and path. */
  readonly requests: Array<{ method: string; path: string }>;
  close(): Promise<void>;
}

interface RepositoryState {
  git: BareRepository;
  pulls: FakePullRequest[];
}

function pullJson(url: string, name: string, pull: FakePullRequest, headSha: string, mergeable: boolean | null) {
  return {
    url: `${url}/repos/${name}/pulls/${pull.number}`,
    html_url: `https://github.example.com/${name}/pull/${pull.number}`,
    number: pull.number,
    state: pull.state,
    title: pull.title,
    body: pull.body,
    merged: pull.merged,
    mergeable,
    mergeable_state: mergeable === null ? 'unknown' : mergeable ? 'clean' : 'dirty',
    merge_commit_sha: pull.mergeCommitSha ?? null,
    labels: pull.labels.map((label) => ({ name: label })),
    requested_reviewers: pull.reviewers.map((login) => ({ login })),
    head: { ref: pull.head, sha: headSha, repo: { full_name: name } },
    base: { ref: pull.base, repo: { full_name: name } },
  };
}

export async function startFakeGithub(options: FakeGithubOptions): Promise<FakeGithub> {
  const token = options.token ?? 'ghs_fake_installation_token';
  const repos = new Map<string, RepositoryState>(
    Object.entries(options.repositories).map(([name, path]) => [name, { git: openBareRepository(path), pulls: [] }]),
  );
  let nextFault: MergeFault | undefined;
  let url = '';

  const repoOf = (owner: string, name: string): RepositoryState => {
    const repo = repos.get(`${owner}/${name}`);
    if (!repo) throw new HttpFailure(404, { message: 'Not Found' });
    return repo;
  };
  const must = mustResolve;
  const pullOf = (repo: RepositoryState, number: string): FakePullRequest => {
    const pull = repo.pulls.find((candidate) => String(candidate.number) === number);
    if (!pull) throw new HttpFailure(404, { message: 'Not Found' });
    return pull;
  };
  const mergeable = async (repo: RepositoryState, pull: FakePullRequest): Promise<boolean> => {
    const base = await must(repo, pull.base);
    const head = await must(repo, pull.head);
    return (await repo.git.mergeTree(base, head)) !== undefined;
  };

  const routes: Route[] = [
    ...githubGitDataRoutes<RepositoryState>({
      repoOf,
      onBranchMoved: (repo, branch) => {
        for (const pull of repo.pulls) if (pull.head === branch) pull.pendingMergeabilityReads = 1;
      },
    }),
    {
      method: 'GET',
      pattern: '/repos/:owner/:repo/pulls',
      handle: async (p, _b, q) => {
        const name = `${p['owner'] ?? ''}/${p['repo'] ?? ''}`;
        const repo = repoOf(p['owner'] ?? '', p['repo'] ?? '');
        const head = q.get('head')?.split(':').at(-1);
        const state = q.get('state') ?? 'open';
        const pulls = repo.pulls.filter(
          (pull) => (!head || pull.head === head) && (state === 'all' || pull.state === state),
        );
        return Promise.all(pulls.map(async (pull) => pullJson(url, name, pull, await must(repo, pull.head), null)));
      },
    },
    {
      method: 'POST',
      pattern: '/repos/:owner/:repo/pulls',
      status: 201,
      handle: async (p, body) => {
        const name = `${p['owner'] ?? ''}/${p['repo'] ?? ''}`;
        const repo = repoOf(p['owner'] ?? '', p['repo'] ?? '');
        const head = text(body, 'head') ?? '';
        const base = text(body, 'base') ?? '';
        const title = text(body, 'title') ?? '';
        if (!title)
          throw new HttpFailure(422, {
            message: 'Validation Failed',
            errors: [{ field: 'title', code: 'missing_field' }],
          });
        const headSha = await must(repo, head);
        await must(repo, base);
        if (repo.pulls.some((pull) => pull.head === head && pull.state === 'open'))
          throw new HttpFailure(422, { message: `A pull request already exists for ${name.split('/')[0]}:${head}.` });
        const pull: FakePullRequest = {
          number: repo.pulls.length + 1,
          title,
          body: text(body, 'body') ?? '',
          head,
          base,
          state: 'open',
          merged: false,
          labels: [],
          reviewers: [],
          comments: [],
          reviews: [],
          pendingMergeabilityReads: 1,
        };
        repo.pulls.push(pull);
        return pullJson(url, name, pull, headSha, null);
      },
    },
    {
      method: 'GET',
      pattern: '/repos/:owner/:repo/pulls/:number',
      handle: async (p) => {
        const name = `${p['owner'] ?? ''}/${p['repo'] ?? ''}`;
        const repo = repoOf(p['owner'] ?? '', p['repo'] ?? '');
        const pull = pullOf(repo, p['number'] ?? '');
        const headSha = await must(repo, pull.head);
        if (pull.merged) return pullJson(url, name, pull, headSha, null);
        if (pull.pendingMergeabilityReads > 0) {
          pull.pendingMergeabilityReads -= 1;
          return pullJson(url, name, pull, headSha, null);
        }
        return pullJson(url, name, pull, headSha, await mergeable(repo, pull));
      },
    },
    {
      method: 'PUT',
      pattern: '/repos/:owner/:repo/pulls/:number/merge',
      handle: async (p, body) => {
        const repo = repoOf(p['owner'] ?? '', p['repo'] ?? '');
        const pull = pullOf(repo, p['number'] ?? '');
        const fault = nextFault;
        nextFault = undefined;
        if (fault === 'rate_limited')
          throw new HttpFailure(403, {
            message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
          });
        if (fault === 'checks_pending')
          throw new HttpFailure(405, { message: 'Required status check "ci/render" is expected.' });
        if (fault === 'unprocessable') throw new HttpFailure(422, { message: 'Validation Failed' });
        if (pull.merged || pull.state !== 'open')
          throw new HttpFailure(405, { message: 'Pull Request is not mergeable' });
        const headSha = await must(repo, pull.head);
        const pinned = text(body, 'sha');
        if (pinned && pinned !== headSha)
          throw new HttpFailure(409, { message: 'Head branch was modified. Review and try the merge again.' });
        const baseSha = await must(repo, pull.base);
        const tree = fault === 'not_mergeable' ? undefined : await repo.git.mergeTree(baseSha, headSha);
        if (!tree) throw new HttpFailure(405, { message: 'Pull Request is not mergeable' });
        const message = text(body, 'commit_title') ?? `Merge pull request #${pull.number} from ${pull.head}`;
        const merge = await repo.git.commitTree({
          tree,
          parents: [baseSha, headSha],
          message,
          author: { name: 'GitHub', email: 'noreply@github.example.com' },
        });
        if (!(await repo.git.updateBranch(pull.base, merge, baseSha)))
          throw new HttpFailure(409, { message: 'Base branch was modified. Review and try the merge again.' });
        pull.merged = true;
        pull.state = 'closed';
        pull.mergeCommitSha = merge;
        return { sha: merge, merged: true, message: 'Pull Request successfully merged' };
      },
    },
    {
      method: 'PATCH',
      pattern: '/repos/:owner/:repo/pulls/:number',
      handle: async (p, body) => {
        const name = `${p['owner'] ?? ''}/${p['repo'] ?? ''}`;
        const repo = repoOf(p['owner'] ?? '', p['repo'] ?? '');
        const pull = pullOf(repo, p['number'] ?? '');
        const title = text(body, 'title');
        const description = text(body, 'body');
        if (title !== undefined) pull.title = title;
        if (description !== undefined) pull.body = description;
        return pullJson(url, name, pull, await must(repo, pull.head), null);
      },
    },
    ...reviewRoutes((owner, name, number) => pullOf(repoOf(owner, name), number)),
  ];

  const server = await startRouteServer({
    routes,
    isAuthorized: (request) => {
      const auth = request.headers.authorization ?? '';
      return auth === `token ${token}` || auth === `Bearer ${token}`;
    },
    unauthorized: new HttpFailure(401, {
      message: 'Bad credentials',
      documentation_url: 'https://docs.github.com/rest',
    }),
    rateLimited: {
      status: 403,
      body: { message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.' },
    },
    notFound: { message: 'Not Found' },
  });
  url = server.url;
  return {
    url,
    token,
    requests: server.requests,
    pulls: (repository) => repos.get(repository)?.pulls ?? [],
    failNextMerge: (fault) => (nextFault = fault),
    limitNext: server.limitNext,
    close: server.close,
  };
}
