import type { RecipeResult } from '../fix-plan.js';
import { EditSet, type RecipeContext } from '../recipe-context.js';
import { valueAt } from '../source-tree.js';

/**
 * A PersistentVolumeClaim asking for a StorageClass the cluster does not have: the class the
 * app's claims used at the last healthy revision when the cluster has it, else the cluster's
 * only class. Without the cluster's list of classes, or with several to choose from, a person
 * decides.
 */
export function storageClassRecipe(context: RecipeContext): RecipeResult {
  const { current, healthy, storageClasses } = context;
  if (!storageClasses) return undefined;
  const known = new Set(storageClasses);
  const usedBefore = (healthy?.resources ?? [])
    .filter((document) => document.value['kind'] === 'PersistentVolumeClaim')
    .map((document) => valueAt(document.value, ['spec', 'storageClassName']))
    .find((name): name is string => typeof name === 'string' && known.has(name));
  const edits = new EditSet(current);
  const reasons: string[] = [];
  for (const document of current.resources) {
    if (document.value['kind'] !== 'PersistentVolumeClaim') continue;
    const wanted = valueAt(document.value, ['spec', 'storageClassName']);
    if (typeof wanted !== 'string' || known.has(wanted)) continue;
    const target = usedBefore ?? (storageClasses.length === 1 ? storageClasses[0] : undefined);
    if (!target)
      return {
        kind: 'handoff',
        reason:
          `StorageClass ${wanted} does not exist on the cluster, which has ${storageClasses.join(', ') || 'none'}; ` +
          'a person must choose one',
      };
    const refusal = EditSet.refusal(document);
    if (refusal) return { kind: 'handoff', reason: refusal };
    edits.set(document.file, document.index, ['spec', 'storageClassName'], target, wanted);
    reasons.push(
      `claim ${String(valueAt(document.value, ['metadata', 'name']))} asks for StorageClass ${wanted}, ` +
        `which the cluster does not have; ${target} exists${usedBefore ? ' and the app used it before' : ''}`,
    );
  }
  if (edits.edits.length === 0) return undefined;
  return {
    kind: 'edits',
    title: `${context.app.name}: use StorageClass ${edits.edits.map((edit) => edit.after).join(', ')}`,
    rationale: `${reasons.join('; ')}.`,
    edits: edits.edits,
    files: edits.files(),
  };
}
