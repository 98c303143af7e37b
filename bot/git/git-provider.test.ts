import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGitRepo, type GitRepo } from '../../evaluators/sandbox/git/git-repo.js';
import { openBareRepository } from '../../evaluators/sandbox/git-host/bare-repository.js';
import { startFakeGithub, type FakeGithub } from '../../evaluators/sandbox/git-host/fake-github.js';
import { startFakeGitlab, type FakeGitlab } from '../../evaluators/sandbox/git-host/fake-gitlab.js';
import { GitProviderError, repositoryFromUrl, type GitProvider } from './git-provider.js';
import { createGithubProvider } from './github-provider.js';
import { createGitlabProvider } from './gitlab-provider.js';

const REPOSITORY = 'platform/gitops';

/** The same contract against both hosts, each a fake over a real bare repository. */
describe.each(['github', 'gitlab'] as const)('GitProvider contract: %s', (kind) => {
  let dir: string;
  let repo: GitRepo;
  let github: FakeGithub | undefined;
  let gitlab: FakeGitlab | undefined;
  let provider: GitProvider;
  const retry = { retries: 3, minDelayMs: 5, maxDelayMs: 2_000 };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'git-provider-'));
    repo = await createGitRepo(join(dir, 'gitops.git'), [
      {
        message: 'seed',
        author: 'Seed <seed@example.com>',
        date: new Date('2026-01-01T00:00:00Z'),
        files: {
          'apps/a/deployment.yaml': 'kind: Deployment # keep\nspec: { replicas: 1 }\n',
          'apps/a/old.yaml': 'kind: ConfigMap\n',
          'apps/b/x.yaml': 'kind: Service\n',
        },
      },
    ]);
    if (kind === 'github') {
      github = await startFakeGithub({ repositories: { [REPOSITORY]: repo.path } });
      provider = createGithubProvider({ baseUrl: github.url, token: github.token, retry });
    } else {
      gitlab = await startFakeGitlab({ repositories: { [REPOSITORY]: repo.path } });
      provider = createGitlabProvider({ baseUrl: gitlab.url, token: gitlab.token, retry });
    }
  });
  afterAll(async () => {
    await github?.close();
    await gitlab?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('retries a rate limit after the host says (403/429 with retry-after), and gives up on a long one', async () => {
    const host = github ?? gitlab;
    host?.limitNext(2, 0);
    expect(await provider.resolveRevision(REPOSITORY, 'main')).toBe(await repo.resolve('main'));
    // A retry-after past the policy's longest wait is reported, not slept through.
    host?.limitNext(1, 3_600);
    await expect(provider.resolveRevision(REPOSITORY, 'main')).rejects.toMatchObject({
      refusal: 'rate_limited',
      isRetryable: true,
      retryAfterMs: 60_000,
    });
  });

  it('reads files and trees at a revision, and says undefined for a missing file', async () => {
    const head = await provider.resolveRevision(REPOSITORY, 'main');
    expect(head).toBe(await repo.resolve('main'));
    expect(await provider.readFile(REPOSITORY, 'apps/a/deployment.yaml', head)).toContain('# keep');
    expect(await provider.readFile(REPOSITORY, 'apps/a/missing.yaml', head)).toBeUndefined();
    expect((await provider.listFiles(REPOSITORY, head, 'apps/a')).sort()).toEqual([
      'apps/a/deployment.yaml',
      'apps/a/old.yaml',
    ]);
  });

  it('opens one atomic multi-file commit as a pull request, merges it pinned to the head, and moves main', async () => {
    const before = await repo.resolve('main');
    const opened = await provider.openPullRequest({
      repository: REPOSITORY,
      base: 'main',
      branch: `fix/${kind}-1`,
      title: 'fix a',
      body: 'why',
      commitMessage: 'fix a',
      files: [
        { path: 'apps/a/deployment.yaml', content: 'kind: Deployment # keep\nspec: { replicas: 2 }\n' },
        { path: 'apps/a/old.yaml', content: undefined },
      ],
      labels: ['sre-bot'],
      reviewers: [],
    });
    expect(opened.state).toBe('open');
    expect(opened.isMergeable).toBeUndefined();
    expect((await provider.findOpenPullRequest(REPOSITORY, `fix/${kind}-1`))?.number).toBe(opened.number);
    // Still computing on the first read, then mergeable.
    await provider.getPullRequest(REPOSITORY, opened.number);
    const ready = await provider.getPullRequest(REPOSITORY, opened.number);
    expect(ready.isMergeable).toBe(true);

    const moved = provider.mergePullRequest(REPOSITORY, opened.number, { sha: before, title: 'merge' });
    await expect(moved).rejects.toMatchObject({ refusal: 'head_moved' });
    const merge = await provider.mergePullRequest(REPOSITORY, opened.number, { sha: ready.headSha, title: 'merge' });
    expect(await repo.resolve('main')).toBe(merge);
    const files = await repo.snapshot(merge);
    expect(files.get('apps/a/deployment.yaml')).toContain('replicas: 2');
    expect(files.has('apps/a/old.yaml')).toBe(false);
    expect(files.get('apps/b/x.yaml')).toBe('kind: Service\n');
    expect((await provider.getPullRequest(REPOSITORY, opened.number)).state).toBe('merged');
    await provider.comment(REPOSITORY, opened.number, 'healthy');
    const again = provider.mergePullRequest(REPOSITORY, opened.number, { sha: ready.headSha, title: 'merge' });
    await expect(again).rejects.toBeInstanceOf(GitProviderError);
  });

  it('adds a commit to an open pull request on top of its head, and replaces its title and body', async () => {
    const branch = `skills/${kind}-update`;
    const opened = await provider.openPullRequest({
      repository: REPOSITORY,
      base: 'main',
      branch,
      title: 'one correction',
      body: 'thread 1',
      commitMessage: 'first',
      files: [{ path: 'apps/b/new-1.yaml', content: 'n: 1\n' }],
      labels: [],
      reviewers: [],
    });
    const updated = await provider.updatePullRequest({
      repository: REPOSITORY,
      number: opened.number,
      branch,
      title: 'two corrections',
      body: 'thread 1\nthread 2',
      commitMessage: 'second',
      // One file the branch already has (update), one it does not (create).
      files: [
        { path: 'apps/b/new-1.yaml', content: 'n: 1\nm: 2\n' },
        { path: 'apps/b/new-2.yaml', content: 'n: 2\n' },
      ],
    });
    expect(updated).toMatchObject({ number: opened.number, state: 'open', branch });
    expect(updated.headSha).not.toBe(opened.headSha);
    expect(await repo.resolve(branch)).toBe(updated.headSha);
    const head = await openBareRepository(repo.path).commitInfo(updated.headSha);
    expect(head).toMatchObject({ message: 'second', parents: [opened.headSha] });
    const files = await repo.snapshot(updated.headSha);
    expect(files.get('apps/b/new-1.yaml')).toBe('n: 1\nm: 2\n');
    expect(files.get('apps/b/new-2.yaml')).toBe('n: 2\n');
    const hosted =
      github?.pulls(REPOSITORY).find((pull) => pull.number === opened.number) ??
      gitlab?.mergeRequests(REPOSITORY).find((request) => request.iid === opened.number);
    expect(hosted).toMatchObject({ title: 'two corrections' });
    expect(hosted && ('body' in hosted ? hosted.body : hosted.description)).toBe('thread 1\nthread 2');
    expect((await provider.findOpenPullRequest(REPOSITORY, branch))?.headSha).toBe(updated.headSha);
  });

  it('refuses a wrong token with an unauthorized refusal', async () => {
    const url = github?.url ?? gitlab?.url ?? '';
    const wrong =
      kind === 'github'
        ? createGithubProvider({ baseUrl: url, token: 'nope' })
        : createGitlabProvider({ baseUrl: url, token: 'nope' });
    await expect(wrong.resolveRevision(REPOSITORY, 'main')).rejects.toMatchObject({ refusal: 'unauthorized' });
  });
});

