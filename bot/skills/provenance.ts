import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { dirname } from 'node:path';

/** Where a served skill came from. */
export interface SkillProvenance {
  /** Absolute path of the SKILL.md served. */
  path: string;
  /** The root directory it was loaded from. */
  root: string;
  /** sha256 of the file's bytes, hex. */
  sha256: string;
  /** SKILL.md files of the same name in lower-priority roots, hidden by this one. */
  shadows: string[];
}

/** The last commit that touched a skill file, when its root is a git work tree. */
export interface SkillCommit {
  sha: string;
  author: string;
  authorEmail: string;
  date: string;
  subject: string;
}

/** Hex sha256 of a text, as stored in provenance. */
export function sha256(text: string | Buffer): string {
  return createHash('sha256').update(text).digest('hex');
}

function git(args: string[], cwd: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile('git', args, { cwd, timeout: 5000, maxBuffer: 1024 * 1024 }, (error, stdout) => {
      // Not a git repo, no git binary, or no commits yet: there is simply no commit to report.
      resolve(error ? undefined : stdout);
    });
  });
}

/**
 * Looks up last commits lazily, one `git log -1` per file, cached by path and content hash
 * (a changed file gets a fresh look-up). Loading never waits on git.
 */
export class GitProvenance {
  private readonly cache = new Map<string, Promise<SkillCommit | undefined>>();

  lastCommit(path: string, contentHash: string): Promise<SkillCommit | undefined> {
    const key = `${path}\0${contentHash}`;
    let pending = this.cache.get(key);
    if (!pending) {
      pending = this.lookUp(path);
      this.cache.set(key, pending);
    }
    return pending;
  }

  private async lookUp(path: string): Promise<SkillCommit | undefined> {
    const output = await git(['log', '-1', '--format=%H%x1f%an%x1f%ae%x1f%aI%x1f%s', '--', path], dirname(path));
    const fields = output?.trim().split('\x1f');
    if (!fields || fields.length < 5 || !fields[0]) return undefined;
    const [sha = '', author = '', authorEmail = '', date = '', subject = ''] = fields;
    return { sha, author, authorEmail, date, subject };
  }
}
