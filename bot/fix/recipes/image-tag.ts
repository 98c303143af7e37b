import type { RecipeResult } from '../fix-plan.js';
import { EditSet, type RecipeContext } from '../recipe-context.js';
import { fieldSource, workloadContainers, type ImageOverride, type SourceTree } from '../source-tree.js';

/** `registry/x:1.2` → `{repository: 'registry/x', tag: '1.2'}` (digests are left alone). */
export function splitImage(image: string): { repository: string; tag?: string } {
  const at = image.indexOf('@');
  const base = at >= 0 ? image.slice(0, at) : image;
  const colon = base.lastIndexOf(':');
  if (colon > base.lastIndexOf('/')) return { repository: base.slice(0, colon), tag: base.slice(colon + 1) };
  return { repository: base };
}

interface EffectiveImage {
  repository: string;
  tag: string | undefined;
  /** The `images:` entry that sets the tag, or undefined when the manifest does. */
  override?: ImageOverride;
  manifest: NonNullable<ReturnType<typeof fieldSource>>;
}

/** The image a container runs after kustomize's image transformers (the outermost entry wins). */
export function effectiveImage(tree: SourceTree, key: string, container: string): EffectiveImage | undefined {
  const manifest = fieldSource(tree, key, container, ['image']);
  if (!manifest || typeof manifest.value !== 'string') return undefined;
  const { repository, tag } = splitImage(manifest.value);
  const override = [...tree.images].reverse().find((image) => image.name === repository);
  return {
    repository: override?.newName ?? repository,
    tag: override?.newTag ?? tag,
    ...(override?.newTag !== undefined ? { override } : {}),
    manifest,
  };
}

/**
 * Image tag that does not run (not found, or refused by policy): back to the tag the same
 * container ran at the last revision Argo CD deployed before the fault.
 */
export function imageTagRecipe(context: RecipeContext): RecipeResult {
  const { current, healthy } = context;
  if (!healthy) return undefined;
  const edits = new EditSet(current);
  const reasons: string[] = [];
  for (const { key, name } of workloadContainers(current)) {
    const now = effectiveImage(current, key, name);
    const before = effectiveImage(healthy, key, name);
    if (!now || !before?.tag || now.tag === before.tag || now.repository !== before.repository) continue;
    if (now.override) {
      if (now.override.isShared)
        return { kind: 'handoff', reason: `the tag is set in ${now.override.file}, a shared kustomization` };
      edits.set(now.override.file, 0, ['images', now.override.index, 'newTag'], before.tag, now.tag);
    } else {
      const refusal = EditSet.refusal(now.manifest.document);
      if (refusal) return { kind: 'handoff', reason: refusal };
      const image = `${now.repository}:${before.tag}`;
      edits.set(now.manifest.document.file, now.manifest.document.index, now.manifest.path, image, now.manifest.value);
    }
    reasons.push(`${key} container ${name}: ${now.tag ?? '(none)'} → ${before.tag}`);
  }
  if (edits.edits.length === 0) return undefined;
  return {
    kind: 'edits',
    title: `${context.app.name}: run image tag ${edits.edits.map((edit) => edit.after.split(':').at(-1)).join(', ')}`,
    rationale:
      `${reasons.join('; ')} — the tag that ran at ${healthy.revision.slice(0, 7)}, ` +
      'the last revision Argo CD deployed before the fault.',
    edits: edits.edits,
    files: edits.files(),
  };
}
