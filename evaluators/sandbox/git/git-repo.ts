import { execFile, spawn } from 'node:child_process';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { join, normalize, sep } from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/** One commit to write: files to create or overwrite, paths to delete, who and when. */
export interface GitCommitSpec {
  message: string;
  /** `Name <email>`. */
  author: string;
  /** When the commit was authored (and committed). */
  date: Date;
  files?: Readonly<Record<string, string>>;
  delete?: readonly string[];
}

/** A commit as `git log` reports it. */
export interface GitCommitInfo {
  sha: string;
  author: string;
  date: Date;
  message: string;
}

/**
 * A real (bare) git repository on disk holding the GitOps sources the fake Argo CD apps point at.
 * Bare, like a hosted remote: clone it to read or change files, push branches back to it.
 */
export interface GitRepo {
  /** The bare repository directory (`git clone <path>` works). */
  readonly path: string;
  /** The branch commits land on. */
  readonly branch: string;
  /** Writes and commits the files; resolves to the new commit SHA. */
  commit(spec: GitCommitSpec): Promise<string>;
  /** Full SHA of a ref (`HEAD`, a branch, a tag, a short or full SHA); throws when unknown. */
  resolve(ref: string): Promise<string>;
  /** Author, date and message of one revision. */
  show(rev: string): Promise<GitCommitInfo>;
  /** Commits newest first. */
  log(): Promise<GitCommitInfo[]>;
  /** Every file at a revision (path → text), cached per SHA. */
  snapshot(rev: string): Promise<ReadonlyMap<string, string>>;
  /** Paths a commit touched relative to its parent (all files for a root commit). */
  changedPaths(rev: string): Promise<string[]>;
  /** Called with the new SHA after every commit() and every head move seen by watchHead(). */
  onCommit(listener: (sha: string) => void): () => void;
  /** Polls the branch head so pushes from clones reach onCommit listeners; returns a stop function. */
  watchHead(intervalMs?: number): () => void;
}

/** Environment that isolates git from the machine's user/system config. */
export function gitEnvironment(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: '/nonexistent',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_TERMINAL_PROMPT: '0',
    LANG: 'C',
    ...extra,
  };
}

/** Splits `Name <email>` into its parts; a bare name gets a derived example.com address. */
export function parseAuthor(author: string): { name: string; email: string } {
  const match = /^\s*(.*?)\s*<([^>]+)>\s*$/.exec(author);
  if (match?.[1] && match[2]) return { name: match[1], email: match[2] };
  const name = author.trim();
  return { name, email: `${name.toLowerCase().replace(/[^a-z0-9]+/g, '.')}@example.com` };
}

/** Rejects paths that would escape the work tree or touch `.git`. */
function safeRelativePath(path: string): string {
  const cleaned = normalize(path).replace(/^(\.\/)+/, '');
  if (cleaned.startsWith('..') || cleaned.startsWith(sep) || cleaned === '.git' || cleaned.startsWith(`.git${sep}`)) {
    throw new Error(`git path '${path}' must stay inside the repository`);
  }
  return cleaned;
}

async function git(cwd: string, args: string[], env: Record<string, string> = {}): Promise<string> {
  const { stdout } = await execFileAsync('git', args, { cwd, env: gitEnvironment(env), maxBuffer: 256 * 1024 * 1024 });
  return stdout;
}

/** Reads many blobs with one `git cat-file --batch` process. */
function readBlobs(cwd: string, shas: string[]): Promise<Map<string, string>> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', ['cat-file', '--batch'], { cwd, env: gitEnvironment() });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) {
        reject(new Error(`git cat-file exited with ${String(code)}`));
        return;
      }
      const output = Buffer.concat(chunks);
      const blobs = new Map<string, string>();
      let offset = 0;
      while (offset < output.length) {
        const headerEnd = output.indexOf(0x0a, offset);
        if (headerEnd < 0) break;
        const [sha = '', , size = '0'] = output.subarray(offset, headerEnd).toString('utf8').split(' ');
        const length = Number(size);
        blobs.set(sha, output.subarray(headerEnd + 1, headerEnd + 1 + length).toString('utf8'));
        offset = headerEnd + 1 + length + 1;
      }
      resolve(blobs);
    });
    child.stdin.end(shas.map((sha) => `${sha}\n`).join(''));
  });
}