describe('repositoryFromUrl', () => {
  it('takes the path of https and scp-style URLs', () => {
    expect(repositoryFromUrl('https://git.example.com/platform/gitops.git')).toBe('platform/gitops');
    expect(repositoryFromUrl('git@github.com:platform/gitops.git')).toBe('platform/gitops');
  });
});

describe('GitHub merge refusals', () => {
  it('maps 405 required checks, 405 not mergeable, 422 and the secondary rate limit to refusals', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'git-refusals-'));
    const repo = await createGitRepo(join(dir, 'gitops.git'), [
      { message: 'seed', author: 'Seed <s@example.com>', date: new Date(0), files: { 'a.yaml': 'a: 1\n' } },
    ]);
    const github = await startFakeGithub({ repositories: { [REPOSITORY]: repo.path } });
    try {
      // No retries: each injected fault must surface as its refusal.
      const retry = { retries: 0, minDelayMs: 1, maxDelayMs: 1 };
      const provider = createGithubProvider({ baseUrl: github.url, token: github.token, retry });
      const pull = await provider.openPullRequest({
        repository: REPOSITORY,
        base: 'main',
        branch: 'fix/refusals',
        title: 't',
        body: 'b',
        commitMessage: 'm',
        files: [{ path: 'a.yaml', content: 'a: 2\n' }],
        labels: [],
        reviewers: [],
      });
      const expected = {
        checks_pending: 'checks_pending',
        not_mergeable: 'not_mergeable',
        unprocessable: 'unprocessable',
        rate_limited: 'rate_limited',
      } as const;
      for (const [fault, refusal] of Object.entries(expected)) {
        github.failNextMerge(fault as keyof typeof expected);
        const merge = provider.mergePullRequest(REPOSITORY, pull.number, { sha: pull.headSha, title: 'm' });
        await expect(merge, fault).rejects.toMatchObject({ refusal, isRetryable: refusal === 'rate_limited' });
      }
      expect(await repo.resolve('main')).toBe((await repo.log()).at(-1)?.sha);
    } finally {
      await github.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
