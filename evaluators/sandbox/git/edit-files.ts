import type { GitRepo } from './git-repo.js';

/** One change to a file in the GitOps repo: replace a string, or write the whole file. */
export type FileEdit =
  { path: string; find: string; replace: string } | { path: string; content: string } | { path: string; delete: true };

/** A commit that edits files at the branch head (a fix, a bad change, a PR merge). */
export interface FileEditCommit {
  message: string;
  author: string;
  date: Date;
  edits: readonly FileEdit[];
}

/**
 * Applies `edits` to the files at HEAD and commits them. A `find` that is absent from the file
 * is an error (a fix that no longer applies must not silently commit nothing).
 */
export async function commitFileEdits(repo: GitRepo, commit: FileEditCommit): Promise<string> {
  const head = await repo.snapshot('HEAD');
  const files: Record<string, string> = {};
  const deleted: string[] = [];
  for (const edit of commit.edits) {
    if ('delete' in edit) {
      deleted.push(edit.path);
      continue;
    }
    if ('content' in edit) {
      files[edit.path] = edit.content;
      continue;
    }
    const current = files[edit.path] ?? head.get(edit.path);
    if (current === undefined) throw new Error(`${edit.path}: no such file at HEAD`);
    if (!current.includes(edit.find))
      throw new Error(`${edit.path}: text to replace not found: ${JSON.stringify(edit.find)}`);
    files[edit.path] = current.split(edit.find).join(edit.replace);
  }
  return repo.commit({ message: commit.message, author: commit.author, date: commit.date, files, delete: deleted });
}