function epochSeconds(date: Date): number {
  return Math.floor(date.getTime() / 1000);
}

/** Writes many commits with one `git fast-import` (spawning git per commit is slow); returns their SHAs. */
async function fastImport(
  dir: string,
  branch: string,
  commits: readonly GitCommitSpec[],
  parent?: string,
): Promise<string[]> {
  const chunks: Buffer[] = [];
  const push = (text: string | Buffer): void => {
    chunks.push(typeof text === 'string' ? Buffer.from(text) : text);
  };
  const data = (text: string): void => {
    const body = Buffer.from(text);
    push(`data ${body.length}\n`);
    push(body);
    push('\n');
  };
  commits.forEach((spec, index) => {
    const { name, email } = parseAuthor(spec.author);
    const who = `${name} <${email}> ${epochSeconds(spec.date)} +0000`;
    push(`commit refs/heads/${branch}\nmark :${index + 1}\nauthor ${who}\ncommitter ${who}\n`);
    data(spec.message.endsWith('\n') ? spec.message : `${spec.message}\n`);
    if (index > 0) push(`from :${index}\n`);
    else if (parent) push(`from ${parent}\n`);
    for (const path of spec.delete ?? []) push(`D ${safeRelativePath(path)}\n`);
    for (const [path, content] of Object.entries(spec.files ?? {})) {
      push(`M 100644 inline ${safeRelativePath(path)}\n`);
      data(content);
    }
    push('\n');
  });
  const marks = join(dir, `sandbox-marks-${process.pid}`);
  await new Promise<void>((resolve, reject) => {
    const child = spawn('git', ['fast-import', '--quiet', `--export-marks=${marks}`], {
      cwd: dir,
      env: gitEnvironment(),
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`git fast-import failed: ${stderr.trim()}`)),
    );
    child.stdin.end(Buffer.concat(chunks));
  });
  const exported = await readFile(marks, 'utf8');
  await rm(marks, { force: true });
  const byMark = new Map(
    exported
      .trim()
      .split('\n')
      .map((line) => {
        const [mark = '', sha = ''] = line.split(' ');
        return [mark, sha] as const;
      }),
  );
  return commits.map((_, index) => byMark.get(`:${index + 1}`) ?? '');
}

/**
 * Creates a bare git repository in `dir` (which must be empty or absent) and writes `commits` in
 * order, each with its own author and date, so SHAs, `git log` and Argo CD revision metadata are
 * real. Commits go through `git fast-import`: no work tree, one process for the whole history.
 */
