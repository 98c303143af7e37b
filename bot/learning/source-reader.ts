import { repositoryFromUrl, type GitProvider } from '../git/git-provider.js';
import type { SourceReader } from '../runtime/investigation-snapshot.js';

/** At most this many files of an app's path go into a snapshot (a scenario needs manifests, not a monorepo). */
const MAX_SOURCE_FILES = 40;

/**
 * Reads an app's files (its `path`, at the synced revision) through the Git host configured for
 * its repository URL; hosts are looked up by URL, as the fix loop does.
 */
export function gitSourceReader(hostFor: (repoURL: string) => GitProvider | undefined): SourceReader {
  return async (source, revision) => {
    if (!source.repoURL || !source.path) return undefined;
    const provider = hostFor(source.repoURL);
    if (!provider) return undefined;
    const repository = repositoryFromUrl(source.repoURL);
    const ref = revision ?? source.targetRevision ?? 'HEAD';
    const paths = (await provider.listFiles(repository, ref, source.path)).slice(0, MAX_SOURCE_FILES);
    const files: Record<string, string> = {};
    for (const path of paths) {
      const text = await provider.readFile(repository, path, ref);
      if (text !== undefined) files[path] = text;
    }
    return files;
  };
}
