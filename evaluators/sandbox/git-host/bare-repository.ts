/**
 * Plumbing over a real bare git repository for the fake Git hosts (GitHub, GitLab): read blobs
 * and trees, write trees and commits without a work tree, move refs with compare-and-set, and
 * merge two commits the way a host does (a real three-way merge via `git merge-tree`).
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gitEnvironment } from '../git/git-repo.js';

const execFileAsync = promisify(execFile);

const environment = gitEnvironment;

/** A tree entry as a host lists it. */
export interface TreeEntry {
  path: string;
  mode: string;
  type: 'blob' | 'tree';
  sha: string;
}

/** A file to write into a new tree: content, or `undefined` to delete the path. */
export interface TreeWrite {
  path: string;
  content: string | undefined;
}

/** Who writes a commit. */
export interface CommitAuthor {
  name: string;
  email: string;
  date?: Date;
}

export interface BareRepository {
  readonly path: string;
  /** Full SHA of a branch, tag or SHA; undefined when unknown. */
  resolve(ref: string): Promise<string | undefined>;
  /** A file's text at a revision; undefined when absent. */
  readFile(rev: string, path: string): Promise<string | undefined>;
  /** Every entry of a revision's tree (recursive). */
  listTree(rev: string): Promise<TreeEntry[]>;
  /** The tree SHA of a commit. */
  treeOf(commit: string): Promise<string>;
  /** Message and parents of a commit. */
  commitInfo(commit: string): Promise<{ sha: string; tree: string; parents: string[]; message: string }>;
  /** A new tree: `base` plus the writes. */
  writeTree(base: string | undefined, writes: readonly TreeWrite[]): Promise<string>;
  /** A new commit object (no ref moves). */
  commitTree(input: {
    tree: string;
    parents: readonly string[];
    message: string;
    author: CommitAuthor;
  }): Promise<string>;
  /** Moves `refs/heads/<branch>` to `sha` when it still points at `expected` (undefined: must not exist). */
  updateBranch(branch: string, sha: string, expected?: string | null): Promise<boolean>;
  /** Three-way merge of `head` into `base`: the merged tree, or undefined on conflicts. */
  mergeTree(base: string, head: string): Promise<string | undefined>;
  /** True when `ancestor` is reachable from `descendant`. */
  isAncestor(ancestor: string, descendant: string): Promise<boolean>;
  /** Paths that differ between two commits. */
  changedPaths(from: string, to: string): Promise<string[]>;
}

/** Opens the bare repository at `path` (it must exist). */
export function openBareRepository(path: string): BareRepository {
  const git = async (args: string[], extra: Record<string, string> = {}, input?: string): Promise<string> => {
    if (input === undefined) {
      const { stdout } = await execFileAsync('git', args, { cwd: path, env: environment(extra), maxBuffer: 64 << 20 });
      return stdout;
    }
    return new Promise((resolve, reject) => {
      const child = spawn('git', args, { cwd: path, env: environment(extra) });
      let out = '';
      let err = '';
      child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
      child.on('error', reject);
      child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`git ${args[0]}: ${err.trim()}`))));
      child.stdin.end(input);
    });
  };
  const resolve = async (ref: string): Promise<string | undefined> => {
    try {
      const sha = (await git(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`])).trim();
      return sha || undefined;
    } catch {
      return undefined;
    }
  };
  const hashBlob = (content: string): Promise<string> =>
    git(['hash-object', '-w', '--stdin'], {}, content).then((out) => out.trim());

  return {
    path,
    resolve,
    async readFile(rev, file) {
      try {
        return await git(['show', `${rev}:${file}`]);
      } catch {
        return undefined;
      }
    },
    async listTree(rev) {
      const raw = await git(['ls-tree', '-r', '-t', '-z', rev]);
      return raw
        .split('\0')
        .filter((line) => line.length > 0)
        .map((line) => {
          const tab = line.indexOf('\t');
          const [mode = '', type = '', sha = ''] = line.slice(0, tab).split(' ');
          return { path: line.slice(tab + 1), mode, type: type === 'tree' ? 'tree' : 'blob', sha };
        });
    },
    async treeOf(commit) {
      return (await git(['rev-parse', `${commit}^{tree}`])).trim();
    },
    async commitInfo(commit) {
      const raw = await git(['show', '-s', '--format=%H%x00%T%x00%P%x00%B', commit]);
      const [sha = '', tree = '', parents = '', message = ''] = raw.split('\0');
      return { sha, tree, parents: parents.split(' ').filter(Boolean), message: message.trimEnd() };
    },
    async writeTree(base, writes) {
      const scratch = await mkdtemp(join(tmpdir(), 'fake-git-index-'));
      const env = { GIT_INDEX_FILE: join(scratch, 'index') };
      try {
        if (base) await git(['read-tree', base], env);
        else await git(['read-tree', '--empty'], env);
        const lines: string[] = [];
        for (const write of writes) {
          if (write.content === undefined) lines.push(`0 ${'0'.repeat(40)}\t${write.path}`);
          else lines.push(`100644 ${await hashBlob(write.content)}\t${write.path}`);
        }
        if (lines.length > 0) await git(['update-index', '--index-info'], env, `${lines.join('\n')}\n`);
        return (await git(['write-tree'], env)).trim();
      } finally {
        await rm(scratch, { recursive: true, force: true });
      }
    },
    async commitTree({ tree, parents, message, author }) {
      const when = `${Math.floor((author.date ?? new Date()).getTime() / 1000)} +0000`;
      const env = {
        GIT_AUTHOR_NAME: author.name,
        GIT_AUTHOR_EMAIL: author.email,
        GIT_AUTHOR_DATE: when,
        GIT_COMMITTER_NAME: author.name,
        GIT_COMMITTER_EMAIL: author.email,
        GIT_COMMITTER_DATE: when,
      };
      const args = ['commit-tree', tree, ...parents.flatMap((parent) => ['-p', parent])];
      return (await git(args, env, message)).trim();
    },
    async updateBranch(branch, sha, expected) {
      const old = expected === undefined ? [] : [expected ?? '0'.repeat(40)];
      try {
        await git(['update-ref', `refs/heads/${branch}`, sha, ...old]);
        return true;
      } catch {
        return false;
      }
    },
    async mergeTree(base, head) {
      try {
        return (await git(['merge-tree', '--write-tree', base, head])).split('\n')[0]?.trim();
      } catch {
        return undefined;
      }
    },
    async isAncestor(ancestor, descendant) {
      try {
        await git(['merge-base', '--is-ancestor', ancestor, descendant]);
        return true;
      } catch {
        return false;
      }
    },
    async changedPaths(from, to) {
      const raw = await git(['diff', '--name-only', '-z', from, to]);
      return raw.split('\0').filter(Boolean);
    },
  };
}
