import { posix } from 'node:path';
import { parse } from 'yaml';
import { repositoryFromUrl, type GitProvider } from '../git/git-provider.js';
import type { SourceReader } from '../runtime/investigation-snapshot.js';

/** At most this many files of an app's path go into a snapshot (a scenario needs manifests, not a monorepo). */
const MAX_SOURCE_FILES = 40;
const KUSTOMIZATION = /(^|\/)(kustomization\.ya?ml|Kustomization)$/;

/**
 * The local paths a kustomization builds from (`resources`, `bases`, `components`), resolved
 * against its folder; remote references (URLs, `github.com/...`) and paths leaving the
 * repository are left out.
 */
export function kustomizationReferences(path: string, text: string): string[] {
  let document: unknown;
  try {
    document = parse(text);
  } catch {
    return [];
  }
  if (!document || typeof document !== 'object') return [];
  const record = document as Record<string, unknown>;
  const entries = ['resources', 'bases', 'components'].flatMap((key) =>
    Array.isArray(record[key]) ? (record[key] as unknown[]).filter((item) => typeof item === 'string') : [],
  ) as string[];
  return entries
    .filter((entry) => !/^[a-z]+:\/\/|^(github|gitlab)\.com\/|^git@/.test(entry))
    .map((entry) => posix.normalize(posix.join(posix.dirname(path), entry)))
    .filter((resolved) => resolved !== '..' && !resolved.startsWith('../'));
}

/**
 * Reads an app's files (its `path`, at the synced revision) through the Git host configured for
 * its repository URL; hosts are looked up by URL, as the fix loop does. Kustomize references
 * outside the path (an overlay's `../../base`) are followed, so a scenario written from the files
 * builds the same manifests.
 */
export function gitSourceReader(hostFor: (repoURL: string) => GitProvider | undefined): SourceReader {
  return async (source, revision) => {
    if (!source.repoURL || !source.path) return undefined;
    const provider = hostFor(source.repoURL);
    if (!provider) return undefined;
    const repository = repositoryFromUrl(source.repoURL);
    const ref = revision ?? source.targetRevision ?? 'HEAD';
    const files: Record<string, string> = {};
    const seen = new Set<string>();
    const pending = [posix.normalize(source.path)];
    while (pending.length > 0 && Object.keys(files).length < MAX_SOURCE_FILES) {
      const next = pending.shift() ?? '';
      if (seen.has(next)) continue;
      seen.add(next);
      const isFile = /\.(ya?ml|json)$/i.test(next);
      const paths = isFile ? [next] : await provider.listFiles(repository, ref, next);
      for (const path of paths) {
        if (files[path] !== undefined || Object.keys(files).length >= MAX_SOURCE_FILES) continue;
        const text = await provider.readFile(repository, path, ref);
        if (text === undefined) continue;
        files[path] = text;
        if (KUSTOMIZATION.test(path)) pending.push(...kustomizationReferences(path, text));
      }
    }
    return files;
  };
}
