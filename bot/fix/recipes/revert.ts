import { loadDocuments } from '../yaml-edit.js';
import type { PlannedFile, RecipeResult } from '../fix-plan.js';
import type { RecipeContext } from '../recipe-context.js';

function kinds(text: string | undefined, file: string): string[] {
  if (text === undefined) return [];
  return loadDocuments(text, file).map((doc) => String((doc as { kind?: unknown } | null)?.kind ?? ''));
}

function refusal(
  path: string,
  appPath: string,
  before: string | undefined,
  after: string | undefined,
): string | undefined {
  if (path !== appPath && !path.startsWith(`${appPath}/`))
    return `the breaking change touched ${path}, outside this app's path, which other apps may share`;
  const touched = [...kinds(before, path), ...kinds(after, path)];
  if (touched.includes('Secret'))
    return `the breaking change touched the Secret in ${path}; secret values are never edited by the bot`;
  if (touched.some((kind) => kind === 'Application' || kind === 'ApplicationSet'))
    return `the breaking change touched an Argo CD Application (${path}); revert it by hand`;
  return undefined;
}

/**
 * Undo the change that broke it: every file of the app's source that differs between the last
 * revision Argo CD deployed before the fault and now goes back to its old content. Refused when
 * the change touched a shared base, a Secret or an Argo CD Application.
 */
export function revertRecipe(context: RecipeContext): RecipeResult {
  const { current, healthy } = context;
  if (!healthy) return undefined;
  const paths = [...new Set([...current.files.keys(), ...healthy.files.keys()])].sort();
  const files: PlannedFile[] = [];
  for (const path of paths) {
    const before = current.files.get(path);
    const after = healthy.files.get(path);
    if (before === after) continue;
    const reason = refusal(path, current.appPath, before, after);
    if (reason) return { kind: 'handoff', reason };
    files.push({ path, before, after });
  }
  if (files.length === 0) return undefined;
  const short = healthy.revision.slice(0, 7);
  return {
    kind: 'edits',
    title: `${context.app.name}: revert to the source of ${short}`,
    rationale:
      `The fault appeared after ${short}, the last revision Argo CD deployed before it; ` +
      `this restores ${files.map((file) => file.path).join(', ')} as they were there.`,
    edits: files.map((file) => ({
      file: file.path,
      path: '(whole file)',
      before: file.before === undefined ? '(absent)' : 'current content',
      after: file.after === undefined ? '(deleted)' : `content at ${short}`,
    })),
    files,
  };
}