export async function createGitRepo(
  dir: string,
  commits: readonly GitCommitSpec[] = [],
  branch = 'main',
): Promise<GitRepo> {
  await mkdir(dir, { recursive: true });
  await git(dir, ['init', '-q', '--bare', '-b', branch]);

  const snapshots = new Map<string, Promise<ReadonlyMap<string, string>>>();
  const listeners = new Set<(sha: string) => void>();
  let queue: Promise<unknown> = Promise.resolve();

  const known = new Set<string>();
  let head: string | undefined;

  /** The branch head as stored on disk (a push from a clone moves it without telling us). */
  const readHead = async (): Promise<string | undefined> => {
    try {
      return (await readFile(join(dir, 'refs', 'heads', branch), 'utf8')).trim();
    } catch {
      try {
        return (await git(dir, ['rev-parse', '--verify', '--quiet', `${branch}^{commit}`])).trim() || undefined;
      } catch {
        return undefined;
      }
    }
  };

  const commitNow = async (spec: GitCommitSpec): Promise<string> => {
    const parent = await readHead();
    const [sha = ''] = await fastImport(dir, branch, [spec], parent);
    known.add(sha);
    head = sha;
    return sha;
  };
  const resolveRef = async (ref: string): Promise<string> => {
    // Commits are immutable and only this object moves the branch: answer the common cases
    // without spawning git (Argo CD resolves HEAD on every comparison).
    if (ref === 'HEAD' || ref === branch) {
      const current = await readHead();
      if (current) {
        known.add(current);
        head = current;
        return current;
      }
    }
    if (/^[0-9a-f]{40}$/.test(ref) && known.has(ref)) return ref;
    try {
      return (await git(dir, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`])).trim();
    } catch (error) {
      throw new Error(`unable to resolve '${ref}' to a commit SHA`, { cause: error });
    }
  };

  const show = async (rev: string): Promise<GitCommitInfo> => {
    const sha = await resolveRef(rev);
    const raw = await git(dir, ['show', '-s', '--format=%H%x00%an <%ae>%x00%aI%x00%B', sha]);
    const [hash = sha, author = '', date = '', message = ''] = raw.split('\0');
    return { sha: hash, author, date: new Date(date), message: message.trimEnd() };
  };

  const repo: GitRepo = {
    path: dir,
    branch,
    commit: (spec) => {
      const run = queue.then(() => commitNow(spec));
      queue = run.catch(() => undefined);
      return run.then((sha) => {
        for (const listener of listeners) listener(sha);
        return sha;
      });
    },
    resolve: resolveRef,
    show,
    log: async () => {
      const raw = await git(dir, ['log', '--format=%H%x00%an <%ae>%x00%aI%x00%B%x1e', branch]);
      return raw
        .split('\x1e')
        .map((entry) => entry.replace(/^\n/, ''))
        .filter((entry) => entry.length > 0)
        .map((entry) => {
          const [sha = '', author = '', date = '', message = ''] = entry.split('\0');
          return { sha, author, date: new Date(date), message: message.trimEnd() };
        });
    },
    snapshot: async (rev) => {
      const sha = await resolveRef(rev);
      let cached = snapshots.get(sha);
      if (!cached) {
        cached = (async () => {
          const listing = await git(dir, ['ls-tree', '-r', '-z', sha]);
          const entries = listing
            .split('\0')
            .filter((line) => line.length > 0)
            .map((line) => {
              const tab = line.indexOf('\t');
              const [, type = '', blob = ''] = line.slice(0, tab).split(' ');
              return { type, blob, path: line.slice(tab + 1) };
            })
            .filter((entry) => entry.type === 'blob');
          const blobs = await readBlobs(dir, [...new Set(entries.map((entry) => entry.blob))]);
          return new Map(entries.map((entry) => [entry.path, blobs.get(entry.blob) ?? '']));
        })();
        snapshots.set(sha, cached);
      }
      return cached;
    },
    changedPaths: async (rev) => {
      const sha = await resolveRef(rev);
      const raw = await git(dir, ['diff-tree', '--root', '--no-commit-id', '-r', '--name-only', '-z', sha]);
      return raw.split('\0').filter((path) => path.length > 0);
    },
    onCommit: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    watchHead: (intervalMs = 1_000) => {
      let isChecking = false;
      const timer = setInterval(() => {
        if (isChecking) return;
        isChecking = true;
        const seen = head;
        void readHead()
          .then((current) => {
            if (!current || current === seen || current === head) return;
            known.add(current);
            head = current;
            for (const listener of listeners) listener(current);
          })
          .finally(() => (isChecking = false));
      }, intervalMs);
      timer.unref();
      return () => clearInterval(timer);
    },
  };

  if (commits.length > 0) {
    const shas = await fastImport(dir, branch, commits);
    for (const sha of shas) known.add(sha);
    head = shas.at(-1);
  }
  return repo;
}
