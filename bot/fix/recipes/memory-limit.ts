import type { RecipeResult } from '../fix-plan.js';
import { EditSet, type RecipeContext } from '../recipe-context.js';
import { fieldSource, workloadContainers } from '../source-tree.js';

const UNITS: Record<string, number> = {
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  K: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
};

/** Bytes of a Kubernetes quantity (`512Mi`, `1Gi`, `1000000`); undefined when it is not one. */
export function quantityBytes(quantity: unknown): number | undefined {
  const match = /^(\d+(?:\.\d+)?)([KMGT]i?)?$/.exec(String(quantity));
  if (!match) return undefined;
  return Number(match[1]) * (match[2] ? (UNITS[match[2]] ?? 1) : 1);
}

/** A byte count as the largest binary unit that keeps it whole (`1Gi`, `768Mi`). */
export function formatBytes(bytes: number): string {
  for (const unit of ['Gi', 'Mi', 'Ki'] as const) {
    const size = UNITS[unit] ?? 1;
    if (bytes % size === 0) return `${bytes / size}${unit}`;
  }
  return String(bytes);
}

/** Headroom over an observed peak. */
export const PEAK_MARGIN = 1.25;
/** Factor over the current limit when neither a peak nor a healthy limit is known. */
export const LIMIT_MARGIN = 2;

function roundUpToMiB(bytes: number): number {
  return Math.ceil(bytes / 2 ** 20) * 2 ** 20;
}

/**
 * OOMKilled: the memory limit becomes the observed peak plus 25 % when a peak is known, else
 * the limit it ran with at the last healthy revision, else twice the current one. The
 * rationale says which rule gave the number.
 */
export function memoryLimitRecipe(context: RecipeContext, peakBytes?: number): RecipeResult {
  const { current, healthy } = context;
  const edits = new EditSet(current);
  const reasons: string[] = [];
  for (const { key, name } of workloadContainers(current)) {
    const now = fieldSource(current, key, name, ['resources', 'limits', 'memory']);
    const nowBytes = quantityBytes(now?.value);
    if (!now || nowBytes === undefined) continue;
    const old = healthy ? fieldSource(healthy, key, name, ['resources', 'limits', 'memory']) : undefined;
    const before = quantityBytes(old?.value);
    let target: number;
    let why: string;
    if (peakBytes !== undefined) {
      target = roundUpToMiB(peakBytes * PEAK_MARGIN);
      why = `observed peak ${formatBytes(roundUpToMiB(peakBytes))} plus 25 %`;
    } else if (before !== undefined && before > nowBytes) {
      target = before;
      why = `the limit it ran with at ${healthy?.revision.slice(0, 7) ?? ''}`;
    } else {
      target = roundUpToMiB(nowBytes * LIMIT_MARGIN);
      why = 'no healthy limit on record, so twice the current one';
    }
    if (target <= nowBytes) continue;
    const refusal = EditSet.refusal(now.document);
    if (refusal) return { kind: 'handoff', reason: refusal };
    edits.set(now.document.file, now.document.index, now.path, formatBytes(target), now.value);
    reasons.push(`${key} container ${name}: memory limit ${String(now.value)} → ${formatBytes(target)} (${why})`);
  }
  if (edits.edits.length === 0) return undefined;
  return {
    kind: 'edits',
    title: `${context.app.name}: raise the memory limit to ${edits.edits.map((edit) => edit.after).join(', ')}`,
    rationale: `${reasons.join('; ')}.`,
    edits: edits.edits,
    files: edits.files(),
  };
}
