import type { RecipeResult } from '../fix-plan.js';
import { EditSet, type RecipeContext } from '../recipe-context.js';
import { valueAt, type ValuesLayer } from '../source-tree.js';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Helm's merge of values layers, in order (maps merge key by key; a later scalar or list replaces). */
export function mergeLayers(layers: readonly ValuesLayer[]): Record<string, unknown> {
  const merge = (base: Record<string, unknown>, layer: Record<string, unknown>): Record<string, unknown> => {
    const merged: Record<string, unknown> = { ...base };
    for (const [key, value] of Object.entries(layer)) {
      const current = merged[key];
      merged[key] = isRecord(current) && isRecord(value) ? merge(current, value) : value;
    }
    return merged;
  };
  return layers.reduce<Record<string, unknown>>((values, layer) => merge(values, layer.values), {});
}

/** Every leaf path (scalars and lists) whose value differs between two values trees. */
function changedLeaves(before: unknown, after: unknown, path: string[] = []): string[][] {
  if (isRecord(before) && isRecord(after))
    return [...new Set([...Object.keys(before), ...Object.keys(after)])].flatMap((key) =>
      changedLeaves(before[key], after[key], [...path, key]),
    );
  return JSON.stringify(before) === JSON.stringify(after) ? [] : [path];
}

/** The layer whose value of `path` is the effective one (the last that sets it). */
export function winningLayer(layers: readonly ValuesLayer[], path: readonly string[]): ValuesLayer | undefined {
  return [...layers].reverse().find((layer) => valueAt(layer.values, path) !== undefined);
}

/**
 * A Helm source whose effective values changed since the last healthy revision: each changed
 * value goes back to what it was, edited in the layer that sets it now under Argo CD's precedence
 * (parameters over inline values over valueFiles, later files over earlier ones). A value set
 * inline in the Application, or in a file outside the app's path, is handed to a person.
 */
export function helmValuesRecipe(context: RecipeContext): RecipeResult {
  const layers = context.current.helm?.layers;
  const healthyLayers = context.healthy?.helm?.layers;
  if (!layers || !healthyLayers || !context.healthy) return undefined;
  const before = mergeLayers(healthyLayers);
  const now = mergeLayers(layers);
  const edits = new EditSet(context.current);
  const reasons: string[] = [];
  for (const path of changedLeaves(before, now)) {
    const wanted = valueAt(before, path);
    const layer = winningLayer(layers, path);
    const shown = path.join('.');
    if (!layer || (typeof wanted !== 'string' && typeof wanted !== 'number')) continue;
    if (!layer.file)
      return {
        kind: 'handoff',
        reason:
          `the effective value of ${shown} is set inline in the Argo CD Application (${layer.label}), ` +
          'which wins over every values file; a person must change the Application',
      };
    if (layer.isShared)
      return { kind: 'handoff', reason: `${shown} is set in ${layer.file}, outside the app's path; change it by hand` };
    edits.set(layer.file, 0, path, wanted, valueAt(now, path));
    reasons.push(
      `${shown}: ${String(valueAt(now, path))} → ${String(wanted)} in ${layer.file}, the file that sets the ` +
        `effective value (as at ${context.healthy.revision.slice(0, 7)})`,
    );
  }
  if (edits.edits.length === 0) return undefined;
  return {
    kind: 'edits',
    title: `${context.app.name}: Helm values ${edits.edits.map((edit) => `${edit.path}=${edit.after}`).join(', ')}`,
    rationale: `${reasons.join('; ')}.`,
    edits: edits.edits,
    files: edits.files(),
  };
}
