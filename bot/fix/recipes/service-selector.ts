import type { RecipeResult } from '../fix-plan.js';
import { EditSet, type RecipeContext } from '../recipe-context.js';
import { documentKey, valueAt, type SourceDocument } from '../source-tree.js';

function labelsAt(value: unknown): Record<string, string> | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const entries = Object.entries(value).filter((entry): entry is [string, string] => typeof entry[1] === 'string');
  return entries.length > 0 ? Object.fromEntries(entries) : undefined;
}

function selects(selector: Record<string, string>, labels: Record<string, string>): boolean {
  return Object.entries(selector).every(([key, value]) => labels[key] === value);
}

/** Pod-template labels of the workloads in the source, with the selector each workload uses itself. */
function workloads(documents: readonly SourceDocument[]) {
  return documents.flatMap((document) => {
    const labels = labelsAt(valueAt(document.value, ['spec', 'template', 'metadata', 'labels']));
    if (!labels) return [];
    const own = labelsAt(valueAt(document.value, ['spec', 'selector', 'matchLabels']));
    return [{ key: documentKey(document.value), labels, selector: own ?? labels }];
  });
}

/**
 * A Service whose selector matches no pod template of the app: select the pods of the app's one
 * workload again, with the labels that workload selects its own pods by. More than one workload
 * and none matching is handed to a person (the bot cannot tell which the Service is for).
 */
export function serviceSelectorRecipe(context: RecipeContext): RecipeResult {
  const { current } = context;
  const pods = workloads(current.resources);
  const edits = new EditSet(current);
  const reasons: string[] = [];
  for (const document of current.resources) {
    if (document.value['kind'] !== 'Service') continue;
    const selector = labelsAt(valueAt(document.value, ['spec', 'selector']));
    if (!selector || pods.some((pod) => selects(selector, pod.labels))) continue;
    const [only, ...others] = pods;
    if (!only) continue;
    if (others.length > 0)
      return {
        kind: 'handoff',
        reason:
          `${documentKey(document.value)} selects no pods, and the app has ${pods.length} workloads; ` +
          'a person must say which it serves',
      };
    const refusal = EditSet.refusal(document);
    if (refusal) return { kind: 'handoff', reason: refusal };
    edits.setMapping(document.file, document.index, ['spec', 'selector'], only.selector, selector);
    const show = (labels: Record<string, string>) =>
      Object.entries(labels)
        .map(([key, value]) => `${key}=${value}`)
        .join(',');
    reasons.push(
      `${documentKey(document.value)} selects ${show(selector)}, which no pod carries; ` +
        `${only.key} labels its pods ${show(only.selector)}`,
    );
  }
  if (edits.edits.length === 0) return undefined;
  return {
    kind: 'edits',
    title: `${context.app.name}: select the pods the Service serves again`,
    rationale: `${reasons.join('; ')}.`,
    edits: edits.edits,
    files: edits.files(),
  };
}
