import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commitFileEdits } from './edit-files.js';
import { createGitRepo, type GitRepo } from './git-repo.js';

describe('createGitRepo', () => {
  let dir: string;
  let repo: GitRepo;
  let first: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sre-bot-git-'));
    repo = await createGitRepo(join(dir, 'repo'), [
      {
        message: 'checkout: initial manifests',
        author: 'Dana Lee <dana@example.com>',
        date: new Date('2025-03-01T09:00:00Z'),
        files: {
          'apps/checkout/deployment.yaml': 'image: checkout:1.4.2\n',
          'apps/cart/deployment.yaml': 'image: cart:2.0.0\n',
        },
      },
      {
        message: 'checkout: bump to 1.4.3',
        author: 'Sam Ortiz <sam@example.com>',
        date: new Date('2025-03-02T10:30:00Z'),
        files: { 'apps/checkout/deployment.yaml': 'image: checkout:1.4.3\n' },
      },
    ]);
    first = (await repo.log())[1]?.sha ?? '';
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps authors, dates and messages as given, newest first', async () => {
    const log = await repo.log();
    expect(log.map((entry) => entry.message)).toEqual(['checkout: bump to 1.4.3', 'checkout: initial manifests']);
    expect(log[0]?.author).toBe('Sam Ortiz <sam@example.com>');
    expect(log[0]?.date.toISOString()).toBe('2025-03-02T10:30:00.000Z');
    expect(log[0]?.sha).toMatch(/^[0-9a-f]{40}$/);
  });

  it('resolves refs and short SHAs and reads files at any revision', async () => {
    expect(await repo.resolve(first.slice(0, 8))).toBe(first);
    const old = await repo.snapshot(first);
    const head = await repo.snapshot('HEAD');
    expect(old.get('apps/checkout/deployment.yaml')).toBe('image: checkout:1.4.2\n');
    expect(head.get('apps/checkout/deployment.yaml')).toBe('image: checkout:1.4.3\n');
    expect(await repo.changedPaths('HEAD')).toEqual(['apps/checkout/deployment.yaml']);
    await expect(repo.resolve('does-not-exist')).rejects.toThrow(/unable to resolve/);
  });

  it('commits a fix on top of HEAD and notifies listeners', async () => {
    const seen: string[] = [];
    const stop = repo.onCommit((sha) => seen.push(sha));
    const sha = await commitFileEdits(repo, {
      message: 'checkout: roll back to 1.4.2',
      author: 'On Call <oncall@example.com>',
      date: new Date('2025-03-02T11:00:00Z'),
      edits: [{ path: 'apps/checkout/deployment.yaml', find: '1.4.3', replace: '1.4.2' }],
    });
    stop();
    expect(seen).toEqual([sha]);
    expect((await repo.show(sha)).message).toBe('checkout: roll back to 1.4.2');
    expect((await repo.snapshot(sha)).get('apps/checkout/deployment.yaml')).toBe('image: checkout:1.4.2\n');
    await expect(
      commitFileEdits(repo, {
        message: 'x',
        author: 'a <a@b>',
        date: new Date(),
        edits: [{ path: 'apps/cart/deployment.yaml', find: 'nope', replace: 'x' }],
      }),
    ).rejects.toThrow(/text to replace not found/);
  });

  it('sees a branch pushed from a clone, like a merged pull request', async () => {
    const run = promisify(execFile);
    const clone = join(dir, 'clone');
    await run('git', ['clone', '-q', repo.path, clone]);
    await writeFile(join(clone, 'apps', 'cart', 'deployment.yaml'), 'image: cart:2.0.1\n');
    const env = {
      ...process.env,
      GIT_AUTHOR_NAME: 'Dev',
      GIT_AUTHOR_EMAIL: 'dev@example.com',
      GIT_COMMITTER_NAME: 'Dev',
      GIT_COMMITTER_EMAIL: 'dev@example.com',
    };
    await run('git', ['-C', clone, 'commit', '-qam', 'cart: 2.0.1'], { env });
    await run('git', ['-C', clone, 'push', '-q', 'origin', 'main'], { env });
    const pushed = (await run('git', ['-C', clone, 'rev-parse', 'HEAD'])).stdout.trim();
    const seen = new Promise<string>((resolve) => repo.onCommit(resolve));
    const stop = repo.watchHead(20);
    expect(await seen).toBe(pushed);
    stop();
    expect(await repo.resolve('HEAD')).toBe(pushed);
    expect((await repo.snapshot('HEAD')).get('apps/cart/deployment.yaml')).toBe('image: cart:2.0.1\n');
  });

  it('refuses paths outside the work tree', async () => {
    await expect(
      repo.commit({ message: 'x', author: 'a <a@b>', date: new Date(), files: { '../escape.yaml': 'x' } }),
    ).rejects.toThrow(/inside the repository/);
  });
});
