/**
 * GitHub's contents and git data API over bare repositories, as the fake GitHub serves it:
 * contents, trees (read and write), commits, and refs (create, fast-forward or forced update).
 */
import type { BareRepository } from './bare-repository.js';
import { HttpFailure, text, type Route } from './http-kit.js';

/** What a route needs of a served repository: its bare git. */
export interface ServedRepository {
  git: BareRepository;
}

/** How the git data routes reach the fake's repositories. */
export interface GitDataAccess<Repository extends ServedRepository> {
  /** The repository `owner/name`; throws a 404 `HttpFailure` when it is not served. */
  repoOf(owner: string, name: string): Repository;
  /** A branch moved (pull requests whose head it is recompute their mergeability). */
  onBranchMoved(repo: Repository, branch: string): void;
}

/** The commit `ref` names in `repo`, or a 404. */
export async function mustResolve(repo: ServedRepository, ref: string): Promise<string> {
  const sha = await repo.git.resolve(ref);
  if (!sha) throw new HttpFailure(404, { message: 'Not Found' });
  return sha;
}

/** The contents and git data routes of the fake GitHub. */
export function githubGitDataRoutes<Repository extends ServedRepository>(access: GitDataAccess<Repository>): Route[] {
  const must = mustResolve;
  return [
    {
      method: 'GET',
      pattern: '/repos/:owner/:repo/contents/*path',
      handle: async (p, _b, q) => {
        const repo = access.repoOf(p['owner'] ?? '', p['repo'] ?? '');
        const ref = await must(repo, q.get('ref') ?? 'HEAD');
        const content = await repo.git.readFile(ref, p['path'] ?? '');
        if (content === undefined) throw new HttpFailure(404, { message: 'Not Found' });
        const path = p['path'] ?? '';
        return {
          type: 'file',
          encoding: 'base64',
          path,
          name: path.split('/').at(-1),
          content: Buffer.from(content).toString('base64'),
        };
      },
    },
    {
      method: 'GET',
      pattern: '/repos/:owner/:repo/git/trees/:sha',
      handle: async (p, _b, q) => {
        const repo = access.repoOf(p['owner'] ?? '', p['repo'] ?? '');
        const sha = await must(repo, p['sha'] ?? '');
        const entries = await repo.git.listTree(sha);
        const recursive = q.has('recursive');
        const tree = entries.filter((entry) => recursive || !entry.path.includes('/'));
        return { sha: await repo.git.treeOf(sha), truncated: false, tree };
      },
    },
    {
      method: 'GET',
      pattern: '/repos/:owner/:repo/commits/:ref',
      handle: async (p) => {
        const repo = access.repoOf(p['owner'] ?? '', p['repo'] ?? '');
        const info = await repo.git.commitInfo(await must(repo, p['ref'] ?? ''));
        return {
          sha: info.sha,
          commit: { message: info.message, tree: { sha: info.tree } },
          parents: info.parents.map((sha) => ({ sha })),
        };
      },
    },
    {
      method: 'GET',
      pattern: '/repos/:owner/:repo/git/ref/*ref',
      handle: async (p) => {
        const repo = access.repoOf(p['owner'] ?? '', p['repo'] ?? '');
        const ref = p['ref'] ?? '';
        const sha = await repo.git.resolve(`refs/${ref}`);
        if (!sha) throw new HttpFailure(404, { message: 'Not Found' });
        return { ref: `refs/${ref}`, object: { sha, type: 'commit' } };
      },
    },
    {
      method: 'GET',
      pattern: '/repos/:owner/:repo/git/commits/:sha',
      handle: async (p) => {
        const repo = access.repoOf(p['owner'] ?? '', p['repo'] ?? '');
        const info = await repo.git.commitInfo(await must(repo, p['sha'] ?? ''));
        return {
          sha: info.sha,
          message: info.message,
          tree: { sha: info.tree },
          parents: info.parents.map((sha) => ({ sha })),
        };
      },
    },
    {
      method: 'POST',
      pattern: '/repos/:owner/:repo/git/trees',
      status: 201,
      handle: async (p, body) => {
        const repo = access.repoOf(p['owner'] ?? '', p['repo'] ?? '');
        const entries = Array.isArray(body['tree']) ? (body['tree'] as Array<Record<string, unknown>>) : [];
        const writes = entries.map((entry) => {
          const path = text(entry, 'path');
          if (!path) throw new HttpFailure(422, { message: 'Invalid tree entry: path is required' });
          if (entry['sha'] === null) return { path, content: undefined };
          const content = text(entry, 'content');
          if (content === undefined) throw new HttpFailure(422, { message: 'tree entries need content or sha: null' });
          return { path, content };
        });
        return { sha: await repo.git.writeTree(text(body, 'base_tree'), writes) };
      },
    },
    {
      method: 'POST',
      pattern: '/repos/:owner/:repo/git/commits',
      status: 201,
      handle: async (p, body) => {
        const repo = access.repoOf(p['owner'] ?? '', p['repo'] ?? '');
        const tree = text(body, 'tree');
        const message = text(body, 'message');
        if (!tree || !message) throw new HttpFailure(422, { message: 'tree and message are required' });
        const parents = Array.isArray(body['parents']) ? body['parents'].map(String) : [];
        const author = (body['author'] as { name?: string; email?: string } | undefined) ?? {};
        const sha = await repo.git.commitTree({
          tree,
          parents,
          message,
          author: { name: author.name ?? 'sre-bot[bot]', email: author.email ?? 'sre-bot@users.noreply.example.com' },
        });
        return { sha, tree: { sha: tree }, message, parents: parents.map((parent) => ({ sha: parent })) };
      },
    },
    {
      method: 'POST',
      pattern: '/repos/:owner/:repo/git/refs',
      status: 201,
      handle: async (p, body) => {
        const repo = access.repoOf(p['owner'] ?? '', p['repo'] ?? '');
        const ref = text(body, 'ref') ?? '';
        const sha = text(body, 'sha') ?? '';
        if (!ref.startsWith('refs/heads/')) throw new HttpFailure(422, { message: 'Reference name is invalid' });
        const isCreated = await repo.git.updateBranch(ref.slice('refs/heads/'.length), sha, null);
        if (!isCreated) throw new HttpFailure(422, { message: 'Reference already exists' });
        return { ref, object: { sha, type: 'commit' } };
      },
    },
    {
      method: 'PATCH',
      pattern: '/repos/:owner/:repo/git/refs/*ref',
      handle: async (p, body) => {
        const repo = access.repoOf(p['owner'] ?? '', p['repo'] ?? '');
        const ref = p['ref'] ?? '';
        const branch = ref.replace(/^heads\//, '');
        const sha = text(body, 'sha') ?? '';
        const current = await must(repo, `refs/heads/${branch}`);
        if (body['force'] !== true && !(await repo.git.isAncestor(current, sha)))
          throw new HttpFailure(422, { message: 'Update is not a fast forward' });
        await repo.git.updateBranch(branch, sha, current);
        access.onBranchMoved(repo, branch);
        return { ref: `refs/heads/${branch}`, object: { sha, type: 'commit' } };
      },
    },
  ];
}
