import { loadSourceTree, type HelmSettings, type SourceTree } from '../../bot/fix/source-tree.js';

/**
 * An app's source tree read from files in memory the way the planner reads a Git host
 * (`readFile`, `listFiles`), for recipe tests that need no repository.
 */
export function sourceTreeOf(
  files: Record<string, string>,
  appPath: string,
  revision: string,
  helm?: HelmSettings,
): Promise<SourceTree> {
  const git = {
    readFile: (_repository: string, path: string) => Promise.resolve(files[path]),
    listFiles: (_repository: string, _ref: string, directory: string) =>
      Promise.resolve(Object.keys(files).filter((path) => directory === '' || path.startsWith(`${directory}/`))),
  };
  return loadSourceTree(git, 'platform/gitops', revision, appPath, helm);
}
